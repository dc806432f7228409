import { DataSource, EntityManager, In } from 'typeorm';
import { Actor, hasScope, inJurisdiction, jurisdictionPatterns } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { InputCheck } from '../../shared/validation';
import { EntitlementBodyEntity, EntitlementEntity, EntitlementStepEntity } from './entitlement.entity';
import { EntitlementLedger, isUniqueViolation, refusedTransition } from './entitlement.ledger';
import { CoursesLinks, isIssuerKind } from './entitlement.links';
import {
  allowedEntitlementActions,
  ENTITLEMENT_REASONS,
  EntitlementAction,
  EntitlementRole,
  EntitlementStatus,
  mayTransition,
} from './entitlement.state';
import {
  AddObligingBodyInput,
  EntitlementBasis,
  EntitlementCourseKind,
  IssueEntitlementInput,
  RegisterEntitlementInput,
  TransferEntitlementInput,
  WithdrawEntitlementInput,
} from './entitlement.types';

/** Teaching units a certificate grants when the issuer names none (integration course: 600 language + 100 orientation). */
export const DEFAULT_HOURS: Record<EntitlementCourseKind, number> = {
  integration_course: 700,
  job_language_course: 400,
};
const COURSE_KINDS = Object.values(EntitlementCourseKind) as string[];
const BASES = Object.values(EntitlementBasis) as string[];
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * The entitlement ledger as partners use it: immigration offices and jobcenters issue, oblige,
 * withdraw and transfer (scope entitlements:write); course providers register and transfer
 * (courses:write). Every read and write is scoped to the actor's jurisdiction, except the check
 * for an existing certificate, which sees every jurisdiction.
 */
export class EntitlementService {
  constructor(
    private readonly ds: DataSource,
    private readonly ledger: EntitlementLedger,
    private readonly clock: Clock,
    private readonly links: CoursesLinks,
  ) {}

  private scoped(actor: Actor, em: EntityManager = this.ds.manager) {
    return em
      .getRepository(EntitlementEntity)
      .createQueryBuilder('e')
      .where('e.municipality_key LIKE ANY(:prefixes)', { prefixes: jurisdictionPatterns(actor) });
  }

  /** Entitlements of many persons, newest first, for `Person.entitlements`. */
  async byPersons(actor: Actor, personIds: readonly string[]): Promise<EntitlementEntity[]> {
    requireScope(actor, 'courses:read');
    const ids = personIds.filter(isUuid);
    if (!ids.length) return [];
    return this.scoped(actor)
      .andWhere('e.person_id = ANY(:ids)', { ids })
      .orderBy('e.issued_at', 'DESC')
      .addOrderBy('e.id', 'ASC')
      .getMany();
  }

  /** Bodies of visible entitlements (row security hides the rest), issuer first. */
  bodiesOf(entitlementIds: readonly string[]): Promise<EntitlementBodyEntity[]> {
    if (!entitlementIds.length) return Promise.resolve([]);
    return this.ds
      .getRepository(EntitlementBodyEntity)
      .find({ where: { entitlementId: In([...entitlementIds]) }, order: { addedAt: 'ASC', partner: 'ASC' } });
  }

  stepsOf(entitlementIds: readonly string[]): Promise<EntitlementStepEntity[]> {
    if (!entitlementIds.length) return Promise.resolve([]);
    return this.ds
      .getRepository(EntitlementStepEntity)
      .find({ where: { entitlementId: In([...entitlementIds]) }, order: { at: 'ASC', id: 'ASC' } });
  }

  /** Issues a certificate; a second active one for the person and course kind is refused (CONFLICT naming the first). */
  async issue(actor: Actor, input: IssueEntitlementInput): Promise<EntitlementEntity> {
    requireScope(actor, 'entitlements:write');
    const check = new InputCheck();
    check.require(isUuid(input.personId), 'personId is not a valid id', 'personId');
    check.require(
      COURSE_KINDS.includes(input.courseKind),
      `courseKind must be one of ${COURSE_KINDS.join(', ')}`,
      'courseKind',
    );
    const basis = input.basis ?? EntitlementBasis.entitlement;
    check.require(BASES.includes(basis), `basis must be one of ${BASES.join(', ')}`, 'basis');
    const hours = input.hoursGranted ?? DEFAULT_HOURS[input.courseKind] ?? 0;
    check.require(
      Number.isInteger(hours) && hours >= 1 && hours <= 2000,
      'hoursGranted must be 1 to 2000',
      'hoursGranted',
    );
    check.done();
    const issuerKind = await this.issuerKind(actor);
    const municipalityKey = await this.links.persons.municipalityOf(input.personId);
    if (!municipalityKey || !inJurisdiction(actor, municipalityKey))
      throw notFound('Person', input.personId, 'personId');

    const now = this.clock.now();
    const e: EntitlementEntity = {
      id: newId(),
      personId: input.personId,
      courseKind: input.courseKind,
      basis,
      issuingBody: actor.partner,
      issuerKind,
      hoursGranted: hours,
      hoursUsed: 0,
      issuedAt: now,
      registeredProvider: null,
      registeredAt: null,
      status: 'issued',
      lastActivityAt: null,
      municipalityKey,
      updatedAt: now,
    };
    try {
      return await this.ds.transaction(async (em) => {
        const existing = await this.ledger.activeAnywhere(em, e.personId, e.courseKind);
        if (existing) throw this.ledger.secondIssue(existing);
        await em.insert(EntitlementEntity, e);
        await em.insert(EntitlementBodyEntity, {
          entitlementId: e.id,
          partner: actor.partner,
          kind: basis,
          addedAt: now,
          addedBy: actor.partner,
        });
        // The step from nothing to issued: written like every other step.
        return this.ledger.write(em, actor, e, {
          action: 'issue',
          initial: true,
          event: { type: 'entitlement.issued', payload: (b) => ({ ...b, basis, issuerKind }) },
        });
      });
    } catch (err) {
      if (!isUniqueViolation(err, 'entitlement_one_active')) throw err;
      // A concurrent issue won the race: the same answer as if it had been there first.
      const winner = await this.ledger.activeAnywhere(this.ds.manager, e.personId, e.courseKind);
      throw winner ? this.ledger.secondIssue(winner) : err;
    }
  }

  /** Adds a body that entitles or obliges the person to the existing certificate (no second certificate). */
  async addObligingBody(actor: Actor, input: AddObligingBodyInput): Promise<EntitlementEntity> {
    requireScope(actor, 'entitlements:write');
    const check = new InputCheck();
    check.require(isUuid(input.entitlementId), 'entitlementId is not a valid id', 'entitlementId');
    const body = input.body?.trim() ?? '';
    check.require(SLUG.test(body) && body.length <= 64, 'body must be a partner slug', 'body');
    check.require(BASES.includes(input.basis), `basis must be one of ${BASES.join(', ')}`, 'basis');
    check.done();
    await this.issuerKind(actor);
    const partner = await this.links.partners.bySlug(body);
    if (!partner?.active || !isIssuerKind(partner.kind))
      throw new AppError('BAD_USER_INPUT', 'body must be an active immigration office or jobcenter', { field: 'body' });
    return this.ds.transaction(async (em) => {
      const e = await this.locked(actor, em, input.entitlementId);
      const bodies = await this.ledger.bodies(em, e.id);
      // A body speaks for itself; the bodies already on the certificate may add another.
      if (body !== actor.partner && !bodies.includes(actor.partner))
        throw new AppError(
          'FORBIDDEN',
          'You may add yourself, or another body to a certificate you issued or obliged',
          {
            field: 'body',
          },
        );
      if (!(['issued', 'registered', 'in_use'] as string[]).includes(e.status))
        throw refusedTransition(e, e.status === 'transferred' ? [] : ['issueEntitlement']);
      if (bodies.includes(body)) return e;
      await em.insert(EntitlementBodyEntity, {
        entitlementId: e.id,
        partner: body,
        kind: input.basis,
        addedAt: this.clock.now(),
        addedBy: actor.partner,
      });
      // One obligation makes the certificate an obligation (the person must attend).
      if (input.basis === EntitlementBasis.obligation) e.basis = EntitlementBasis.obligation;
      return this.ledger.write(em, actor, e, {
        action: 'obligation_added',
        event: { type: 'entitlement.obligation_added', payload: (b) => ({ ...b, body, basis: input.basis }) },
      });
    });
  }

  async withdraw(actor: Actor, input: WithdrawEntitlementInput): Promise<EntitlementEntity> {
    requireScope(actor, 'entitlements:write');
    const check = new InputCheck();
    check.require(isUuid(input.entitlementId), 'entitlementId is not a valid id', 'entitlementId');
    check.require(isReason(input.reason), `reason must be one of ${ENTITLEMENT_REASONS.join(', ')}`, 'reason');
    check.done();
    return this.ds.transaction(async (em) => {
      const e = await this.locked(actor, em, input.entitlementId);
      const role = await this.roleOf(actor, em, e);
      this.allow(e, 'withdraw', role);
      return this.ledger.write(em, actor, e, {
        action: 'withdraw',
        to: 'withdrawn',
        reason: input.reason,
        event: { type: 'entitlement.withdrawn', payload: (b) => ({ ...b, reasonCode: input.reason }) },
      });
    });
  }

  /** The same entry moves to another provider: the old one is told to release it, the new one gets the registration. */
  async transfer(actor: Actor, input: TransferEntitlementInput): Promise<EntitlementEntity> {
    if (!hasScope(actor, 'entitlements:write')) requireScope(actor, 'courses:write');
    const check = new InputCheck();
    check.require(isUuid(input.entitlementId), 'entitlementId is not a valid id', 'entitlementId');
    const toProvider = input.toProvider?.trim() ?? '';
    check.require(SLUG.test(toProvider) && toProvider.length <= 64, 'toProvider must be a partner slug', 'toProvider');
    check.require(isReason(input.reason), `reason must be one of ${ENTITLEMENT_REASONS.join(', ')}`, 'reason');
    check.done();
    const provider = await this.links.partners.bySlug(toProvider);
    if (!provider?.active || provider.kind !== 'course_provider')
      throw new AppError('BAD_USER_INPUT', 'toProvider must be an active course provider', { field: 'toProvider' });
    return this.ds.transaction(async (em) => {
      const e = await this.locked(actor, em, input.entitlementId);
      const role = await this.roleOf(actor, em, e);
      this.allow(e, 'transfer', role);
      if (e.registeredProvider === toProvider)
        throw new AppError('CONFLICT', 'The entitlement is registered at this provider already', {
          field: 'toProvider',
          entitlementId: e.id,
          registeredProvider: e.registeredProvider,
          status: e.status,
        });
      return this.transferIn(em, actor, e, toProvider, input.reason);
    });
  }

  /** Used by the move rule too: the history step is `transfer` with both providers. */
  transferIn(
    em: EntityManager,
    actor: Actor,
    e: EntitlementEntity,
    toProvider: string,
    reason: string,
    eventId?: string,
  ) {
    const fromProvider = e.registeredProvider;
    return this.ledger.write(em, actor, e, {
      action: 'transfer',
      to: 'registered',
      provider: toProvider,
      reason,
      eventId,
      event: {
        type: 'entitlement.transferred',
        payload: (b) => ({ ...b, fromProvider, toProvider, reasonCode: reason, toMunicipalityKey: null }),
      },
    });
  }

  /** A course provider takes the certificate (the person registers with it). */
  async register(actor: Actor, input: RegisterEntitlementInput): Promise<EntitlementEntity> {
    requireScope(actor, 'courses:write');
    if (!isUuid(input.entitlementId))
      throw new AppError('BAD_USER_INPUT', 'entitlementId is not a valid id', { field: 'entitlementId' });
    const me = await this.links.partners.bySlug(actor.partner);
    if (me?.kind !== 'course_provider')
      throw new AppError('FORBIDDEN', 'Only a course provider registers an entitlement', { field: 'entitlementId' });
    return this.ds.transaction(async (em) => {
      const e = await this.locked(actor, em, input.entitlementId);
      // Registered here already (a retry): the entry as it is.
      if (e.registeredProvider === actor.partner && ['registered', 'in_use'].includes(e.status)) return e;
      if (e.status !== 'issued')
        throw new AppError(
          'CONFLICT',
          `The entitlement is ${e.status}${e.registeredProvider ? ` at ${e.registeredProvider}` : ''}`,
          {
            field: 'entitlementId',
            entitlementId: e.id,
            status: e.status,
            registeredProvider: e.registeredProvider,
            // Its bodies (or the provider holding it) transfer it to you.
            allowedActions: (['registered', 'in_use'] as string[]).includes(e.status) ? ['transferEntitlement'] : [],
          },
        );
      return this.ledger.write(em, actor, e, {
        action: 'register',
        to: 'registered',
        provider: actor.partner,
        activity: true,
        event: { type: 'entitlement.registered', payload: (b) => ({ ...b, provider: actor.partner }) },
      });
    });
  }

  /** The issuer's kind, or FORBIDDEN: only immigration offices, jobcenters and the federal office issue and oblige. */
  private async issuerKind(actor: Actor): Promise<string> {
    const me = await this.links.partners.bySlug(actor.partner);
    if (!me || !isIssuerKind(me.kind))
      throw new AppError(
        'FORBIDDEN',
        'Only an immigration office, a jobcenter or the federal office issues or obliges',
        {
          partnerKind: me?.kind ?? null,
        },
      );
    return me.kind;
  }

  private async locked(actor: Actor, em: EntityManager, id: string): Promise<EntitlementEntity> {
    const e = await this.ledger.lock(em, id, actor.jurisdiction);
    if (!e) throw notFound('Entitlement', id, 'entitlementId');
    return e;
  }

  private async roleOf(actor: Actor, em: EntityManager, e: EntitlementEntity): Promise<EntitlementRole | null> {
    if (hasScope(actor, 'entitlements:write') && (await this.ledger.bodies(em, e.id)).includes(actor.partner))
      return 'body';
    if (hasScope(actor, 'courses:write') && e.registeredProvider === actor.partner) return 'provider';
    return null;
  }

  private allow(e: EntitlementEntity, action: EntitlementAction, role: EntitlementRole | null): void {
    if (!role)
      throw new AppError('FORBIDDEN', 'Only its issuing or obliging bodies, or the provider holding it, may do this', {
        field: 'entitlementId',
      });
    if (!mayTransition(action, e.status as EntitlementStatus, role))
      throw refusedTransition(e, actionNames(allowedEntitlementActions(e.status as EntitlementStatus, role)));
  }
}

const isReason = (v: string): boolean => (ENTITLEMENT_REASONS as readonly string[]).includes(v);

/** The mutations behind the state machine's actions, as partners call them. */
const MUTATION_OF: Partial<Record<EntitlementAction, string>> = {
  register: 'registerEntitlement',
  transfer: 'transferEntitlement',
  withdraw: 'withdrawEntitlement',
};
const actionNames = (actions: EntitlementAction[]): string[] =>
  actions.map((a) => MUTATION_OF[a]).filter((m): m is string => !!m);
