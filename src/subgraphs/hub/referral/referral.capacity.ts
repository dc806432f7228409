import { DataSource } from 'typeorm';
import { Actor } from '../../../shared/actor';
import { Clock, isoDay } from '../../../shared/time';

export const RECEIVER_POOLS = ['course_provider_with_capacity'] as const;
export type ReceiverPool = (typeof RECEIVER_POOLS)[number];

/**
 * Statuses in which a referral holds a seat at its receiver: until the provider enrols the person
 * (which starts the referral: in_progress), the seat is promised but not yet an enrolment. From
 * in_progress on, the person's enrolment (or waitlist place) is what counts, in the courses subgraph.
 */
const HOLDS_A_SEAT = ['requested', 'received', 'accepted'];

export interface FreeSeats {
  partner: string;
  free: number;
}

/**
 * What the hub needs of the courses subgraph: seats per provider (partner slug) in courses that
 * start on or after a day, as the actor may see them. The container wires the courses service in
 * (CourseService.seatsByProvider); the hub never reads the courses schema itself (ADR 0007).
 */
export interface CourseCapacity {
  seatsByProvider(actor: Actor, fromDay: string): Promise<Array<{ partner: string; seats: number }>>;
}

/**
 * Who can take a referral when the sender names no receiver. Seats are the free seats of a
 * provider's open courses that have not started yet (capacity less offered and enrolled
 * enrolments), less the referrals for the purpose that are waiting for the provider's decision
 * or enrolment (requested, received, accepted): a referral the provider has not yet turned into an
 * enrolment still holds a seat, so the pool errs on the safe side. The seats come from the courses subgraph under the sender's
 * jurisdiction (its service scoping and row-level security), so a sender sees the courses of its
 * own jurisdiction only; providers and open referrals are the hub's own tables.
 */
export class ReceiverPools {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly capacity: CourseCapacity,
  ) {}

  /** Course providers acting for the purpose, most free seats first; ties by name for a stable choice. */
  async freeSeats(actor: Actor, purpose: string): Promise<FreeSeats[]> {
    const today = isoDay(this.clock.now());
    const rows: Array<{ slug: string; taken: number }> = await this.ds.query(
      `SELECT pr.slug, coalesce(t.taken, 0)::int AS taken
         FROM hub.partner pr
         LEFT JOIN (SELECT receiver, count(*)::int AS taken FROM hub.referral
                     WHERE purpose = $1 AND status = ANY($2) GROUP BY receiver) t ON t.receiver = pr.slug
        WHERE pr.active AND pr.kind = 'course_provider' AND $1 = ANY(pr.purposes)`,
      [purpose, HOLDS_A_SEAT],
    );
    if (!rows.length) return [];
    const seats = new Map((await this.capacity.seatsByProvider(actor, today)).map((s) => [s.partner, s.seats]));
    return rows
      .map((r) => ({ partner: r.slug, free: (seats.get(r.slug) ?? 0) - r.taken }))
      .sort((a, b) => b.free - a.free || (a.partner < b.partner ? -1 : a.partner > b.partner ? 1 : 0));
  }
}
