import { generatePersons, nameRows, personId, EVENTS_PER_PERSON } from './lib/scale.generate';
import { databaseBytes, LotseInstance, startLotse } from './lib/pipeline.instance';
import { percentile, round } from './lib/pipeline.stats';
import type { BenchContext, BenchSuite, Metric, SuiteResult } from './lib/types';
import { Client } from 'pg';

const LOOKUP = `query($id: ID!) {
  person(id: $id) { id givenName familyName birthDate biography(first: 10) { type summary occurredAt } }
}`;
const LIST = `query { persons(first: 10) { edges { node { id givenName familyName biography(first: 3) { type summary } } } } }`;
const SEARCH = `query($name: String!) {
  persons(first: 10, filter: { name: $name }) { edges { node { id givenName familyName } } }
}`;

interface Plan {
  sizes: number[];
  /** Requests per query and size, one after another; fewer if `budgetMs` runs out first. */
  requests: number;
  budgetMs: number;
}
// Quick: 10 k only (100 k would take it past a minute: its generation and name search alone need ~40 s).
const QUICK: Plan = { sizes: [10_000], requests: 50, budgetMs: 10_000 };
const FULL: Plan = { sizes: [10_000, 100_000, 1_000_000], requests: 200, budgetMs: 15_000 };
/** At least this many requests per query, however slow. */
const MIN_REQUESTS = 3;

const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

/** Sequential requests of one query; every answer must be free of errors and find something. */
async function measure(
  lotse: LotseInstance,
  token: string,
  plan: Plan,
  query: string,
  variables: (i: number) => Record<string, unknown>,
  found: (data: any) => boolean,
  warmUp: number,
): Promise<{ times: number[]; timeouts: number }> {
  // Warm-up, not measured: the first size gets more, so that it is not measured on a cold process.
  const warmUntil = Date.now() + 5000;
  for (let i = 0; i < warmUp && (i === 0 || Date.now() < warmUntil); i++) await lotse.gql(token, query, variables(i));
  const times: number[] = [];
  let timeouts = 0;
  const deadline = Date.now() + plan.budgetMs;
  for (let i = 0; i < plan.requests && (i < MIN_REQUESTS || Date.now() < deadline); i++) {
    const res = await lotse.gql(token, query, variables(i));
    times.push(res.ms);
    // A subgraph past SUBGRAPH_TIMEOUT_MS is a result (the time it took to say so counts); anything else is a fault.
    if (res.body.errors?.length && res.body.errors.every((e) => e.extensions?.code === 'SUBGRAPH_TIMEOUT')) timeouts++;
    else if (res.status !== 200 || res.body.errors?.length || !found(res.body.data))
      throw new Error(`query failed: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  }
  return { times, timeouts };
}

/** Waits (at most a minute) until every outbox row is acknowledged: the demo seed's events are handled. */
async function waitIdle(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const unacked = ['city', 'jobcenter', 'courses', 'hub']
      .map((s) => `(SELECT count(*) FROM "${s}".outbox WHERE acked_at IS NULL)`)
      .join(' + ');
    for (let i = 0; i < 240; i++) {
      const { rows } = await c.query(`SELECT ${unacked} AS n`);
      if (Number(rows[0].n) === 0) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await c.end();
  }
}

async function run(ctx: BenchContext): Promise<SuiteResult> {
  const plan = ctx.quick ? QUICK : FULL;
  // Names partners search for: given and family names and their other spellings, from the generated pool.
  const names = [...new Set(nameRows(400).flatMap((r) => [r.given, r.family, ...r.variants]))].slice(0, 100);
  const metrics: Metric[] = [];
  const p99: Record<string, number[]> = { 'person(id)': [], 'persons(first: 10)': [], 'persons(name)': [] };
  let lotse: LotseInstance | undefined;
  try {
    lotse = await startLotse(ctx, { label: 'scale' });
    const token = await lotse.token('jobcenter-steinfurt', 'benefit_administration');
    // The workers handle the demo seed's events first; measuring meanwhile would charge that to 10 k.
    await waitIdle(lotse.databaseUrl);
    let generated = 0;
    let random = 12345;
    const nextRandom = (max: number) => {
      random = (random * 1103515245 + 12345) % 2147483648;
      return 1 + (random % max);
    };
    for (const size of plan.sizes) {
      const gen = await generatePersons(lotse.databaseUrl, generated + 1, size, (m) => ctx.log(`scale: ${m}`));
      generated = size;
      const at = label(size);
      ctx.log(
        `scale: ${at} persons (+${gen.persons} in ${gen.seconds.toFixed(1)} s, vacuum ${gen.vacuumSeconds.toFixed(1)} s)`,
      );
      metrics.push(
        {
          name: `generate ${label(gen.persons)} more persons → ${at}`,
          value: round(gen.seconds),
          unit: 's',
          note: `${Math.round(gen.persons / gen.seconds)} persons/s with ${EVENTS_PER_PERSON} events each`,
        },
        { name: `vacuum and analyse after generating → ${at}`, value: round(gen.vacuumSeconds), unit: 's' },
      );
      const warmUp = size === plan.sizes[0] ? 50 : 10;
      const queries: Array<[string, string, (i: number) => Record<string, unknown>, (data: any) => boolean]> = [
        ['person(id)', LOOKUP, () => ({ id: personId(nextRandom(size)) }), (d) => !!d?.person],
        ['persons(first: 10)', LIST, () => ({}), (d) => d?.persons?.edges?.length > 0],
        ['persons(name)', SEARCH, (i) => ({ name: names[i % names.length] }), (d) => Array.isArray(d?.persons?.edges)],
      ];
      for (const [query, text, variables, found] of queries) {
        const { times, timeouts } = await measure(lotse, token, plan, text, variables, found, warmUp);
        p99[query].push(percentile(times, 99));
        const timedOut = timeouts ? `, ${timeouts} answered SUBGRAPH_TIMEOUT` : '';
        metrics.push(
          {
            name: `${query} p50 @ ${at}`,
            value: round(percentile(times, 50)),
            unit: 'ms',
            note: `n=${times.length}${timedOut}`,
          },
          { name: `${query} p99 @ ${at}`, value: round(percentile(times, 99)), unit: 'ms' },
        );
      }
      metrics.push({
        name: `database size @ ${at}`,
        value: round((await databaseBytes(lotse.databaseUrl)) / 1024 / 1024),
        unit: 'MB',
      });
    }
    metrics.push({ name: 'serve process RSS after the runs', value: round(lotse.rssKb() / 1024), unit: 'MB' });
    const largest = label(plan.sizes[plan.sizes.length - 1]);
    return {
      suite: 'scale',
      metrics,
      ratios:
        plan.sizes.length < 2
          ? []
          : Object.entries(p99).map(([query, values]) => {
              const ratio = values[values.length - 1] / values[0];
              return {
                name: `${query}: p99 @ ${largest} ÷ p99 @ 10k`,
                value: round(ratio, 2),
                target: '≤ 1.5',
                met: ratio <= 1.5,
              };
            }),
      notes: [
        'persons generated in PostgreSQL (INSERT … SELECT … generate_series), each with 10 biography entries and the ' +
          'same events in its subgraph outbox, acknowledged; the 500 demo persons come on top',
        `as jobcenter-steinfurt (benefit_administration), sequential requests; up to ${plan.requests} per query and size within ${plan.budgetMs / 1000} s`,
      ],
    };
  } finally {
    await lotse?.stop();
  }
}

export const suite: BenchSuite = { name: 'scale', title: 'Persons at 10 k, 100 k and 1 M', run };
