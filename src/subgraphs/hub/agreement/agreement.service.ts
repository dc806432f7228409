import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { EventOf } from '../../../events/event-types';
import { Outbox } from '../../../events/outbox.service';
import { Actor, systemActor } from '../../../shared/actor';
import { AppError, badInput } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { ReferralService } from '../referral/referral.service';
import { ReferralStatus } from '../referral/referral.state';
import { CooperationAgreementEntity, ReferralDeadlineEntity } from './agreement.entity';
import {
  AGREEMENT_TIME_ZONE,
  BREACH_ACTIONS,
  DEADLINE_KINDS,
  DeadlineKind,
  DeadlineTimers,
  EXPIRABLE,
  FINAL,
  isDeadlineKind,
  MET_BY,
  MOVES_DEADLINES,
  OpenDeadline,
  deadlineJobId,
} from './agreement.rules';
import { AgreementInput } from './agreement.types';

const TYPE = /^[a-z][a-z0-9_]{1,62}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAYS_FIELD: Record<DeadlineKind, 'acknowledgeDays' | 'decideDays' | 'startDays'> = {
  acknowledge: 'acknowledgeDays',
  decide: 'decideDays',
  start: 'startDays',
};

/** A referral's deadlines after a settlement, and the kinds it created. */
export interface Settled {
  rows: ReferralDeadlineEntity[];
  created: string[];
}
const NOTHING_SETTLED: Settled = { rows: [], created: [] };

/** What handling one due deadline did. */
export type DueOutcome =
  | { outcome: 'not_found' | 'met' | 'closed' | 'already_breached' | 'escalated' | 'expired' }
  | { outcome: 'wait'; waitMs: number };

export interface ComplianceRow {
  agreement: CooperationAgreementEntity;
  kind: DeadlineKind;
  days: number;
  total: number;
  metInTime: number;
  metLate: number;
  breached: number;
  overdue: number;
  open: number;
  closed: number;
  complianceRate: number | null;
}

/**
 * Whether a status change can touch the referral's deadlines. A transition into a status that
 * creates, meets or closes none (a draft) changes nothing the settlement derives from the history:
 * settling for it would only lock the referral and re-read what the next event settles anyway.
 */
export function movesDeadlines(event: EventOf<'referral.status_changed'>): boolean {
  const { referralId, to } = event.payload;
  return !!referralId && isUuid(referralId) && (MOVES_DEADLINES as readonly string[]).includes(to);
}

/** The state of a deadline as the API shows it, relative to `now`. */
export function deadlineState(d: ReferralDeadlineEntity, now: Date): string {
  if (d.metAt) return d.metAt.getTime() <= d.dueAt.getTime() ? 'met' : 'met_late';
  if (d.breachedAt) return 'breached';
  if (d.closedAt) return 'closed';
  return d.dueAt.getTime() <= now.getTime() ? 'overdue' : 'open';
}

/**
 * Cooperation agreements and the deadlines of referrals sent under them.
 *
 * Deadlines follow the referral's status history: the `referral.status_changed` rows of the hub's
 * outbox (written in the same transaction as each transition). `settle()` derives the deadline rows
 * from that history and only ever fills empty columns, so it may run any number of times, in any
 * order; the events consumer and the breach handler both call it. Both lock the referral row
 * first, as transitions do, so a transition, a settlement and a breach of the same referral never
 * interleave: each deadline is breached at most once, and never after it was met.
 */
export class AgreementService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly referrals: ReferralService,
    private readonly clock: Clock,
    /** The deadlines' timers (the `sla` queue), whichever worker runs in this process. */
    private readonly timers: DeadlineTimers,
  ) {}

  /** Agreements are not personal data: every partner with partners:read sees all of them. */
  async list(
    actor: Actor,
    filter: { receiver?: string | null; referralType?: string | null } = {},
  ): Promise<CooperationAgreementEntity[]> {
    requireScope(actor, 'partners:read');
    return this.all(filter);
  }

  all(filter: { receiver?: string | null; referralType?: string | null } = {}): Promise<CooperationAgreementEntity[]> {
    const where: FindOptionsWhere<CooperationAgreementEntity> = {};
    if (filter.receiver) where.receiver = filter.receiver;
    if (filter.referralType) where.referralType = filter.referralType;
    return this.ds
      .getRepository(CooperationAgreementEntity)
      .find({ where, order: { receiver: 'ASC', referralType: 'ASC', validFrom: 'DESC', id: 'ASC' } });
  }

  /** Operators and seeding only: an agreement is a decision of the steering group, not of a partner system. */
  async add(input: AgreementInput): Promise<CooperationAgreementEntity> {
    if (!input.name?.trim()) throw badInput('name is required', 'name');
    if (!TYPE.test(input.referralType))
      throw badInput('referralType is a lower-case code like integration_course', 'referralType');
    for (const k of DEADLINE_KINDS) {
      const d = input[DAYS_FIELD[k]];
      if (d !== undefined && d !== null && (!Number.isInteger(d) || d < 0 || d > 3650))
        throw badInput(`${DAYS_FIELD[k]} must be a whole number of days (0–3650)`, DAYS_FIELD[k]);
    }
    if (DEADLINE_KINDS.every((k) => input[DAYS_FIELD[k]] == null))
      throw badInput('An agreement needs at least one deadline', 'acknowledgeDays');
    const onBreach = input.onBreach ?? 'escalate';
    if (!(BREACH_ACTIONS as readonly string[]).includes(onBreach))
      throw badInput('onBreach is escalate or expire', 'onBreach');
    const validFrom = input.validFrom ?? isoDay(this.clock.now());
    if (!DATE.test(validFrom) || (input.validUntil && !DATE.test(input.validUntil)))
      throw badInput('Dates look like 2026-01-31', 'validFrom');
    if (input.validUntil && input.validUntil < validFrom)
      throw badInput('validUntil is before validFrom', 'validUntil');
    if (!input.statuteOrDecision?.trim())
      throw badInput('statuteOrDecision must name the decision the agreement rests on', 'statuteOrDecision');
    const row: CooperationAgreementEntity = {
      id: newId(),
      name: input.name.trim(),
      receiver: input.receiver,
      referralType: input.referralType,
      acknowledgeDays: input.acknowledgeDays ?? null,
      decideDays: input.decideDays ?? null,
      startDays: input.startDays ?? null,
      escalateTo: input.escalateTo ?? null,
      onBreach,
      validFrom,
      validUntil: input.validUntil ?? null,
      statuteOrDecision: input.statuteOrDecision.trim(),
      createdAt: this.clock.now(),
    };
    await this.ds.getRepository(CooperationAgreementEntity).insert(row);
    return row;
  }

  /** Deadlines of referrals (the caller already may see the referrals), in kind order. */
  async deadlinesFor(referralIds: readonly string[]): Promise<ReferralDeadlineEntity[]> {
    const ids = referralIds.filter(isUuid);
    if (!ids.length) return [];
    const rows = await this.ds
      .getRepository(ReferralDeadlineEntity)
      .createQueryBuilder('d')
      .where('d.referral_id = ANY(:ids)', { ids })
      .getMany();
    return rows.sort(
      (a, b) => DEADLINE_KINDS.indexOf(a.kind as DeadlineKind) - DEADLINE_KINDS.indexOf(b.kind as DeadlineKind),
    );
  }

  now(): Date {
    return this.clock.now();
  }

  /** Consumer of `referral.status_changed`: creates, meets or closes the referral's deadlines, then makes sure the open ones have timers. */
  async onReferralEvent(event: EventOf<'referral.status_changed'>): Promise<void> {
    if (!movesDeadlines(event)) return;
    const settled = await this.ds.transaction((em) => this.settle(em, event.payload.referralId));
    await this.ensureTimers(settled);
  }

  /**
   * The settlement of `onReferralEvent` inside the caller's transaction (the events worker writes
   * the event's biography entry in the same one); call `ensureTimers` with the result after commit.
   */
  settleForEvent(em: EntityManager, event: EventOf<'referral.status_changed'>): Promise<Settled> {
    return movesDeadlines(event) ? this.settle(em, event.payload.referralId) : Promise.resolve(NOTHING_SETTLED);
  }

  /** Makes sure each open deadline of a settlement has its timer (after the settlement committed). */
  async ensureTimers({ rows, created }: Settled): Promise<void> {
    const open = rows
      .filter((d) => !d.metAt && !d.breachedAt && !d.closedAt)
      .map((d) => ({
        referralId: d.referralId,
        kind: d.kind as DeadlineKind,
        dueAt: d.dueAt,
        created: created.includes(d.kind),
      }));
    if (open.length) await this.timers.ensure(open, (d) => this.processDue(d.referralId, d.kind));
  }

  /**
   * Brings a referral's deadlines in line with its status history (hub.outbox): creates them from
   * the agreement valid on the day it was sent, sets met_at from the first transition that meets
   * each, closed_at for the rest once the referral is final. Fills empty columns only.
   */
  async settleIn(em: EntityManager, referralId: string): Promise<ReferralDeadlineEntity[]> {
    return (await this.settle(em, referralId)).rows;
  }

  private async settle(em: EntityManager, referralId: string): Promise<Settled> {
    // One settlement per referral at a time, after any transition in flight (transitions lock this row too).
    const [ref] = await em.query(`SELECT id FROM hub.referral WHERE id = $1 FOR UPDATE`, [referralId]);
    if (!ref) return NOTHING_SETTLED;
    const history: Array<{ to: string; receiver: string; referral_type: string; occurred_at: Date }> = await em.query(
      `SELECT payload->>'to' AS to, payload->>'receiver' AS receiver, payload->>'referralType' AS referral_type, occurred_at
         FROM hub.outbox WHERE aggregate_id = $1 AND type = 'referral.status_changed'`,
      [referralId],
    );
    const first = (statuses: readonly string[]): Date | null =>
      history
        .filter((h) => statuses.includes(h.to))
        .reduce<Date | null>((min, h) => (!min || h.occurred_at < min ? h.occurred_at : min), null);
    const sent = history.find((h) => h.to === 'requested');
    const sentAt = first(['requested']);
    let created: string[] = [];
    if (sent && sentAt) {
      const inserted: Array<{ kind: string }> = await em.query(
        `INSERT INTO hub.referral_deadline (referral_id, kind, agreement_id, requested_at, due_at, created_at)
         SELECT $1, k.kind, a.id, $2::timestamptz, (($2::timestamptz AT TIME ZONE '${AGREEMENT_TIME_ZONE}') + make_interval(days => k.days)) AT TIME ZONE '${AGREEMENT_TIME_ZONE}', $5
           FROM (SELECT * FROM hub.cooperation_agreement
                  WHERE receiver = $3 AND referral_type = $4
                    AND valid_from <= ($2::timestamptz AT TIME ZONE '${AGREEMENT_TIME_ZONE}')::date
                    AND (valid_until IS NULL OR valid_until >= ($2::timestamptz AT TIME ZONE '${AGREEMENT_TIME_ZONE}')::date)
                  ORDER BY valid_from DESC, created_at DESC, id LIMIT 1) a
          CROSS JOIN LATERAL (VALUES ('acknowledge', a.acknowledge_days), ('decide', a.decide_days), ('start', a.start_days)) AS k(kind, days)
          WHERE k.days IS NOT NULL
         ON CONFLICT (referral_id, kind) DO NOTHING RETURNING kind`,
        [referralId, sentAt, sent.receiver, sent.referral_type, this.clock.now()],
      );
      created = inserted.map((r) => r.kind);
    }
    for (const kind of DEADLINE_KINDS) {
      const metAt = first(MET_BY[kind]);
      if (metAt)
        await em.query(
          `UPDATE hub.referral_deadline SET met_at = $3 WHERE referral_id = $1 AND kind = $2 AND met_at IS NULL AND closed_at IS NULL`,
          [referralId, kind, metAt],
        );
    }
    const finalAt = first(FINAL);
    if (finalAt) {
      await em.query(
        `UPDATE hub.referral_deadline SET closed_at = $2 WHERE referral_id = $1 AND met_at IS NULL AND breached_at IS NULL AND closed_at IS NULL`,
        [referralId, finalAt],
      );
    }
    return { rows: await em.getRepository(ReferralDeadlineEntity).findBy({ referralId }), created };
  }

  /** Open deadlines (neither met, breached nor closed) in due order, after a keyset position. */
  async openDeadlines(
    limit: number,
    after?: { dueAt: Date; referralId: string; kind: string },
  ): Promise<OpenDeadline[]> {
    const rows: Array<{ referral_id: string; kind: string; due_at: Date }> = await this.ds.query(
      `SELECT referral_id, kind, due_at FROM hub.referral_deadline
        WHERE met_at IS NULL AND breached_at IS NULL AND closed_at IS NULL
          AND ($2::timestamptz IS NULL OR (due_at, referral_id, kind) > ($2::timestamptz, $3::uuid, $4::text))
        ORDER BY due_at, referral_id, kind LIMIT $1`,
      [limit, after?.dueAt ?? null, after?.referralId ?? null, after?.kind ?? null],
    );
    return rows
      .filter((r) => isDeadlineKind(r.kind))
      .map((r) => ({ referralId: r.referral_id, kind: r.kind as DeadlineKind, dueAt: r.due_at }));
  }

  /**
   * The timer of one deadline fired (or a re-sync found it overdue). Re-reads PostgreSQL: a met or
   * closed deadline needs nothing; one that is not yet due by the clock says how long to wait;
   * otherwise it is marked breached and, in the same transaction, escalated (event
   * `referral.escalated`), or the referral is expired afterwards. Safe to call any number of times.
   */
  async processDue(referralId: string, kind: DeadlineKind): Promise<DueOutcome> {
    if (!isUuid(referralId) || !isDeadlineKind(kind)) return { outcome: 'not_found' };
    const actor = systemActor(`sla:${deadlineJobId(referralId, kind)}`);
    const result = await this.ds.transaction(async (em): Promise<DueOutcome & { expire?: boolean }> => {
      // Transitions lock the referral row first: they and this breach happen one after the other (settleIn locks it again, a no-op).
      const [ref]: Array<{
        id: string;
        kind: string;
        person_id: string;
        status: string;
        receiver: string;
        referral_type: string;
      }> = await em.query(
        `SELECT id, kind, person_id, status, receiver, referral_type FROM hub.referral WHERE id = $1 FOR UPDATE`,
        [referralId],
      );
      if (!ref) return { outcome: 'not_found' };
      await this.settleIn(em, referralId);
      const [d]: Array<{
        due_at: Date;
        met_at: Date | null;
        breached_at: Date | null;
        closed_at: Date | null;
        agreement_id: string;
        on_breach: string;
        escalate_to: string | null;
      }> = await em.query(
        `SELECT d.due_at, d.met_at, d.breached_at, d.closed_at, d.agreement_id, a.on_breach, a.escalate_to
           FROM hub.referral_deadline d JOIN hub.cooperation_agreement a ON a.id = d.agreement_id
          WHERE d.referral_id = $1 AND d.kind = $2 FOR UPDATE OF d`,
        [referralId, kind],
      );
      if (!d) return { outcome: 'not_found' };
      if (d.met_at) return { outcome: 'met' };
      if (d.breached_at) {
        // A retry after the breach committed but the expiry did not: finish it.
        return {
          outcome: 'already_breached',
          expire: d.on_breach === 'expire' && EXPIRABLE.includes(ref.status as ReferralStatus),
        };
      }
      if (d.closed_at) return { outcome: 'closed' };
      const now = this.clock.now();
      if (d.due_at.getTime() > now.getTime()) return { outcome: 'wait', waitMs: d.due_at.getTime() - now.getTime() };
      // Expiry needs a status the state machine can expire from; a late start is escalated instead.
      const expire = d.on_breach === 'expire' && EXPIRABLE.includes(ref.status as ReferralStatus);
      await em.query(
        `UPDATE hub.referral_deadline SET breached_at = $3 WHERE referral_id = $1 AND kind = $2 AND breached_at IS NULL`,
        [referralId, kind, now],
      );
      if (!expire) {
        await this.outbox.append(em, actor, {
          type: 'referral.escalated',
          personId: ref.person_id,
          aggregateType: ref.kind === 'transfer' ? 'Transfer' : 'Referral',
          aggregateId: referralId,
          payload: {
            referralId,
            personId: ref.person_id,
            kind,
            escalateTo: d.escalate_to,
            receiver: ref.receiver,
            referralType: ref.referral_type,
            agreementId: d.agreement_id,
            dueAt: d.due_at.toISOString(),
          },
        });
      }
      return { outcome: expire ? 'expired' : 'escalated', expire };
    });
    if (result.expire) {
      try {
        await this.referrals.transition(actor, referralId, 'expire');
      } catch (err) {
        // Someone was faster (the receiver answered, the sender cancelled): nothing left to expire.
        if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err;
      }
    }
    const { expire: _e, ...outcome } = result;
    return outcome;
  }

  /**
   * Per agreement and deadline: how the referrals sent in [from, to) fared. Counts only; every
   * partner with partners:read sees them (steering-group figures, no personal data).
   */
  async compliance(actor: Actor, from: Date, to: Date): Promise<ComplianceRow[]> {
    requireScope(actor, 'partners:read');
    if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw badInput('from is not a valid time', 'from');
    if (!(to instanceof Date) || Number.isNaN(to.getTime()) || to <= from)
      throw badInput('to must be after from', 'to');
    const now = this.clock.now();
    const counts: Array<Record<string, number | string>> = await this.ds.query(
      `SELECT agreement_id, kind,
              count(*)::int AS total,
              count(*) FILTER (WHERE met_at IS NOT NULL AND met_at <= due_at)::int AS met_in_time,
              count(*) FILTER (WHERE met_at IS NOT NULL AND met_at > due_at)::int AS met_late,
              count(*) FILTER (WHERE met_at IS NULL AND breached_at IS NOT NULL)::int AS breached,
              count(*) FILTER (WHERE met_at IS NULL AND breached_at IS NULL AND closed_at IS NULL AND due_at <= $3)::int AS overdue,
              count(*) FILTER (WHERE met_at IS NULL AND breached_at IS NULL AND closed_at IS NULL AND due_at > $3)::int AS open,
              count(*) FILTER (WHERE met_at IS NULL AND breached_at IS NULL AND closed_at IS NOT NULL)::int AS closed
         FROM hub.referral_deadline
        WHERE requested_at >= $1 AND requested_at < $2
        GROUP BY agreement_id, kind`,
      [from, to, now],
    );
    const byKey = new Map(counts.map((c) => [`${c.agreement_id}/${c.kind}`, c]));
    const out: ComplianceRow[] = [];
    for (const agreement of await this.all()) {
      for (const kind of DEADLINE_KINDS) {
        const days = agreement[DAYS_FIELD[kind]];
        const c = byKey.get(`${agreement.id}/${kind}`);
        if (days == null && !c) continue;
        const n = (k: string) => Number(c?.[k] ?? 0);
        const due = n('met_in_time') + n('met_late') + n('breached') + n('overdue');
        out.push({
          agreement,
          kind,
          days: days ?? 0,
          total: n('total'),
          metInTime: n('met_in_time'),
          metLate: n('met_late'),
          breached: n('breached'),
          overdue: n('overdue'),
          open: n('open'),
          closed: n('closed'),
          complianceRate: due ? n('met_in_time') / due : null,
        });
      }
    }
    return out;
  }
}
