import { Client } from 'pg';
import { ORIGIN_NAMES, spellings, type NamePool } from '../../src/seed/demo-names';
import { ORIGINS } from '../../src/seed/demo-origins';
import { MUNICIPALITIES } from '../../src/seed/demo-places';
import { Random } from '../../src/seed/demo-random';
import { searchNames } from '../../src/subgraphs/city/person/person.names';

/**
 * Bulk data for the scale benchmark: persons with about ten biography events each, written
 * server-side with `INSERT … SELECT … FROM generate_series(…)`. That is what `COPY … FROM STDIN`
 * would do without sending a byte per row: PostgreSQL makes the rows itself, so generation is
 * bound by the database's write path (heap, indexes, WAL), not by the client or the socket. Only
 * the small lookup tables (names with their search forms, addresses) are computed here and sent
 * once. Ids are derived from the row number (md5, shaped as a version-4 UUID), so the benchmark
 * can look up random persons without reading their ids back, and generating is repeatable.
 */

/**
 * How the app stores a person's names for name search (`PersonService.register`): column → SQL
 * type, and the values for the names given (given name, family name, variants). The one place to
 * change when that representation changes.
 */
export const NAME_SEARCH_COLUMNS: Record<string, string> = { search_names: 'text[]' };
export function nameSearchValues(names: string[]): unknown[] {
  return [searchNames(names)];
}

/** Distinct name combinations (given × family × spelling); each is shared by N / NAME_ROWS persons. */
const NAME_ROWS = 20_000;
const ADDRESS_ROWS = 2_000;
/** Persons per statement: a progress line each, and transactions of bounded size. */
const CHUNK = 50_000;
export const EVENTS_PER_PERSON = 10;
/** Connections writing at once: the machine has two cores, and the database does the work. */
const LANES = 2;

/**
 * Ids shaped as version-4 UUIDs whose last 48 bits are the row number times an odd constant modulo
 * 2^48 (a bijection): spread over the index like random ids, but cheap to compute in SQL, and the
 * benchmark can name random persons without reading their ids back. The first group tells what it
 * is: `b0000000` a person, `e000000k` its k-th event, `a000000k` that event's aggregate.
 */
const SPREAD = 2654435761n;
export function personId(n: number): string {
  const tail = ((BigInt(n) * SPREAD) % (1n << 48n)).toString(16).padStart(12, '0');
  return `b0000000-0000-4000-8000-${tail}`;
}
const sqlId = (kind: string, k: string) =>
  `(${kind} || lpad(${k}::text, 7, '0') || '-0000-4000-8000-' || lpad(to_hex((g::bigint * ${SPREAD}) % 281474976710656), 12, '0'))::uuid`;
const PERSON_ID = `('b0000000-0000-4000-8000-' || lpad(to_hex((g::bigint * ${SPREAD}) % 281474976710656), 12, '0'))::uuid`;

export interface NameRow {
  given: string;
  family: string;
  variants: string[];
  sex: string;
  nationalities: string[];
  languages: string[];
}

/** Names as the demo data draws them: by origin, weighted, one spelling chosen and the others kept as variants. */
export function nameRows(count = NAME_ROWS, seed = 4711): NameRow[] {
  const rng = new Random(seed);
  const flat = (pool: NamePool) => pool.flatMap((e) => (typeof e === 'string' ? [e] : Array<string>(e[1]).fill(e[0])));
  const rows: NameRow[] = [];
  for (let i = 0; i < count; i++) {
    const origin = rng.weighted(ORIGINS.map((o) => [o, o.weight] as const));
    const names = ORIGIN_NAMES[origin.code];
    const sex = rng.chance(0.5) ? 'male' : 'female';
    const latin = origin.code === 'TR' || origin.code === 'RO' || origin.code === 'PL';
    const choose = (all: string[]) => {
      const k = all.length === 1 || rng.chance(latin ? 0.75 : 0.5) ? 0 : rng.int(1, all.length - 1);
      return { primary: all[k], others: all.filter((_, j) => j !== k) };
    };
    const given = choose(spellings(rng.pick(flat(sex === 'male' ? names.male : names.female))));
    const family = choose(spellings(rng.pick(flat(names.family))));
    const gendered = sex === 'female' && names.feminine ? names.feminine : (s: string) => s;
    const familyName = gendered(family.primary);
    const variants = [...new Set([...given.others, ...family.others.map(gendered)])].filter(
      (n) => n !== given.primary && n !== familyName,
    );
    rows.push({
      given: given.primary,
      family: familyName,
      variants,
      sex,
      nationalities: [origin.code],
      languages: origin.languages(rng),
    });
  }
  return rows;
}

function addressRows(seed = 815) {
  const rng = new Random(seed);
  return Array.from({ length: ADDRESS_ROWS }, () => {
    const m = rng.weighted(MUNICIPALITIES);
    const d = rng.weighted(m.districts);
    return { mk: m.key, locality: m.locality, district: d.name, postal: d.postalCode, street: rng.pick(d.streets) };
  });
}

/** The ten events of every person, oldest first: which subgraph's outbox, type, category, who acted. */
const EVENTS: Array<[k: number, source: string, type: string, category: string, actor: string, aggregate: string]> = [
  [0, 'city', 'person.registered', 'identity', 'rheine-social', 'Person'],
  [1, 'city', 'person.residence_status_recorded', 'residence', 'rheine-abh', 'ResidenceStatus'],
  [2, 'hub', 'person.identifier_added', 'identity', 'rheine-abh', 'PersonIdentifier'],
  [3, 'city', 'person.residence_status_recorded', 'residence', 'rheine-abh', 'ResidenceStatus'],
  [4, 'jobcenter', 'jobcenter.record_opened', 'benefits', 'jobcenter-steinfurt', 'JobcenterRecord'],
  [5, 'hub', 'person.identifier_added', 'identity', 'jobcenter-steinfurt', 'PersonIdentifier'],
  [6, 'jobcenter', 'jobcenter.benefit_status_changed', 'benefits', 'jobcenter-steinfurt', 'JobcenterRecord'],
  [7, 'city', 'person.residence_status_recorded', 'residence', 'rheine-abh', 'ResidenceStatus'],
  [8, 'jobcenter', 'jobcenter.benefit_status_changed', 'benefits', 'jobcenter-steinfurt', 'JobcenterRecord'],
  [9, 'city', 'person.residence_status_recorded', 'residence', 'rheine-abh', 'ResidenceStatus'],
];

const PERSON_BASE = `
  FROM generate_series($1::int, $2::int) g
  JOIN pg_temp.bench_name n ON n.i = (g::bigint * 2654435761) % ${NAME_ROWS}
  JOIN pg_temp.bench_address a ON a.i = (g::bigint * 40503) % ${ADDRESS_ROWS}`;

function personsSql(): string {
  const cols = Object.keys(NAME_SEARCH_COLUMNS);
  return `INSERT INTO city.person (id, municipality_key, given_name, family_name, name_variants, ${cols.join(', ')},
      birth_date, sex, nationalities, languages, street, house_number, postal_code, locality, district,
      household_id, registered_at, updated_at)
    SELECT ${PERSON_ID}, a.mk, n.given, n.family, n.variants, ${cols.map((c) => `n.${c}`).join(', ')},
      date '1950-01-01' + ((g::bigint * 7919) % 25000)::int, n.sex, n.nationalities, n.languages,
      a.street, ((g % 140) + 1)::text, a.postal, a.locality, a.district,
      NULL, timestamptz '2015-01-05 08:00Z' + (g % 3000) * interval '1 day', now()
    ${PERSON_BASE}`;
}

/** Every event of persons $1..$2 with its biography summary and payload, as the catalogue writes them. */
function eventsSql(): string {
  const types = EVENTS.map(
    (e) =>
      `(${e[0]}, ${e
        .slice(1)
        .map((v) => `'${v}'`)
        .join(', ')})`,
  ).join(', ');
  return `SELECT ev.id, ev.pid, t.source, t.type, t.category, t.actor, t.aggregate, ev.agg, ev.at,
      CASE t.type
        WHEN 'person.registered' THEN 'Registered in municipality ' || a.mk
        WHEN 'person.residence_status_recorded' THEN 'Residence status ' || ev.status || ' from ' || to_char(ev.at, 'YYYY-MM-DD')
        WHEN 'person.identifier_added' THEN 'Identifier ' || ev.system || ' recorded by ' || t.actor
        WHEN 'jobcenter.record_opened' THEN 'Jobcenter record opened (benefits: receiving)'
        ELSE 'Jobcenter benefit status ' || ev.b_from || ' → ' || ev.b_to
      END AS summary,
      CASE t.type
        WHEN 'person.registered' THEN jsonb_build_object('personId', ev.pid, 'householdId', NULL, 'municipalityKey', a.mk)
        WHEN 'person.residence_status_recorded' THEN jsonb_build_object('status', ev.status, 'personId', ev.pid,
          'statusId', ev.agg, 'validFrom', to_char(ev.at, 'YYYY-MM-DD'))
        WHEN 'person.identifier_added' THEN jsonb_build_object('system', ev.system, 'issuedBy', t.actor,
          'personId', ev.pid, 'identifierId', ev.agg)
        WHEN 'jobcenter.record_opened' THEN jsonb_build_object('personId', ev.pid, 'recordId', ev.agg, 'benefitStatus', 'receiving')
        ELSE jsonb_build_object('to', ev.b_to, 'from', ev.b_from, 'personId', ev.pid, 'recordId', ev.agg)
      END AS data
    FROM generate_series($1::int, $2::int) g
    JOIN pg_temp.bench_address a ON a.i = (g::bigint * 40503) % ${ADDRESS_ROWS}
    CROSS JOIN (VALUES ${types}) AS t(k, source, type, category, actor, aggregate)
    CROSS JOIN LATERAL (SELECT
      ${sqlId(`'e'`, 't.k')} AS id,
      ${PERSON_ID} AS pid,
      -- a jobcenter record's events share its id; everything else is its own aggregate
      ${sqlId(`'a'`, `CASE WHEN t.source = 'jobcenter' THEN 4 ELSE t.k END`)} AS agg,
      timestamptz '2015-01-05 09:00Z' + (g % 3000) * interval '1 day' + t.k * interval '97 days' AS at,
      (ARRAY['asylum_applicant', 'subsidiary_protection', 'recognised_refugee', 'settlement_permit'])
        [CASE t.k WHEN 1 THEN 1 WHEN 3 THEN 2 WHEN 7 THEN 3 ELSE 4 END] AS status,
      CASE t.k WHEN 2 THEN 'azr_number' ELSE 'jobcenter_customer_number' END AS system,
      CASE t.k WHEN 6 THEN 'receiving' ELSE 'suspended' END AS b_from,
      CASE t.k WHEN 6 THEN 'suspended' ELSE 'receiving' END AS b_to
    ) ev`;
}

/**
 * The events of persons $1..$2, computed once: into the biography, and into their subgraph's outbox
 * as published and acknowledged long ago (the relay's query only reads unacknowledged rows).
 */
function eventsInsertSql(): string {
  const outbox = (source: string) => `INSERT INTO "${source}".outbox
      (id, type, person_id, aggregate_type, aggregate_id, payload, actor_partner, occurred_at, published_at, acked_at)
    SELECT id, type, pid, aggregate, agg, data, actor, at, at + interval '1 second', at + interval '2 seconds'
      FROM ev WHERE source = '${source}'`;
  return `WITH ev AS MATERIALIZED (${eventsSql()}),
    city_outbox AS (${outbox('city')}),
    hub_outbox AS (${outbox('hub')}),
    jobcenter_outbox AS (${outbox('jobcenter')})
    INSERT INTO hub.biography_entry
      (event_id, person_id, source, type, summary, category, data, actor_partner, occurred_at, recorded_at)
    SELECT id, pid, source, type, summary, category, data, actor, at, at + interval '2 seconds' FROM ev`;
}

export interface Generated {
  persons: number;
  /** Writing the rows. */
  seconds: number;
  /** VACUUM (ANALYZE) afterwards. */
  vacuumSeconds: number;
}

/**
 * Adds generated persons `from`..`to` (1-based, inclusive) with their events to the database at
 * `databaseUrl` (connecting as its owner, which row-level security does not restrict), then
 * vacuums and analyses the tables, as autovacuum would after such a load: done here, so that it
 * does not run in the background while the queries are measured.
 */
export async function generatePersons(
  databaseUrl: string,
  from: number,
  to: number,
  log: (msg: string) => void,
  lanes = LANES,
): Promise<Generated> {
  const started = performance.now();
  let next = from;
  let done = 0;
  const lane = async () => {
    const c = new Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      // A lost commit on a crash only loses generated rows; the load is not worth waiting for the disk.
      await c.query(`SET synchronous_commit = off`);
      await loadLookups(c);
      while (next <= to) {
        const lo = next;
        const hi = Math.min(to, lo + CHUNK - 1);
        next = hi + 1;
        await c.query('BEGIN');
        await c.query(personsSql(), [lo, hi]);
        await c.query(eventsInsertSql(), [lo, hi]);
        await c.query('COMMIT');
        done += hi - lo + 1;
        if (done % (CHUNK * 4) === 0) log(`${done} persons in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    } finally {
      await c.end();
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  const written = performance.now();
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(`VACUUM (ANALYZE) city.person, hub.biography_entry, city.outbox, hub.outbox, jobcenter.outbox`);
  } finally {
    await c.end();
  }
  return {
    persons: to - from + 1,
    seconds: (written - started) / 1000,
    vacuumSeconds: (performance.now() - written) / 1000,
  };
}

async function loadLookups(c: Client): Promise<void> {
  const searchCols = Object.entries(NAME_SEARCH_COLUMNS);
  await c.query(`CREATE TEMP TABLE IF NOT EXISTS bench_name (i int PRIMARY KEY, given text, family text,
    variants text[], sex text, nationalities text[], languages text[], ${searchCols.map(([n, t]) => `${n} ${t}`).join(', ')})`);
  await c.query(`CREATE TEMP TABLE IF NOT EXISTS bench_address (i int PRIMARY KEY, mk text, locality text,
    district text, postal text, street text)`);
  const names = nameRows().map((r, i) => {
    const search = nameSearchValues([r.given, r.family, ...r.variants]);
    return { i, ...r, ...Object.fromEntries(searchCols.map(([n], j) => [n, search[j]])) };
  });
  await c.query(
    `INSERT INTO bench_name SELECT * FROM jsonb_populate_recordset(NULL::bench_name, $1::jsonb) ON CONFLICT DO NOTHING`,
    [JSON.stringify(names)],
  );
  const addresses = addressRows().map((a, i) => ({ i, ...a }));
  await c.query(
    `INSERT INTO bench_address SELECT * FROM jsonb_populate_recordset(NULL::bench_address, $1::jsonb) ON CONFLICT DO NOTHING`,
    [JSON.stringify(addresses)],
  );
}
