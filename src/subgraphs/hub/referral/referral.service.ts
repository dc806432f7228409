import { DataSource, EntityManager } from 'typeorm';
import { Outbox } from '../../../events/outbox.service';
import { PolicyDecisionPoint } from '../../../policy/policy.service';
import { isPurpose } from '../../../policy/policy.vocabulary';
import { Actor } from '../../../shared/actor';
import { AppError, badInput, notFound } from '../../../shared/errors';
import { encodeCursor, isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { Page, PageArgs, pageSize, toPage } from '../../shared/connection.types';
import { PartnerEntity } from '../partner/partner.entity';
import { CaseOwner } from './case-owner.types';
import { CourseCapacity, ReceiverPools } from './referral.capacity';
import { ReferralEntity } from './referral.entity';
import { referralStatusEvent } from './referral.event';
import { HistoricReferral, loadHistoricReferral } from './referral.historic';
import {
  allowedActions,
  OPEN,
  OUTCOMES,
  REASON_CODES,
  REDIRECTABLE,
  ReferralAction,
  ReferralStatus,
  Role,
  TRANSITIONS,
} from './referral.state';
import { CreateReferralInput, ReferralFilter } from './referral.types';
import { decodeAfter, timestampPart, uuidPart } from '../../shared/connection.cursor';
import { InputCheck } from '../../shared/validation';

const TYPE = /^[a-z][a-z0-9_]{1,62}$/;

export class ReferralService {
  private readonly pools: ReceiverPools;

  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly pdp: PolicyDecisionPoint,
    private readonly clock: Clock,
    capacity: CourseCapacity,
  ) {
    this.pools = new ReceiverPools(ds, clock, capacity);
  }

  roleOf(actor: Actor, r: ReferralEntity): Role | null {
    if (actor.partner === r.sender) return 'sender';
    if (actor.partner === r.receiver) return 'receiver';
    return actor.scopes.includes('*') ? 'system' : null;
  }

  actionsFor(actor: Actor, r: ReferralEntity): string[] {
    const role = this.roleOf(actor, r);
    if (!role) return [];
    const actions: string[] = allowedActions(r.status as ReferralStatus, role).filter(
      (a) => a !== 'expire' && a !== 'withdrawConsent' && a !== 'moveAway',
    );
    if (role === 'sender' && REDIRECTABLE.includes(r.status as ReferralStatus)) actions.push('redirect');
    return actions;
  }

  async get(actor: Actor, id: string): Promise<ReferralEntity | null> {
    requireScope(actor, 'referrals:read');
    if (!isUuid(id)) return null;
    const r = await this.ds.getRepository(ReferralEntity).findOneBy({ id });
    return r && this.roleOf(actor, r) ? r : null;
  }

  /** Inbox (you receive), outbox (you sent) or both, newest first. */
  async list(actor: Actor, args: PageArgs & { filter?: ReferralFilter | null }): Promise<Page<ReferralEntity>> {
    requireScope(actor, 'referrals:read');
    const first = pageSize(args.first);
    const f = args.filter ?? {};
    const qb = this.ds.getRepository(ReferralEntity).createQueryBuilder('r');
    if (f.box === 'inbox') qb.where('r.receiver = :me', { me: actor.partner });
    else if (f.box === 'outbox') qb.where('r.sender = :me', { me: actor.partner });
    else qb.where('(r.sender = :me OR r.receiver = :me)', { me: actor.partner });
    if (f.status?.length) qb.andWhere('r.status = ANY(:st)', { st: f.status });
    if (f.kind) qb.andWhere('r.kind = :kind', { kind: f.kind });
    if (f.personId) {
      if (!isUuid(f.personId)) throw badInput('personId is not a valid id', 'personId');
      qb.andWhere('r.person_id = :pid', { pid: f.personId });
    }
    const totalCount = args.count === false ? null : await qb.clone().getCount();
    if (args.after) {
      const c = decodeAfter(args.after, [timestampPart, uuidPart]);
      qb.andWhere('(r.created_at, r.id) < (:ca::timestamptz, :ci::uuid)', { ca: c[0], ci: c[1] });
    }
    const rows = await qb
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(first + 1)
      .getMany();
    return toPage(rows, first, args.after, totalCount, (r) => encodeCursor([r.createdAt.toISOString(), r.id]));
  }

  async forPersons(actor: Actor, personIds: readonly string[]): Promise<ReferralEntity[]> {
    const ids = personIds.filter(isUuid);
    if (!ids.length) return [];
    return this.ds
      .getRepository(ReferralEntity)
      .createQueryBuilder('r')
      .where('r.person_id = ANY(:ids)', { ids })
      .andWhere('(r.sender = :me OR r.receiver = :me)', { me: actor.partner })
      .orderBy('r.created_at', 'DESC')
      .getMany();
  }

  /** The current case owners of the persons, the most recent first (callers check the person's case_notes). */
  async caseOwners(personIds: readonly string[]): Promise<CaseOwner[]> {
    const ids = personIds.filter(isUuid);
    if (!ids.length) return [];
    const rows: Array<{ person_id: string; partner: string; name: string; since: Date; purpose: string | null }> =
      await this.ds.query(
        `SELECT c.person_id, c.partner, p.name, c.since, r.purpose
           FROM hub.case_owner c JOIN hub.partner p ON p.slug = c.partner
           LEFT JOIN hub.referral r ON r.id = c.transfer_id
          WHERE c.person_id = ANY($1::uuid[]) AND c.until IS NULL
          ORDER BY c.since DESC, c.partner`,
        [ids],
      );
    return rows.map((r) => ({
      personId: r.person_id,
      partner: r.partner,
      name: r.name,
      since: new Date(r.since),
      purpose: r.purpose,
    }));
  }

  async create(
    actor: Actor,
    input: CreateReferralInput & { kind?: 'referral' | 'transfer' },
    parentId: string | null = null,
  ): Promise<ReferralEntity> {
    requireScope(actor, 'referrals:write');
    // Every refused field in one answer; then what needs the database.
    const check = new InputCheck(this.clock.now());
    check.require(isUuid(input.personId), 'personId is not a valid id', 'personId');
    check.require(isPurpose(input.purpose), `Unknown purpose ${input.purpose}`, 'purpose');
    check.require(
      TYPE.test(input.referralType),
      'referralType is a lower-case code like integration_course',
      'referralType',
    );
    const dueOn = input.dueOn ? check.day(input.dueOn, 'dueOn') : null;
    if (input.receiver && input.anyReceiver)
      check.refuse('Give either receiver or anyReceiver, not both', 'anyReceiver');
    if (!input.receiver && !input.anyReceiver)
      check.refuse('receiver is required, or anyReceiver to let the hub choose one', 'receiver');
    if (input.anyReceiver && input.kind === 'transfer')
      check.refuse('A transfer needs a named receiver', 'anyReceiver');
    if (input.receiver === actor.partner) check.refuse('You cannot refer to yourself', 'receiver');
    check.done();
    if (!(await this.pdp.mayKnow(actor, input.personId))) throw notFound('Person', input.personId, 'personId');
    const receiverSlug = input.receiver ?? (await this.chooseReceiver(actor, input));
    const receiver = await this.ds.getRepository(PartnerEntity).findOneBy({ slug: receiverSlug });
    if (!receiver || !receiver.active) throw badInput(`Unknown or inactive partner ${receiverSlug}`, 'receiver');
    if (!receiver.purposes.includes(input.purpose))
      throw badInput(`${receiverSlug} does not act for the purpose ${input.purpose}`, 'purpose');
    const now = this.clock.now();
    const row: ReferralEntity = {
      id: newId(),
      kind: input.kind ?? 'referral',
      personId: input.personId,
      purpose: input.purpose,
      referralType: input.referralType,
      sender: actor.partner,
      receiver: receiverSlug,
      status: 'draft',
      reasonCode: null,
      outcome: null,
      basis: null,
      parentId,
      dueOn,
      receiverPool: input.receiver ? null : (input.anyReceiver ?? null),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const send = input.send || row.kind === 'transfer';
    // Looked up before the transaction: a second pooled connection while holding one can deadlock.
    const basis = send ? await this.basisFor(row) : undefined;
    return this.ds.transaction(async (em) => {
      await em.insert(ReferralEntity, row);
      await this.event(em, actor, row, null);
      return send ? this.apply(em, actor, row, 'send', { basis }) : row;
    });
  }

  async transition(
    actor: Actor,
    id: string,
    action: ReferralAction,
    extra: { reasonCode?: string | null; outcome?: string | null } = {},
  ): Promise<ReferralEntity> {
    requireScope(actor, 'referrals:write');
    if (!isUuid(id)) throw notFound('Referral', id, 'id');
    let basis: string | null | undefined;
    if (action === 'send') {
      // Receiver, purpose and person never change: the basis can be looked up before the transaction.
      const current = await this.ds.getRepository(ReferralEntity).findOneBy({ id });
      if (!current || !this.roleOf(actor, current)) throw notFound('Referral', id, 'id');
      basis = await this.basisFor(current);
    }
    return this.ds.transaction(async (em) => {
      const r = await em.getRepository(ReferralEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!r || !this.roleOf(actor, r)) throw notFound('Referral', id, 'id');
      return this.apply(em, actor, r, action, { ...extra, basis });
    });
  }

  /** The demo data's referrals of the past (referral.historic.ts), on the basis a live send needs. Not part of the API. */
  async loadHistoric(actor: Actor, h: HistoricReferral): Promise<ReferralEntity> {
    const basis = await this.pdp.recipientBasis(h.receiver, h.purpose, h.personId, actor.partner);
    return loadHistoricReferral(this.ds, this.outbox, actor, h, basis);
  }

  /** A new referral to another receiver, linked to the closed one it replaces. */
  async redirect(actor: Actor, id: string, receiver: string): Promise<ReferralEntity> {
    const parent = await this.get(actor, id);
    if (!parent) throw notFound('Referral', id, 'id');
    if (this.roleOf(actor, parent) !== 'sender')
      throw new AppError('FORBIDDEN', 'Only the sender can redirect a referral');
    if (!REDIRECTABLE.includes(parent.status as ReferralStatus)) {
      throw new AppError(
        'CONFLICT',
        `A ${parent.status} referral cannot be redirected; only ${REDIRECTABLE.join(', ')} ones can`,
        { status: parent.status, field: 'id' },
      );
    }
    return this.create(
      actor,
      {
        personId: parent.personId,
        receiver,
        purpose: parent.purpose,
        referralType: parent.referralType,
        send: true,
        kind: parent.kind as 'referral' | 'transfer',
        dueOn: parent.dueOn,
      },
      parent.id,
    );
  }

  /** Open referrals that rest on a withdrawn consent end at once (reason client_withdrew). */
  async cancelForWithdrawnConsent(actor: Actor, consentId: string): Promise<number> {
    const open = await this.ds
      .getRepository(ReferralEntity)
      .createQueryBuilder('r')
      .where('r.basis = :b', { b: `consent:${consentId}` })
      .andWhere('r.status = ANY(:open)', { open: [...OPEN] })
      .getMany();
    for (const r of open) {
      await this.ds.transaction(async (em) => {
        const locked = await em
          .getRepository(ReferralEntity)
          .findOne({ where: { id: r.id }, lock: { mode: 'pessimistic_write' } });
        if (locked && OPEN.includes(locked.status as ReferralStatus))
          await this.apply(em, actor, locked, 'withdrawConsent', { reasonCode: 'client_withdrew' });
      });
    }
    return open.length;
  }

  /**
   * The person moved where the receiver cannot follow and no partner of its kind serves: the
   * referral ends (cancelled, reason moved_away; both parties are told). False when it was no
   * longer open to its receiver (closed meanwhile, or a draft).
   */
  async closeForMove(actor: Actor, referralId: string): Promise<boolean> {
    return this.ds.transaction(async (em) => {
      const r = await em
        .getRepository(ReferralEntity)
        .findOne({ where: { id: referralId }, lock: { mode: 'pessimistic_write' } });
      if (!r || !(TRANSITIONS.moveAway.from as readonly string[]).includes(r.status)) return false;
      await this.apply(em, actor, r, 'moveAway', { reasonCode: 'moved_away' });
      return true;
    });
  }

  /**
   * The receiver of a referral to a pool: the provider with the most free seats that may receive
   * the person's data from this sender (when sending at once). Two referrals racing for the last
   * seat can both get it; the provider then rejects one with no_capacity.
   */
  private async chooseReceiver(actor: Actor, input: CreateReferralInput): Promise<string> {
    for (const { partner, free } of await this.pools.freeSeats(actor, input.purpose)) {
      if (free <= 0) break;
      if (partner === actor.partner) continue;
      if (!input.send || (await this.pdp.recipientBasis(partner, input.purpose, input.personId, actor.partner)))
        return partner;
    }
    throw new AppError(
      'CONFLICT',
      `No course provider acting for ${input.purpose} has free seats${input.send ? ' and may receive this person’s data from you' : ''}`,
      { reason: 'no_capacity' },
    );
  }

  private basisFor(r: ReferralEntity): Promise<string | null> {
    return this.pdp.recipientBasis(r.receiver, r.purpose, r.personId, r.sender);
  }

  private async apply(
    em: EntityManager,
    actor: Actor,
    r: ReferralEntity,
    action: ReferralAction,
    extra: { reasonCode?: string | null; outcome?: string | null; basis?: string | null },
  ): Promise<ReferralEntity> {
    const t = TRANSITIONS[action];
    const role = this.roleOf(actor, r);
    if (role !== t.by || !(t.from as readonly string[]).includes(r.status)) {
      const allowed = role ? this.actionsFor(actor, r) : [];
      throw new AppError(
        'CONFLICT',
        `Cannot ${action} a ${r.status} ${r.kind} as ${role ?? 'a stranger'}; allowed: ${allowed.length ? allowed.join(', ') : 'nothing'}`,
        { status: r.status, allowed, field: 'id' },
      );
    }
    const from = r.status;
    const next: Partial<ReferralEntity> = { status: t.to, version: r.version + 1, updatedAt: this.clock.now() };
    if (['reject', 'fail', 'cancel', 'withdrawConsent', 'moveAway'].includes(action)) {
      if (extra.reasonCode && !(REASON_CODES as readonly string[]).includes(extra.reasonCode))
        throw badInput(`Unknown reason ${extra.reasonCode}`, 'reason');
      if (action === 'reject' && !extra.reasonCode) throw badInput('Rejecting needs a reason', 'reason');
      next.reasonCode = extra.reasonCode ?? null;
    }
    if (action === 'complete') {
      if (!extra.outcome || !(OUTCOMES as readonly string[]).includes(extra.outcome))
        throw badInput(`Completing needs an outcome: ${OUTCOMES.join(', ')}`, 'outcome');
      next.outcome = extra.outcome;
    }
    if (action === 'send') {
      // The person's data may go to the receiver only on a legal basis or the person's consent.
      if (extra.basis === undefined) throw new Error('the basis of a send is looked up before its transaction');
      const basis = extra.basis;
      if (!basis)
        throw new AppError(
          'FORBIDDEN',
          `No legal basis or consent lets ${r.receiver} receive this person's data for ${r.purpose}`,
          { receiver: r.receiver, purpose: r.purpose },
        );
      next.basis = basis;
    }
    await em.update(ReferralEntity, { id: r.id }, next);
    Object.assign(r, next);
    if (r.kind === 'transfer' && action === 'accept') await this.moveCase(em, r);
    await this.event(em, actor, r, from);
    return r;
  }

  /** A transfer moves the case: the sender's ownership ends, the receiver's begins, at the acceptance. */
  private async moveCase(em: EntityManager, r: ReferralEntity): Promise<void> {
    const now = r.updatedAt;
    await em.query(`UPDATE hub.case_owner SET until = $3 WHERE person_id = $1 AND partner = $2 AND until IS NULL`, [
      r.personId,
      r.sender,
      now,
    ]);
    await em.query(
      `INSERT INTO hub.case_owner (person_id, partner, since, transfer_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [r.personId, r.receiver, now, r.id],
    );
  }

  private event(em: EntityManager, actor: Actor, r: ReferralEntity, from: string | null) {
    return this.outbox.append(em, actor, referralStatusEvent(r, from));
  }
}
