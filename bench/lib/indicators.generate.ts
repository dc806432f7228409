import { Client } from 'pg';
import { cases, referrals } from './indicators.cases';
import { ID, SubjectKind } from './indicators.sql';
import { courses, enrolments, visits } from './indicators.subjects';

/**
 * Bulk data for the indicator benchmark: events in the subgraphs' outboxes (published and
 * acknowledged long ago) and the fact rows (hub.indicator_*) those events describe, as the events
 * worker would have left them. Written server-side with `INSERT … SELECT … FROM generate_series`
 * (as scale.generate.ts): one statement per chunk of subjects computes the facts once
 * (a materialised CTE), inserts them, derives the subject's events from them and inserts those into
 * their outboxes, so facts and events agree. Replaying the events through the worker instead
 * would take hours and measure the worker, not the indicators; the worker's cost is measured
 * separately (indicators.bench.ts).
 */

/** In order: courses before the enrolments that join them. */
export const KINDS: SubjectKind[] = [courses, visits, enrolments, cases, referrals];
/** Subjects per statement: a transaction of bounded size (about 250,000 events). */
const CHUNK = 50_000;
/** Connections writing at once: the machine has two cores, and the database does the work. */
const LANES = 2;

export interface KindPlan {
  kind: SubjectKind;
  subjects: number;
}

/** How many subjects of each kind make `events` events. */
export function planFor(events: number): KindPlan[] {
  return KINDS.map((kind) => ({ kind, subjects: Math.round((kind.perMillion * events) / 1_000_000) }));
}

/** One chunk of a kind: its facts and events for subjects $1..$2 ($3: the number of courses). */
export function chunkSql(kind: SubjectKind): string {
  const columns = kind.columns.map(([c]) => c);
  const select = [
    'g',
    ...kind.columns.map(([c, sql]) => `${sql} AS ${c}`),
    ...(kind.extra ?? []).map(([c, sql]) => `${sql} AS ${c}`),
  ];
  const events = kind.events
    .map(
      (e, k) => `SELECT ${ID(`e${kind.digit}${String(k).padStart(6, '0')}`, 'f.g')} AS id, '${e.source}' AS source,
        ${e.type} AS type, ${e.person} AS person_id, ${e.aggregate} AS aggregate_type, f.${columns[0]} AS aggregate_id,
        ${e.payload} AS payload, ${e.actor} AS actor, ${e.at} AS at FROM f`,
    )
    .join('\nUNION ALL ');
  const sources = [...new Set(kind.events.map((e) => e.source))];
  const outbox = (s: string) => `outbox_${s} AS (INSERT INTO "${s}".outbox
      (id, type, person_id, aggregate_type, aggregate_id, payload, actor_partner, occurred_at, published_at, acked_at)
    SELECT id, type, person_id, aggregate_type, aggregate_id, payload, actor, at, at + interval '1 second',
      at + interval '2 seconds' FROM ev WHERE source = '${s}')`;
  return `WITH f AS MATERIALIZED (SELECT ${select.join(',\n  ')}
      FROM generate_series($1::int, $2::int) g ${kind.from ?? ''}),
    facts AS (INSERT INTO ${kind.table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM f),
    ev AS MATERIALIZED (${events}),
    ${sources.map(outbox).join(',\n    ')}
    SELECT count(*)::int AS events, (SELECT count(*)::int FROM f) AS facts FROM ev`;
}

export interface Generated {
  events: number;
  facts: number;
  factsByTable: Record<string, number>;
  /** Writing the rows. */
  seconds: number;
  /** VACUUM (ANALYZE) afterwards. */
  vacuumSeconds: number;
}

/**
 * Writes about `events` events and their facts into the (migrated, empty) database at
 * `databaseUrl`, as its owner (no row-level security in the way), then vacuums and analyses the
 * tables, as autovacuum would after such a load: done here, so that it does not run in the
 * background while the queries are measured.
 */
export async function generateIndicatorData(
  databaseUrl: string,
  events: number,
  log: (msg: string) => void,
): Promise<Generated> {
  const started = performance.now();
  const plans = planFor(events);
  const courseCount = plans.find((p) => p.kind === courses)!.subjects;
  const total = { events: 0, facts: 0 };
  const factsByTable: Record<string, number> = {};
  let nextLog = 1_000_000;
  const clients = await Promise.all(
    Array.from({ length: LANES }, async () => {
      const c = new Client({ connectionString: databaseUrl });
      await c.connect();
      // A lost commit on a crash only loses generated rows; the load is not worth waiting for the disk.
      await c.query('SET synchronous_commit = off');
      return c;
    }),
  );
  try {
    for (const { kind, subjects } of plans) {
      const sql = chunkSql(kind);
      let next = 1;
      const lane = async (c: Client) => {
        while (next <= subjects) {
          const lo = next;
          const hi = Math.min(subjects, lo + CHUNK - 1);
          next = hi + 1;
          const params = sql.includes('$3') ? [lo, hi, courseCount] : [lo, hi];
          const { rows } = await c.query(sql, params);
          total.events += rows[0].events;
          total.facts += rows[0].facts;
          factsByTable[kind.table] = (factsByTable[kind.table] ?? 0) + rows[0].facts;
          if (total.events >= nextLog) {
            log(
              `${total.events} events, ${total.facts} facts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
            );
            nextLog += 1_000_000;
          }
        }
      };
      await Promise.all(clients.map(lane));
    }
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
  const written = performance.now();
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const tables = [...KINDS.map((k) => k.table), 'city.outbox', 'courses.outbox', 'hub.outbox'];
    await c.query(`VACUUM (ANALYZE) ${tables.join(', ')}`);
  } finally {
    await c.end();
  }
  return {
    ...total,
    factsByTable,
    seconds: (written - started) / 1000,
    vacuumSeconds: (performance.now() - written) / 1000,
  };
}
