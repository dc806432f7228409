import { Client } from 'pg';
import type { Received } from '../../webhooks/receiver';
import type { History, Mutation, Step } from './history.traffic';

/**
 * Compares the history of acknowledged mutations with what the hub did about them. Every effect
 * is named by what it is about, not by the id the hub gave it, so that a second effect of one
 * mutation (e.g. a request executed twice) shows as a second entry under the same name:
 *
 * - biography entries (hub.biography_entry): `person.registered:<person>`, `consent.given:<person>`,
 *   `consent.withdrawn:<person>`, `referral.<to>:<referral>` (a referral's draft and requested
 *   steps both come from its creation);
 * - inbox notifications (the `notifications` query of each partner): `<partner>:<type>:<referral>`;
 * - webhook deliveries (hub.webhook_delivery): `<partner>:<type>:<referral>`; then the receivers:
 *   every delivery that succeeded arrived under its `webhook-id`, none arrived that is not a
 *   delivery, and a `webhook-id` seen twice carried the same body both times. A delivery the hub
 *   cancelled because the partner's basis ended first (`no_basis`: the referral was closed before
 *   its `referral.requested` went out, docs/webhooks.md) is counted apart; it may have arrived once
 *   only if an attempt's answer was lost before the cancellation (counted too);
 * - the rows the mutations wrote: persons (by the family name each registration chose),
 *   referrals and consents (one flow has one of each per person).
 *
 * Acknowledged: exactly one. Refused (a domain error): none. In doubt (no definite answer even
 * after the faults ended and it was sent again with its key): at most one. Anything else found is
 * an effect no mutation of the history explains.
 */

/** Who is told of each step, and which endpoint (receiver) is subscribed to it. */
const TOLD: Partial<Record<Step, { partner: string; type: string }>> = {
  refer: { partner: 'vhs-rheine', type: 'referral.requested' },
  accept: { partner: 'jobcenter-steinfurt', type: 'referral.accepted' },
  reject: { partner: 'jobcenter-steinfurt', type: 'referral.rejected' },
  start: { partner: 'jobcenter-steinfurt', type: 'referral.in_progress' },
  complete: { partner: 'jobcenter-steinfurt', type: 'referral.completed' },
  cancel: { partner: 'vhs-rheine', type: 'referral.cancelled' },
};
const STATUS_OF: Partial<Record<Step, string[]>> = {
  refer: ['draft', 'requested'],
  accept: ['accepted'],
  reject: ['rejected'],
  start: ['in_progress'],
  complete: ['completed'],
  cancel: ['cancelled'],
};

export interface Observed {
  persons: Array<{ id: string; family_name: string }>;
  referrals: Array<{ id: string; person_id: string }>;
  consents: Array<{ id: string; person_id: string }>;
  biography: Array<{ event_id: string; person_id: string; type: string; data: any }>;
  /** Outbox rows not acknowledged, per schema. */
  unacked: Record<string, number>;
  outboxTotal: number;
  deliveries: Array<{
    id: string;
    partner: string;
    event_type: string;
    referral_id: string | null;
    status: string;
    cancel_reason: string | null;
  }>;
  notifications: Array<{ partner: string; type: string; eventId: string; referralId: string | null }>;
  /** Received webhooks per partner. */
  webhooks: Record<string, Received[]>;
}

export interface Verdict {
  problems: string[];
  counts: {
    mutations: Record<string, number>;
    expectedEffects: number;
    biography: number;
    notifications: number;
    webhookIds: number;
    /**
     * A webhook-id sent again (its first attempt's answer was lost) after the referral moved on: the
     * body differs only in what docs/webhooks.md says is read at send time (`status`, `reasonCode`,
     * `person`). Counted, not a failure; any other difference is.
     */
    sendTimeResends: number;
    /** Arrived, but the attempt's answer was lost and the delivery then cancelled (no_basis) before the resend. */
    arrivedThenCancelled: number;
    /** Deliveries by status (and cancel reason). */
    deliveries: Record<string, number>;
    webhookRequests: number;
    /** How many webhook-ids were received once, twice, … */
    receivedPerId: Record<number, number>;
  };
}

/** Reads what the hub stored, as the database owner (row security does not apply). */
export async function readStore(databaseUrl: string): Promise<Omit<Observed, 'notifications' | 'webhooks'>> {
  const db = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await db.connect();
  try {
    const q = async (sql: string) => (await db.query(sql)).rows;
    const unacked: Record<string, number> = {};
    let outboxTotal = 0;
    for (const schema of ['city', 'hub', 'jobcenter', 'courses']) {
      const [r] = await q(
        `SELECT count(*) FILTER (WHERE acked_at IS NULL)::int AS open, count(*)::int AS total FROM ${schema}.outbox`,
      );
      unacked[schema] = r.open;
      outboxTotal += r.total;
    }
    return {
      persons: await q(`SELECT id, family_name FROM city.person WHERE family_name LIKE 'Hist%'`),
      referrals: await q('SELECT id, person_id FROM hub.referral'),
      consents: await q('SELECT id, person_id FROM hub.consent'),
      biography: await q('SELECT event_id, person_id, type, data FROM hub.biography_entry'),
      deliveries: await q(
        'SELECT id, partner, event_type, referral_id, status, cancel_reason FROM hub.webhook_delivery',
      ),
      unacked,
      outboxTotal,
    };
  } finally {
    await db.end();
  }
}

export function check(history: History, seen: Observed): Verdict {
  const problems: string[] = [];
  const byOutcome = (m: Mutation) => m.outcome;
  const mutations: Record<string, number> = {};
  for (const m of history.mutations) mutations[byOutcome(m)] = (mutations[byOutcome(m)] ?? 0) + 1;
  for (const m of history.mutations) if (m.outcome === 'pending') problems.push(`mutation ${m.n} never finished`);

  // Expectations: name → how many times (exactly for acknowledged, at most for in doubt).
  const exact = new Map<string, number>();
  const atMost = new Map<string, number>();
  const expect = (m: Mutation, name: string) => {
    if (m.outcome === 'acked') exact.set(name, (exact.get(name) ?? 0) + 1);
    else if (m.outcome === 'in_doubt') atMost.set(name, (atMost.get(name) ?? 0) + 1);
  };

  // Rows: persons by family name; referrals and consents by person (one of each per flow).
  const personsByName = group(seen.persons, (p) => p.family_name);
  const referralsByPerson = group(seen.referrals, (r) => r.person_id);
  const consentsByPerson = group(seen.consents, (c) => c.person_id);
  const registrations = new Map(history.mutations.filter((m) => m.step === 'register').map((m) => [m.familyName!, m]));
  for (const [name, rows] of personsByName) {
    const m = registrations.get(name);
    if (!m) problems.push(`a person no registration of the history asked for (${rows.length})`);
    else if (rows.length > 1) problems.push(`registration ${m.n} (${m.outcome}) created ${rows.length} persons`);
    else if (m.outcome === 'refused') problems.push(`refused registration ${m.n} created a person`);
    else if (m.outcome === 'acked' && rows[0].id !== m.id) problems.push(`registration ${m.n}: another person id`);
  }
  for (const m of registrations.values())
    if (m.outcome === 'acked' && !personsByName.has(m.familyName!)) problems.push(`registration ${m.n}: no person`);
  const knownPersons = new Set(seen.persons.map((p) => p.id));
  const rowsOf = (step: Step, rows: Map<string, unknown[]>, idOf: (m: Mutation) => string | undefined) => {
    const asked = history.mutations.filter((m) => m.step === step);
    const byPerson = new Map(asked.map((m) => [m.personId!, m]));
    for (const [personId, found] of rows) {
      const m = byPerson.get(personId);
      if (!m) {
        if (knownPersons.has(personId)) problems.push(`a ${step} row no mutation asked for`);
        continue;
      }
      if (found.length > 1) problems.push(`${step} ${m.n} (${m.outcome}) wrote ${found.length} rows`);
      if (m.outcome === 'refused') problems.push(`refused ${step} ${m.n} wrote a row`);
      if (m.outcome === 'acked' && !found.some((r) => (r as { id: string }).id === idOf(m)))
        problems.push(`${step} ${m.n}: its row is missing`);
    }
    for (const m of asked) if (m.outcome === 'acked' && !rows.has(m.personId!)) problems.push(`${step} ${m.n}: no row`);
  };
  rowsOf('refer', referralsByPerson, (m) => m.id);
  rowsOf('consent', consentsByPerson, (m) => m.id);

  for (const m of history.mutations) {
    const ref = m.step === 'refer' ? m.id : m.referralId;
    if (m.step === 'register') expect(m, `bio:person.registered:${m.id ?? `?${m.n}`}`);
    if (m.step === 'consent') expect(m, `bio:consent.given:${m.personId}`);
    if (m.step === 'withdraw') expect(m, `bio:consent.withdrawn:${m.personId}`);
    for (const to of STATUS_OF[m.step] ?? []) expect(m, `bio:referral.${to}:${ref ?? `?${m.n}`}`);
    const told = TOLD[m.step];
    if (told) {
      expect(m, `inbox:${told.partner}:${told.type}:${ref ?? `?${m.n}`}`);
      expect(m, `delivery:${told.partner}:${told.type}:${ref ?? `?${m.n}`}`);
    }
  }

  // What was seen, under the same names.
  const found = new Map<string, number>();
  const add = (name: string) => found.set(name, (found.get(name) ?? 0) + 1);
  for (const b of seen.biography) {
    if (b.type === 'person.registered') add(`bio:person.registered:${b.person_id}`);
    else if (b.type === 'consent.given' || b.type === 'consent.withdrawn') add(`bio:${b.type}:${b.person_id}`);
    else if (b.type === 'referral.status_changed') add(`bio:referral.${b.data.to}:${b.data.referralId}`);
    else add(`bio:${b.type}:${b.person_id}`);
  }
  for (const n of seen.notifications) add(`inbox:${n.partner}:${n.type}:${n.referralId}`);
  const deliveries: Record<string, number> = {};
  const deliveryById = new Map(seen.deliveries.map((d) => [d.id, d]));
  for (const d of seen.deliveries) {
    add(`delivery:${d.partner}:${d.event_type}:${d.referral_id}`);
    const state = d.cancel_reason ? `${d.status} (${d.cancel_reason})` : d.status;
    deliveries[state] = (deliveries[state] ?? 0) + 1;
  }
  const receivedPerId: Record<number, number> = {};
  let webhookRequests = 0;
  let webhookIds = 0;
  const arrived = new Set<string>();
  let sendTimeResends = 0;
  let arrivedThenCancelled = 0;
  for (const [partner, received] of Object.entries(seen.webhooks)) {
    webhookRequests += received.length;
    for (const [id, copies] of group(received, (r) => r.id)) {
      webhookIds++;
      arrived.add(id);
      receivedPerId[copies.length] = (receivedPerId[copies.length] ?? 0) + 1;
      const bodies = new Set(copies.map((c) => c.body));
      const fixed = new Set(copies.map((c) => withoutSendTimeState(c.body)));
      if (fixed.size > 1)
        problems.push(`webhook-id ${id} to ${partner} arrived ${copies.length} times with ${bodies.size} bodies`);
      else if (bodies.size > 1) sendTimeResends++;
      const body = JSON.parse(copies[0].body);
      const d = deliveryById.get(id);
      if (!d || d.partner !== partner || d.event_type !== body.type || d.referral_id !== body.data.referralId)
        problems.push(`webhook-id ${id} to ${partner} (${body.type}) is no delivery of the hub`);
    }
  }
  for (const d of seen.deliveries) {
    if (d.status === 'succeeded' && !arrived.has(d.id)) problems.push(`delivery ${d.id} succeeded, never arrived`);
    else if (d.status === 'cancelled' && d.cancel_reason === 'no_basis' && arrived.has(d.id)) arrivedThenCancelled++;
    else if (d.status !== 'succeeded' && !(d.status === 'cancelled' && d.cancel_reason === 'no_basis'))
      problems.push(`delivery ${d.id} (${d.event_type}) ended ${d.status} ${d.cancel_reason ?? ''}`.trim());
  }

  for (const [name, n] of exact) {
    const got = found.get(name) ?? 0;
    if (got !== n) problems.push(`${name}: expected once, seen ${got} times`);
  }
  for (const [name, n] of atMost) {
    const got = found.get(name) ?? 0;
    if (got > n) problems.push(`${name} (in doubt): seen ${got} times`);
  }
  // Effects of in-doubt mutations whose ids the history never learnt are matched above by rows
  // (persons, referrals); here only names no mutation explains are left.
  const inDoubtReferrals = new Set(
    history.mutations.filter((m) => m.outcome === 'in_doubt' && m.step === 'refer').map((m) => m.personId),
  );
  const doubtful = new Set(
    seen.referrals.filter((r) => inDoubtReferrals.has(r.person_id)).map((r) => r.id as string | undefined),
  );
  const inDoubtPersons = new Set(
    history.mutations
      .filter((m) => m.outcome === 'in_doubt' && m.step === 'register')
      .flatMap((m) => (personsByName.get(m.familyName!) ?? []).map((p) => p.id)),
  );
  for (const [name, got] of found) {
    if (exact.has(name) || atMost.has(name)) continue;
    const subject = name.split(':').pop();
    if (doubtful.has(subject) && got <= 1) continue;
    if (inDoubtPersons.has(subject!) && got <= 1) continue;
    problems.push(`${name}: seen ${got} times, no acknowledged mutation explains it`);
  }
  for (const [schema, open] of Object.entries(seen.unacked))
    if (open) problems.push(`${open} events of ${schema} never acknowledged`);

  return {
    problems,
    counts: {
      mutations,
      expectedEffects: exact.size,
      biography: seen.biography.length,
      notifications: seen.notifications.length,
      webhookIds,
      webhookRequests,
      deliveries,
      sendTimeResends,
      arrivedThenCancelled,
      receivedPerId,
    },
  };
}

/** The body without the referral's state and the person, which each attempt reads anew (docs/webhooks.md). */
function withoutSendTimeState(body: string): string {
  const { data, ...rest } = JSON.parse(body);
  const { status: _s, reasonCode: _r, person: _p, ...ids } = data ?? {};
  return JSON.stringify({ ...rest, data: ids });
}

function group<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
}
