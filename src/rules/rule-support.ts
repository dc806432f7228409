import type { DataSource, EntityManager } from 'typeorm';
import type { EventOf, EventType } from '../events/event-types';
import type { Outbox } from '../events/outbox.service';
import { Actor, systemActor } from '../shared/actor';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { ArrivalFollowUps } from '../shared/arrival-follow-ups';
import type { EnrolmentMoves, EntitlementMoves } from '../shared/course-moves';
import type { PersonDirectory } from '../shared/person-directory';
import { addMonths, type Clock } from '../shared/time';
import { OPEN } from '../subgraphs/hub/referral/referral.state';
import type { ReferralService } from '../subgraphs/hub/referral/referral.service';
import type { RuleName, RuleParams } from './rules';

/** Day arithmetic the rules share (src/shared/time.ts). */
export { addMonths };

/**
 * What every rule may use. Rules act as the hub (the system) on behalf of the partner that would
 * act; they write only the hub's schema (referrals through ReferralService, events through the
 * outbox, their own bookkeeping in hub.rule_check / hub.rule_run) and learn what they need of a
 * person from the city through `persons` (the container's person directory), never from its tables.
 */
export interface RuleDeps {
  hub: DataSource;
  referrals: ReferralService;
  outbox: Outbox;
  persons: PersonDirectory;
  /** The city's arrival visits: whether a family's follow-up contact is known (the rules never read city tables). */
  arrivals: Pick<ArrivalFollowUps, 'followUpKnown'>;
  checks: RuleCheckStore;
  /** The courses subgraph's entitlements, for a move (wired to its service; the rules never read its schema). */
  entitlements: EntitlementMoves;
  /** The enrolments' part of a move, once the enrolment ledger provides it. */
  enrolments?: EnrolmentMoves;
  /** Puts (or keeps) the delayed job of a pending check on the `rules` queue. */
  schedule(check: Pick<RuleCheck, 'rule' | 'personId' | 'dueAt'>): Promise<void>;
  clock: Clock;
  log: Logger;
  params: RuleParams;
  /**
   * Runs referral creation one at a time per process. ReferralService.create holds a hub
   * connection in its transaction and asks the policy decision point on a second one (legal basis
   * on send): with many event jobs at once a small pool would be exhausted and wait for itself.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

/** A one-at-a-time gate (FIFO), for RuleDeps.exclusive. */
export function createGate(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** The persons of the city, as the rules see them: the container's directory (src/shared/person-directory.ts). */
export type { PersonDirectory };

/** One rule: its event hooks (run in the events worker) and, if it keeps timers, what happens when one is due. */
export interface Rule {
  name: RuleName;
  on: { [T in EventType]?: (event: EventOf<T>) => Promise<void> };
  /** Handles a due check; returns the outcome recorded for it. */
  due?(check: RuleCheck): Promise<string>;
}

/** A pending or done check of a rule for one person (hub.rule_check). */
export interface RuleCheck {
  rule: string;
  personId: string;
  householdId: string | null;
  dueAt: Date;
  doneAt: Date | null;
  outcome: string | null;
  /** The event that created the check: only it (or a retry of it) completes the rule's first step. */
  eventId: string;
  /** Ids and codes only (partners, referral id, dates). */
  data: Record<string, unknown>;
}

const fromRow = (r: Record<string, any>): RuleCheck => ({
  rule: r.rule,
  personId: r.person_id,
  householdId: r.household_id ?? null,
  dueAt: new Date(r.due_at),
  doneAt: r.done_at ? new Date(r.done_at) : null,
  outcome: r.outcome ?? null,
  eventId: r.event_id,
  data: r.data ?? {},
});

/** hub.rule_check, hub.rule_run and hub.rule_state (migration 1764800000000). */
export class RuleCheckStore {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Claims the rule for a person (and household): the first event creates the check and owns it;
   * a replay of that event owns it again (it resumes what a crash interrupted); any other event
   * finds it taken (owned: false).
   */
  async claim(c: {
    rule: RuleName;
    personId: string;
    householdId?: string | null;
    dueAt: Date;
    eventId: string;
    data?: Record<string, unknown>;
  }): Promise<{ check: RuleCheck; owned: boolean }> {
    const inserted: Record<string, unknown>[] = await this.ds.query(
      `INSERT INTO hub.rule_check (rule, person_id, household_id, due_at, event_id, data, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING *`,
      [c.rule, c.personId, c.householdId ?? null, c.dueAt, c.eventId, JSON.stringify(c.data ?? {}), this.clock.now()],
    );
    if (inserted.length) return { check: fromRow(inserted[0]), owned: true };
    const [existing] = await this.ds.query(
      `SELECT * FROM hub.rule_check WHERE rule = $1 AND (person_id = $2 OR ($3::uuid IS NOT NULL AND household_id = $3::uuid)) ORDER BY created_at LIMIT 1`,
      [c.rule, c.personId, c.householdId ?? null],
    );
    if (!existing) throw new Error(`rule_check ${c.rule} vanished while claiming`);
    const check = fromRow(existing);
    return { check, owned: check.eventId === c.eventId };
  }

  async get(rule: string, personId: string): Promise<RuleCheck | null> {
    const [row] = await this.ds.query(`SELECT * FROM hub.rule_check WHERE rule = $1 AND person_id = $2`, [
      rule,
      personId,
    ]);
    return row ? fromRow(row) : null;
  }

  /** Locks a check for the rest of the transaction. */
  async lock(em: EntityManager, rule: string, personId: string): Promise<RuleCheck | null> {
    const [row] = await em.query(`SELECT * FROM hub.rule_check WHERE rule = $1 AND person_id = $2 FOR UPDATE`, [
      rule,
      personId,
    ]);
    return row ? fromRow(row) : null;
  }

  /** Adds keys to the check's data (ids and codes only). */
  async note(
    rule: string,
    personId: string,
    data: Record<string, unknown>,
    em: EntityManager = this.ds.manager,
  ): Promise<void> {
    await em.query(`UPDATE hub.rule_check SET data = data || $3::jsonb WHERE rule = $1 AND person_id = $2`, [
      rule,
      personId,
      JSON.stringify(data),
    ]);
  }

  /** Marks a pending check done; false when it was done already. */
  async finish(rule: string, personId: string, outcome: string, em: EntityManager = this.ds.manager): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [, count]: [unknown[], number] = await em.query(
      `UPDATE hub.rule_check SET done_at = $3, outcome = $4 WHERE rule = $1 AND person_id = $2 AND done_at IS NULL`,
      [rule, personId, this.clock.now(), outcome],
    );
    return count > 0;
  }

  /** Pending checks of the given rules, soonest first (for re-creating lost timers). */
  async pending(rules: readonly string[], limit = 10000): Promise<RuleCheck[]> {
    if (!rules.length) return [];
    const rows = await this.ds.query(
      `SELECT * FROM hub.rule_check WHERE done_at IS NULL AND rule = ANY($1) ORDER BY due_at LIMIT $2`,
      [rules, limit],
    );
    return rows.map(fromRow);
  }

  /** Records that a rule did something once (rule, key); false when it was done already. Use inside the effect's transaction. */
  async once(em: EntityManager, rule: RuleName, key: string, eventId: string): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `INSERT INTO hub.rule_run (rule, key, event_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
      [rule, key, eventId, this.clock.now()],
    );
    return rows.length > 0;
  }

  /**
   * When each enabled rule was switched on (first start with it enabled); a disabled rule loses
   * its date, so enabling it again starts afresh. Rules never act on events older than that.
   */
  async enable(enabled: readonly RuleName[]): Promise<Map<RuleName, Date>> {
    await this.ds.query(`DELETE FROM hub.rule_state WHERE NOT (rule = ANY($1))`, [enabled]);
    for (const rule of enabled) {
      await this.ds.query(`INSERT INTO hub.rule_state (rule, enabled_since) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        rule,
        this.clock.now(),
      ]);
    }
    const rows: Array<{ rule: RuleName; enabled_since: Date }> = await this.ds.query(
      `SELECT rule, enabled_since FROM hub.rule_state`,
    );
    return new Map(rows.map((r) => [r.rule, new Date(r.enabled_since)]));
  }
}

/** The rule acting as the system on behalf of a partner: the partner's role in referrals, the system's reach. */
export const ruleActor = (rule: RuleName, partner: string, requestId: string): Actor => ({
  ...systemActor(requestId),
  partner,
  subject: `rule:${rule}`,
});

export interface PartnerRow {
  slug: string;
  kind: string;
  jurisdiction: string[];
  purposes: string[];
}

/**
 * Active partners of a kind that serve a municipality (one of their AGS prefixes matches),
 * the most local first (longest matching prefix), then by slug.
 */
export async function partnersServing(
  hub: DataSource,
  q: { kind: string; municipalityKey: string; purpose?: string; except?: string },
): Promise<PartnerRow[]> {
  return hub.query(
    `SELECT slug, kind, jurisdiction, purposes,
            (SELECT max(length(j)) FROM unnest(p.jurisdiction) j WHERE $2 LIKE j || '%') AS reach
       FROM hub.partner p
      WHERE p.active AND p.kind = $1
        AND EXISTS (SELECT 1 FROM unnest(p.jurisdiction) j WHERE j <> '' AND $2 LIKE j || '%')
        AND ($3::text IS NULL OR $3 = ANY(p.purposes))
        AND ($4::text IS NULL OR p.slug <> $4)
      ORDER BY reach DESC, slug`,
    [q.kind, q.municipalityKey, q.purpose ?? null, q.except ?? null],
  );
}

export async function partner(hub: DataSource, slug: string): Promise<(PartnerRow & { active: boolean }) | null> {
  const [row] = await hub.query(`SELECT slug, kind, jurisdiction, purposes, active FROM hub.partner WHERE slug = $1`, [
    slug,
  ]);
  return row ?? null;
}

export const serves = (p: Pick<PartnerRow, 'jurisdiction'>, municipalityKey: string): boolean =>
  p.jurisdiction.some((j) => j !== '' && municipalityKey.startsWith(j));

/** The open referral or transfer of this person from sender to receiver of this type, if there is one. */
export async function openReferral(
  hub: DataSource,
  q: {
    personId: string;
    sender: string;
    receiver: string;
    referralType: string;
    kind: 'referral' | 'transfer';
    purpose?: string;
  },
): Promise<string | null> {
  const [row] = await hub.query(
    `SELECT id FROM hub.referral
      WHERE person_id = $1 AND sender = $2 AND receiver = $3 AND referral_type = $4 AND kind = $5 AND status = ANY($6)
        AND ($7::text IS NULL OR purpose = $7)
      ORDER BY created_at LIMIT 1`,
    [q.personId, q.sender, q.receiver, q.referralType, q.kind, [...OPEN], q.purpose ?? null],
  );
  return row?.id ?? null;
}

/**
 * Creates (and sends) a referral or transfer unless an open one of the same person, sender,
 * receiver and type exists: a replayed event finds the first one. A refusal of the referral
 * service (no legal basis, inactive receiver …) is returned, not thrown: retrying would not help.
 */
export async function ensureReferral(
  deps: Pick<RuleDeps, 'hub' | 'referrals' | 'exclusive'>,
  actor: Actor,
  input: {
    personId: string;
    receiver: string;
    purpose: string;
    referralType: string;
    kind: 'referral' | 'transfer';
    dueOn?: string;
  },
): Promise<{ referralId: string; created: boolean } | { refused: string }> {
  return deps.exclusive(async () => {
    const existing = await openReferral(deps.hub, { ...input, sender: actor.partner });
    if (existing) return { referralId: existing, created: false };
    try {
      const r = await deps.referrals.create(actor, {
        personId: input.personId,
        receiver: input.receiver,
        purpose: input.purpose,
        referralType: input.referralType,
        send: true,
        kind: input.kind,
        dueOn: input.dueOn,
      });
      return { referralId: r.id, created: true };
    } catch (err) {
      if (err instanceof AppError) return { refused: err.code };
      throw err;
    }
  });
}

export function firstOfNextMonth(day: string): string {
  return `${addMonths(day, 1).slice(0, 7)}-01`;
}

export const startOfDay = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
export const addDays = (t: Date, days: number): Date => new Date(t.getTime() + days * 86_400_000);
