import { EntityManager, QueryFailedError } from 'typeorm';
import type { EventPayloads } from '../../../events/event-types';
import { Outbox } from '../../../events/outbox.service';
import { Actor } from '../../../shared/actor';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { RowSecurityContext } from '../../../shared/row-security';
import { Clock } from '../../../shared/time';
import { EntitlementBodyEntity, EntitlementEntity, EntitlementStepEntity } from './entitlement.entity';
import { ACTIVE, EntitlementAction, EntitlementStatus, INSTEAD_OF_SECOND_ISSUE } from './entitlement.state';

type EntitlementEvent = Extract<keyof EventPayloads, `entitlement.${string}`>;

/** What every entitlement event carries (the catalogue's `Entitlement`). */
export type EventBase = {
  entitlementId: string;
  personId: string;
  courseKind: string;
  issuer: string;
  bodies: string[];
  provider: string | null;
};

export interface Step<T extends EntitlementEvent> {
  action: EntitlementAction | 'issue' | 'obligation_added' | 'move';
  /** The new status (unchanged when absent). */
  to?: EntitlementStatus;
  /** The new provider (unchanged when undefined). */
  provider?: string | null;
  reason?: string | null;
  /** A system step that follows an event: recorded with it so a retry finds it. */
  eventId?: string;
  /** The first step of a new row (inserted by the caller): from no status, nothing to update. */
  initial?: boolean;
  /** Whether this step counts as course activity (resets the lapse clock). */
  activity?: boolean;
  event: { type: T; payload: (base: EventBase) => EventPayloads[T] };
}

/**
 * The one writer of an entitlement's changes: row, history step and event in the caller's
 * transaction, so the biography and the audit see every step. The caller has locked the row.
 */
export class EntitlementLedger {
  constructor(
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly rowSecurity: RowSecurityContext,
  ) {}

  async bodies(em: EntityManager, entitlementId: string): Promise<string[]> {
    const rows = await em.find(EntitlementBodyEntity, { where: { entitlementId }, order: { addedAt: 'ASC' } });
    return rows.map((b) => b.partner);
  }

  async write<T extends EntitlementEvent>(
    em: EntityManager,
    actor: Actor,
    e: EntitlementEntity,
    step: Step<T>,
  ): Promise<EntitlementEntity> {
    const now = this.clock.now();
    const from = step.initial ? null : e.status;
    const providerFrom = e.registeredProvider;
    if (step.to) e.status = step.to;
    if (step.provider !== undefined && step.provider !== e.registeredProvider) {
      e.registeredProvider = step.provider;
      e.registeredAt = step.provider ? now : null;
    }
    if (step.activity) e.lastActivityAt = now;
    e.updatedAt = now;
    if (!step.initial)
      await em.update(
        EntitlementEntity,
        { id: e.id },
        {
          status: e.status,
          basis: e.basis,
          registeredProvider: e.registeredProvider,
          registeredAt: e.registeredAt,
          lastActivityAt: e.lastActivityAt,
          hoursUsed: e.hoursUsed,
          municipalityKey: e.municipalityKey,
          updatedAt: now,
        },
      );
    await em.insert(EntitlementStepEntity, {
      id: newId(),
      entitlementId: e.id,
      action: step.action,
      fromStatus: from,
      toStatus: e.status,
      byPartner: actor.partner,
      at: now,
      reasonCode: step.reason ?? null,
      providerFrom,
      providerTo: e.registeredProvider,
      eventId: step.eventId ?? null,
    });
    const base: EventBase = {
      entitlementId: e.id,
      personId: e.personId,
      courseKind: e.courseKind,
      issuer: e.issuingBody,
      bodies: await this.bodies(em, e.id),
      provider: e.registeredProvider ?? providerFrom,
    };
    await this.outbox.append(em, actor, {
      type: step.event.type,
      personId: e.personId,
      aggregateType: 'Entitlement',
      aggregateId: e.id,
      payload: step.event.payload(base),
    });
    // The provider that held it must let go: told by a closing notice, which reaches it even when
    // the person has moved out of its area (it no longer has a basis to know the person).
    if (providerFrom && providerFrom !== e.registeredProvider && step.event.type !== 'entitlement.released')
      await this.outbox.append(em, actor, {
        type: 'entitlement.released',
        personId: e.personId,
        aggregateType: 'Entitlement',
        aggregateId: e.id,
        payload: { ...base, provider: providerFrom, reasonCode: step.reason ?? 'transferred' },
      });
    return e;
  }

  /** Locks an entitlement for the rest of the transaction (`scoped` limits it to the actor's jurisdiction). */
  lock(em: EntityManager, id: string, jurisdiction: string[] | null): Promise<EntitlementEntity | null> {
    const q = em
      .getRepository(EntitlementEntity)
      .createQueryBuilder('e')
      .where('e.id = :id', { id })
      .setLock('pessimistic_write');
    if (jurisdiction)
      q.andWhere('e.municipality_key LIKE ANY(:prefixes)', { prefixes: jurisdiction.map((j) => `${j}%`) });
    return q.getOne();
  }

  /**
   * The person's active entitlement of a kind in any jurisdiction: one person has one, wherever it
   * was issued. Read as the hub, since the caller's row security would hide another municipality's.
   */
  activeAnywhere(em: EntityManager, personId: string, courseKind: string): Promise<EntitlementEntity | null> {
    return this.rowSecurity.system('entitlement-check', () =>
      em
        .getRepository(EntitlementEntity)
        .createQueryBuilder('e')
        .where('e.person_id = :personId AND e.course_kind = :courseKind AND e.status IN (:...active)', {
          personId,
          courseKind,
          active: [...ACTIVE],
        })
        .getOne(),
    );
  }

  /** The refusal of a second certificate: it names the existing entry and what to do instead. */
  secondIssue(existing: EntitlementEntity): AppError {
    return new AppError(
      'CONFLICT',
      'The person already has an active entitlement for this course kind: add yourself as an obliging body, or withdraw or transfer it',
      {
        field: 'courseKind',
        entitlementId: existing.id,
        issuer: existing.issuingBody,
        registeredProvider: existing.registeredProvider,
        status: existing.status,
        allowedActions: [...INSTEAD_OF_SECOND_ISSUE],
      },
    );
  }
}

export const isUniqueViolation = (err: unknown, constraint: string): boolean =>
  err instanceof QueryFailedError &&
  (err.driverError as { code?: string })?.code === '23505' &&
  (err.driverError as { constraint?: string }).constraint === constraint;

/** A transition the status does not allow: the status and what the caller may do instead. */
export function refusedTransition(e: EntitlementEntity, allowedActions: string[]): AppError {
  return new AppError('CONFLICT', `The entitlement is ${e.status}; this step is not possible`, {
    field: 'entitlementId',
    entitlementId: e.id,
    status: e.status,
    allowedActions,
  });
}
