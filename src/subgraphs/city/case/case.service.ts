import { DataSource, EntityManager } from 'typeorm';
import { CASE_EVENTS } from '../../../events/catalogue.cases';
import { EventPayloads } from '../../../events/event-types';
import { Outbox } from '../../../events/outbox.service';
import { PolicyDecisionPoint } from '../../../policy/policy.service';
import { Actor } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { InputCheck } from '../../shared/validation';
import { PersonService } from '../person/person.service';
import { CaseEntity } from './case.entity';
import { HistoricCase, loadHistoricCase } from './case.historic';
import { allowedCaseActions, CaseAction, CasePhase, CaseTrack, mayRun, phaseAfter } from './case.state';

/** A pseudonymous worker reference: a code, never a name (no spaces, no more than 40 characters). */
export const WORKER_REF = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
/** The purpose case management is done for: the case's holder states it on every request. */
export const CASE_PURPOSE = 'case_management';

/** Event types of cases (src/events/catalogue.cases.ts). */
export type CaseEventType = keyof typeof CASE_EVENTS;
/** What a case event adds to the ids every one carries. */
export type CaseEventData<T extends CaseEventType> = Omit<EventPayloads[T], 'caseId' | 'personId' | 'partner'>;

/**
 * Cases of case management (docs/case-management.md): the holder (the case manager's partner)
 * opens and works a case; each step runs with the case row locked and its phase checked against
 * the steps as data (case.state.ts), and writes its event in the same transaction. Other partners
 * see nothing of a case: help reaches them as referrals.
 */
export class CaseService {
  constructor(
    protected readonly ds: DataSource,
    protected readonly outbox: Outbox,
    protected readonly clock: Clock,
    protected readonly pdp: PolicyDecisionPoint,
    protected readonly persons: PersonService,
  ) {}

  /** Opens a case in the phase working_alliance: the agreement is signed. */
  async open(
    actor: Actor,
    input: { personId: string; household?: boolean | null; workerRef: string; allianceSignedOn: string | null },
    opts: { track?: CaseTrack; sourceReferralId?: string | null; em?: EntityManager } = {},
  ): Promise<CaseEntity> {
    requireScope(actor, 'cases:write');
    const check = new InputCheck(this.clock.now());
    check.require(isUuid(input.personId), 'personId is not a valid id', 'personId');
    check.require(WORKER_REF.test(input.workerRef ?? ''), 'workerRef is a code like cm-17 (no names)', 'workerRef');
    // Only a case opened from a transfer starts unsigned (the eUMA track: confirmWorkingAlliance signs it).
    const unsigned = input.allianceSignedOn === null && !!opts.sourceReferralId;
    const signed = unsigned ? null : check.day(input.allianceSignedOn ?? '', 'allianceSignedOn');
    if (signed && signed > isoDay(this.clock.now()))
      check.refuse(
        'allianceSignedOn lies in the future: a case opens once the agreement is signed',
        'allianceSignedOn',
      );
    check.done();
    const person = await this.persons.get(actor, input.personId);
    if (!person || !(await this.pdp.mayKnow(actor, input.personId)))
      throw notFound('Person', input.personId, 'personId');
    if (input.household && !person.householdId)
      throw new AppError('BAD_USER_INPUT', 'The person belongs to no household', { field: 'household' });
    const now = this.clock.now();
    const row: CaseEntity = {
      id: newId(),
      personId: person.id,
      householdId: input.household ? person.householdId : null,
      partner: actor.partner,
      workerRef: input.workerRef,
      phase: 'working_alliance',
      track: opts.track ?? 'standard',
      allianceSignedOn: signed,
      sourceReferralId: opts.sourceReferralId ?? null,
      openedAt: now,
      closedAt: null,
      closureKind: null,
      closureReason: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const write = async (em: EntityManager) => {
      const open = await em.findOne(CaseEntity, { where: { personId: row.personId, partner: row.partner } });
      if (open && open.phase !== 'closed') {
        throw new AppError('CONFLICT', `The person already has an open case with you (phase ${open.phase})`, {
          caseId: open.id,
          phase: open.phase,
          allowedActions: allowedCaseActions(open.phase, open.allianceSignedOn !== null),
        });
      }
      await em.insert(CaseEntity, row);
      await this.event(em, actor, 'case.opened', row, { track: row.track, sourceReferralId: row.sourceReferralId });
      return row;
    };
    return opts.em ? write(opts.em) : this.ds.transaction(write);
  }

  /** A case the actor holds, or null (another partner's case does not exist for it). */
  async get(actor: Actor, id: string): Promise<CaseEntity | null> {
    if (!isUuid(id)) return null;
    const row = await this.ds.manager.findOneBy(CaseEntity, { id });
    return row && row.partner === actor.partner ? row : null;
  }

  /** The actor's cases of these persons, newest first. */
  async forPersons(actor: Actor, personIds: readonly string[]): Promise<CaseEntity[]> {
    const ids = personIds.filter(isUuid);
    if (!ids.length) return [];
    return this.ds.manager
      .createQueryBuilder(CaseEntity, 'c')
      .where('c.person_id = ANY(:ids) AND c.partner = :partner', { ids, partner: actor.partner })
      .orderBy('c.opened_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .getMany();
  }

  /**
   * Runs a step of case management: the case locked, held by the actor, in a phase that allows the
   * step (else CONFLICT naming the phase and what is allowed); moves the phase forward and bumps
   * the version. `fn` writes the step's rows and events in the same transaction.
   */
  async step<T>(
    actor: Actor,
    caseId: string,
    action: CaseAction,
    fn: (em: EntityManager, c: CaseEntity, before: CasePhase) => Promise<T>,
    field = 'caseId',
  ): Promise<T> {
    requireScope(actor, 'cases:write');
    if (!isUuid(caseId)) throw notFound('Case', caseId, field);
    return this.ds.transaction(async (em) => {
      const c = await em.findOne(CaseEntity, { where: { id: caseId }, lock: { mode: 'pessimistic_write' } });
      if (!c || c.partner !== actor.partner) throw notFound('Case', caseId, field);
      this.require(c, action);
      const before = c.phase;
      const result = await fn(em, c, before);
      const phase = phaseAfter(action, before);
      c.phase = c.phase === before ? phase : c.phase;
      c.version += 1;
      c.updatedAt = this.clock.now();
      await em.save(CaseEntity, c);
      if (c.phase !== before) await this.event(em, actor, 'case.phase_changed', c, { from: before, to: c.phase });
      return result;
    });
  }

  /** Refuses a step the case's phase does not allow, naming the phase and the allowed steps. */
  require(c: CaseEntity, action: CaseAction): void {
    const signed = c.allianceSignedOn !== null;
    if (mayRun(action, c.phase, signed)) return;
    const allowed = allowedCaseActions(c.phase, signed);
    const why = signed ? '' : ' (the working alliance is not signed yet)';
    throw new AppError('CONFLICT', `The case is in phase ${c.phase}${why}: ${action} is not possible now`, {
      caseId: c.id,
      phase: c.phase,
      allowedActions: allowed,
    });
  }

  /** Appends a case event (ids and codes only) in the caller's transaction. */
  async event<T extends CaseEventType>(
    em: EntityManager,
    actor: Actor,
    type: T,
    c: CaseEntity,
    extra: CaseEventData<T>,
    /** Only for records of the past (case.historic.ts): the day the step was taken. */
    occurredAt?: Date,
  ): Promise<void> {
    const payload = { caseId: c.id, personId: c.personId, partner: c.partner, ...extra } as EventPayloads[T];
    await this.outbox.append(
      em,
      actor,
      { type, personId: c.personId, aggregateType: 'Case', aggregateId: c.id, payload },
      { occurredAt },
    );
  }

  /** The demo data's cases of the past (case.historic.ts). Not part of the API. */
  loadHistoric(actor: Actor, h: HistoricCase): Promise<CaseEntity> {
    return loadHistoricCase(this.ds, this, actor, h);
  }
}
