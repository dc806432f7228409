import { DataSource, EntityManager } from 'typeorm';
import { Actor, systemActor } from '../../../shared/actor';
import type { ActiveEntitlement, EntitlementMoves, EntitlementMoveTarget } from '../../../shared/course-moves';
import { AppError } from '../../../shared/errors';
import { Clock } from '../../../shared/time';
import { EntitlementEntity, EntitlementStepEntity } from './entitlement.entity';
import { EntitlementLedger } from './entitlement.ledger';
import { ACTIVE } from './entitlement.state';

const DAY_MS = 86_400_000;

/**
 * What happens to an entitlement outside the bodies' mutations: course activity (the enrolment
 * ledger calls markInUse / recordHours inside its own transaction), the lapse after a year
 * without activity (the maintenance queue's daily sweep) and a person's move (the move rule,
 * through the EntitlementMoves interface). All idempotent; PostgreSQL is the truth.
 */
export class EntitlementUse implements EntitlementMoves {
  constructor(
    private readonly ds: DataSource,
    private readonly ledger: EntitlementLedger,
    private readonly clock: Clock,
    private readonly lapseDays: number,
  ) {}

  private lockActive(em: EntityManager, personId: string, courseKind: string): Promise<EntitlementEntity | null> {
    return em
      .getRepository(EntitlementEntity)
      .createQueryBuilder('e')
      .where('e.person_id = :personId AND e.course_kind = :courseKind AND e.status IN (:...active)', {
        personId,
        courseKind,
        active: [...ACTIVE],
      })
      .setLock('pessimistic_write')
      .getOne();
  }

  /**
   * The person starts a course at `provider`: the entitlement is in use there (an issued one is
   * registered there first). Null when the person holds none for the course kind. A certificate
   * held by another provider is refused (CONFLICT): its bodies transfer it first.
   */
  async markInUse(
    em: EntityManager,
    personId: string,
    courseKind: string,
    provider: string,
    actor: Actor = { ...systemActor(), partner: provider },
  ): Promise<EntitlementEntity | null> {
    const e = await this.lockActive(em, personId, courseKind);
    if (!e) return null;
    if (e.registeredProvider && e.registeredProvider !== provider)
      throw new AppError('CONFLICT', `The entitlement is held by ${e.registeredProvider}`, {
        entitlementId: e.id,
        status: e.status,
        registeredProvider: e.registeredProvider,
        allowedActions: ['transferEntitlement'],
      });
    if (e.status === 'issued')
      await this.ledger.write(em, actor, e, {
        action: 'register',
        to: 'registered',
        provider,
        activity: true,
        event: { type: 'entitlement.registered', payload: (b) => ({ ...b, provider }) },
      });
    if (e.status === 'registered')
      return this.ledger.write(em, actor, e, {
        action: 'start',
        to: 'in_use',
        activity: true,
        event: { type: 'entitlement.in_use', payload: (b) => b },
      });
    // In use already: activity only (no step, no event).
    e.lastActivityAt = this.clock.now();
    await em.update(EntitlementEntity, { id: e.id }, { lastActivityAt: e.lastActivityAt, updatedAt: e.lastActivityAt });
    return e;
  }

  /** Adds attended teaching units; when the granted ones are used up, the entitlement is used. */
  async recordHours(
    em: EntityManager,
    input: { personId: string; courseKind: string; provider: string; hours: number },
    actor: Actor = { ...systemActor(), partner: input.provider },
  ): Promise<EntitlementEntity | null> {
    if (!Number.isInteger(input.hours) || input.hours < 1 || input.hours > 2000)
      throw new AppError('BAD_USER_INPUT', 'hours must be 1 to 2000', { field: 'hours' });
    const e = await this.markInUse(em, input.personId, input.courseKind, input.provider, actor);
    if (!e) return null;
    e.hoursUsed = Math.min(e.hoursUsed + input.hours, e.hoursGranted);
    if (e.hoursUsed < e.hoursGranted) {
      await em.update(EntitlementEntity, { id: e.id }, { hoursUsed: e.hoursUsed });
      return e;
    }
    return this.ledger.write(em, actor, e, {
      action: 'complete',
      to: 'used',
      activity: true,
      event: { type: 'entitlement.used', payload: (b) => ({ ...b, hoursUsed: e.hoursUsed }) },
    });
  }

  /**
   * The daily sweep: every issued or registered entitlement without course activity (or, never
   * active, since its issue) for ENTITLEMENT_LAPSE_DAYS lapses. Each in its own transaction,
   * re-checked under lock, so a run that stopped halfway or runs twice changes nothing twice.
   */
  async lapseDue(actor: Actor = systemActor('entitlement-lapse')): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.lapseDays * DAY_MS);
    const due: Array<{ id: string }> = await this.ds.query(
      `SELECT id FROM courses.entitlement
        WHERE status IN ('issued','registered') AND coalesce(last_activity_at, issued_at) <= $1
        ORDER BY coalesce(last_activity_at, issued_at) LIMIT 10000`,
      [cutoff],
    );
    let lapsed = 0;
    for (const { id } of due) {
      const done = await this.ds.transaction(async (em) => {
        const e = await this.ledger.lock(em, id, null);
        if (!e || !['issued', 'registered'].includes(e.status)) return false;
        if ((e.lastActivityAt ?? e.issuedAt).getTime() > cutoff.getTime()) return false;
        await this.ledger.write(em, actor, e, {
          action: 'lapse',
          to: 'lapsed',
          event: { type: 'entitlement.lapsed', payload: (b) => b },
        });
        return true;
      });
      if (done) lapsed++;
    }
    return lapsed;
  }

  async activeOf(personId: string): Promise<ActiveEntitlement[]> {
    const rows = await this.ds
      .getRepository(EntitlementEntity)
      .createQueryBuilder('e')
      .where('e.person_id = :personId AND e.status IN (:...active)', { personId, active: [...ACTIVE] })
      .orderBy('e.issued_at')
      .getMany();
    return rows.map((e) => ({
      id: e.id,
      courseKind: e.courseKind,
      status: e.status,
      registeredProvider: e.registeredProvider,
    }));
  }

  async followMove(
    actor: Actor,
    move: { entitlementId: string; eventId: string; toMunicipalityKey: string; target: EntitlementMoveTarget },
  ): Promise<void> {
    await this.ds.transaction(async (em) => {
      const e = await this.ledger.lock(em, move.entitlementId, null);
      if (!e || !(ACTIVE as string[]).includes(e.status)) return;
      if (await em.existsBy(EntitlementStepEntity, { entitlementId: e.id, eventId: move.eventId })) return;
      // The entitlement follows the person: the new municipality's partners see it, the old ones no longer.
      e.municipalityKey = move.toMunicipalityKey;
      const t = move.target;
      const fromProvider = e.registeredProvider;
      if (t.kind === 'stay' || (t.kind === 'release' && !fromProvider)) {
        await em.update(
          EntitlementEntity,
          { id: e.id },
          { municipalityKey: e.municipalityKey, updatedAt: this.clock.now() },
        );
      } else if (t.kind === 'transfer') {
        await this.ledger.write(em, actor, e, {
          action: 'transfer',
          to: 'registered',
          provider: t.toProvider,
          reason: 'moved_away',
          eventId: move.eventId,
          event: {
            type: 'entitlement.transferred',
            payload: (b) => ({
              ...b,
              fromProvider,
              toProvider: t.toProvider,
              reasonCode: 'moved_away',
              toMunicipalityKey: null,
            }),
          },
        });
      } else if (t.kind === 'release') {
        await this.ledger.write(em, actor, e, {
          action: 'release',
          to: 'issued',
          provider: null,
          reason: 'moved_away',
          eventId: move.eventId,
          event: {
            type: 'entitlement.released',
            payload: (b) => ({ ...b, provider: fromProvider, reasonCode: 'moved_away' }),
          },
        });
      } else {
        await this.ledger.write(em, actor, e, {
          action: 'handOver',
          to: 'transferred',
          provider: null,
          reason: 'moved_away',
          eventId: move.eventId,
          event: {
            type: 'entitlement.transferred',
            payload: (b) => ({
              ...b,
              provider: fromProvider,
              fromProvider,
              toProvider: null,
              reasonCode: 'moved_away',
              toMunicipalityKey: move.toMunicipalityKey,
            }),
          },
        });
      }
    });
  }
}
