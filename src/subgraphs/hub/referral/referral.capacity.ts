import { DataSource } from 'typeorm';
import { Clock } from '../../../shared/time';

export const RECEIVER_POOLS = ['course_provider_with_capacity'] as const;
export type ReceiverPool = (typeof RECEIVER_POOLS)[number];

/** Statuses in which a referral holds a seat at its receiver. */
const HOLDS_A_SEAT = ['requested', 'received', 'accepted', 'in_progress', 'on_hold'];

export interface FreeSeats {
  partner: string;
  free: number;
}

/**
 * Who can take a referral when the sender names no receiver. Seats are the capacity of a
 * provider's courses that have not started yet, less the referrals for the purpose that are open
 * at it: an estimate until course enrolments are recorded, and one that errs on the safe side
 * (an open referral always counts). It reads the courses subgraph's tables (capacities only, no
 * personal data) under the request's row-level security, so a sender sees the courses of its own
 * jurisdiction only.
 */
export class ReceiverPools {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Course providers acting for the purpose, most free seats first; ties by name for a stable choice. */
  async freeSeats(purpose: string): Promise<FreeSeats[]> {
    const today = this.clock.now().toISOString().slice(0, 10);
    const rows: Array<{ slug: string; free: number }> = await this.ds.query(
      `WITH providers AS (
         SELECT slug FROM hub.partner WHERE active AND kind = 'course_provider' AND $1 = ANY(purposes)
       ), seats AS (
         SELECT p.partner_slug AS slug, sum(c.capacity)::int AS seats
           FROM courses.course c JOIN courses.course_provider p ON p.id = c.provider_id
          WHERE c.starts_on >= $2::date GROUP BY p.partner_slug
       ), taken AS (
         SELECT receiver AS slug, count(*)::int AS taken FROM hub.referral
          WHERE purpose = $1 AND status = ANY($3) GROUP BY receiver
       )
       SELECT pr.slug, (coalesce(s.seats, 0) - coalesce(t.taken, 0))::int AS free
         FROM providers pr LEFT JOIN seats s ON s.slug = pr.slug LEFT JOIN taken t ON t.slug = pr.slug
        ORDER BY free DESC, pr.slug`,
      [purpose, today, HOLDS_A_SEAT],
    );
    return rows.map((r) => ({ partner: r.slug, free: r.free }));
  }
}
