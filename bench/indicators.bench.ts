import { OFFERS } from '../src/subgraphs/hub/indicator/indicator.model';
import type { IndicatorQuery, IndicatorReport } from '../src/subgraphs/hub/indicator/indicator.model';
import { systemActor } from '../src/shared/actor';
import type { Container } from '../src/container';
import { bootContainer, createBenchDatabase } from './lib/indicators.database';
import { databaseBytes } from './lib/pipeline.instance';
import { generateIndicatorData, planFor } from './lib/indicators.generate';
import { measureUpkeep, seedDemo } from './lib/indicators.upkeep';
import { FIRST_DAY, LAST_DAY } from './lib/indicators.sql';
import { percentile, round } from './lib/pipeline.stats';
import type { BenchContext, BenchSuite, Metric, SuiteResult } from './lib/types';

/** The target of issue 16: every report over 10 million events in under a second. */
const TARGET_MS = 1000;
const QUICK = { events: 1_000_000, warmUp: 2, runs: 10, upkeepCalls: 5_000 };
const FULL = { events: 10_000_000, warmUp: 3, runs: 20, upkeepCalls: 10_000 };

/** The year before the data's last: a full calendar year of subjects. */
const YEAR = String(Number(LAST_DAY.slice(0, 4)) - 1);

/** The longest period the API takes (INDICATORS_MAX_PERIOD_MONTHS), ending on the data's last day. */
function maxPeriod(months: number): string {
  const end = new Date(`${LAST_DAY}T00:00:00Z`);
  const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1 - months, 1));
  return `${start.toISOString().slice(0, 10)}/${LAST_DAY}`;
}

type Report = (query: IndicatorQuery) => Promise<IndicatorReport>;

/** The hub's indicator service as a system actor (every fact): what the API and the report call. */
function reporter(container: Container): Report {
  const actor = systemActor('bench', 'bench:indicators');
  return (q) => container.subgraphs.hub.services.indicators.report(actor, q);
}

/** Sequential calls: warm-up (not measured), then `runs` measured ones; each report must have figures. */
async function measure(report: Report, query: IndicatorQuery, warmUp: number, runs: number): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await report(query);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await report(query);
    times.push(performance.now() - t0);
    const figures = r.sets.flatMap((s) => s.indicators);
    if (!figures.length || figures.every((f) => f.suppressed))
      throw new Error(`report ${JSON.stringify(query)} has no figures`);
  }
  return times;
}

async function run(ctx: BenchContext): Promise<SuiteResult> {
  const plan = ctx.quick ? QUICK : FULL;
  const metrics: Metric[] = [];
  const ratios: NonNullable<SuiteResult['ratios']> = [];
  const db = await createBenchDatabase(ctx, 'indicators');
  ctx.log(`database ${db.name} migrated; generating ${plan.events} events and their facts`);
  const gen = await generateIndicatorData(db.url, plan.events, (m) => ctx.log(`generate: ${m}`));
  const bytes = await databaseBytes(db.url);
  ctx.log(
    `generated ${gen.events} events, ${gen.facts} facts in ${gen.seconds.toFixed(1)} s (vacuum ${gen.vacuumSeconds.toFixed(1)} s)`,
  );
  metrics.push(
    {
      name: 'generate events and facts',
      value: round(gen.seconds),
      unit: 's',
      note: `${gen.events} events, ${gen.facts} facts (${Object.entries(gen.factsByTable)
        .map(([t, n]) => `${t.replace('hub.indicator_', '')} ${n}`)
        .join(', ')})`,
    },
    { name: 'vacuum and analyse after generating', value: round(gen.vacuumSeconds), unit: 's' },
    { name: 'database size', value: round(bytes / 1024 / 1024), unit: 'MB' },
  );

  const container = await bootContainer(ctx, db);
  const report = reporter(container);
  const months = container.config.indicators.maxPeriodMonths;
  const queries: Array<[string, IndicatorQuery]> = [
    [`all sets, ${YEAR}`, { period: YEAR }],
    ...OFFERS.map((offer): [string, IndicatorQuery] => [`${offer}, ${YEAR}`, { period: YEAR, offer }]),
    [`all sets, ${months} months`, { period: maxPeriod(months) }],
  ];
  for (const [label, query] of queries) {
    const times = await measure(report, query, plan.warmUp, plan.runs);
    const p95 = percentile(times, 95);
    ctx.log(`${label}: p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms`);
    metrics.push(
      { name: `Report time · ${label} · p50`, value: round(percentile(times, 50)), unit: 'ms' },
      { name: `Report time · ${label} · p95`, value: round(p95), unit: 'ms' },
      { name: `Report time · ${label} · max`, value: round(Math.max(...times)), unit: 'ms' },
    );
    ratios.push({ name: `${label}: p95 (ms)`, value: round(p95), target: `< ${TARGET_MS} ms`, met: p95 < TARGET_MS });
  }
  metrics.push(...(await upkeep(ctx, plan.upkeepCalls)));
  return {
    suite: 'indicators',
    metrics,
    ratios,
    notes: [
      `${gen.events} events in the city, courses and hub outboxes (acknowledged, ${FIRST_DAY} to ${LAST_DAY}) and the ` +
        'fact rows they describe, generated in PostgreSQL (INSERT … SELECT … generate_series), then VACUUM (ANALYZE)',
      `hub.services.indicators.report(systemActor, …) in-process, ${plan.warmUp} warm-up and ${plan.runs} measured calls per query, one after another`,
    ],
  };
}

/** What keeping the facts costs (indicators.upkeep.ts), on a database of its own with the demo data. */
async function upkeep(ctx: BenchContext, calls: number): Promise<Metric[]> {
  const db = await createBenchDatabase(ctx, 'upkeep');
  ctx.log(`database ${db.name} migrated; loading the demo data`);
  await seedDemo(ctx, db);
  const u = await measureUpkeep(await bootContainer(ctx, db), calls);
  const perSecond = u.rebuildRecords / u.rebuildSeconds;
  const quickFacts = planFor(QUICK.events).reduce((n, p) => n + p.subjects, 0);
  ctx.log(`forEvent ${(u.calls / u.forEventSeconds).toFixed(0)} events/s; rebuild ${perSecond.toFixed(0)} records/s`);
  return [
    {
      name: 'forEvent (events worker): events per second',
      value: round(u.calls / u.forEventSeconds),
      unit: '1/s',
      note: `${u.calls} calls over ${u.distinctEvents} demo events in ${round(u.forEventSeconds)} s`,
    },
    {
      name: 'rebuild: records per second',
      value: round(perSecond),
      unit: '1/s',
      note: `${u.rebuildRecords} demo records in ${round(u.rebuildSeconds, 2)} s`,
    },
    {
      name: 'rebuild at the quick size (projected)',
      value: round(quickFacts / perSecond),
      unit: 's',
      note: `${quickFacts} records at the measured rate`,
    },
  ];
}

export const suite: BenchSuite = { name: 'indicators', title: 'Indicators over 10 million events', run };
