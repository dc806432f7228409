import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Container } from '../../src/container';
import type { FactEvent } from '../../src/subgraphs/hub/indicator/indicator-facts.service';
import type { BenchContext } from './types';
import type { BenchDatabase } from './indicators.database';

const run = promisify(execFile);

/** Event types whose handling refreshes a fact (IndicatorFacts.forEvent): the sample is drawn from these. */
const FACT_EVENT_TYPES = `type LIKE 'arrival.%' OR type LIKE 'case.%' OR type LIKE 'enrolment.%'
  OR type LIKE 'referral.%' OR type LIKE 'handover.%' OR type = 'courses.course_created'`;

export interface Upkeep {
  /** Distinct events of the demo data that touch a fact, and the calls made over them (cycling). */
  distinctEvents: number;
  calls: number;
  forEventSeconds: number;
  /** Records a full rebuild recomputed (every fact table), and how long it took. */
  rebuildRecords: number;
  rebuildSeconds: number;
}

/** Loads the demo data (`lotse seed --demo`: records and events written through the services) into `db`. */
export async function seedDemo(ctx: BenchContext, db: BenchDatabase): Promise<void> {
  await run(process.execPath, [path.join(ctx.root, 'bin', 'lotse.js'), 'seed', '--demo'], {
    env: db.env,
    cwd: ctx.root,
    maxBuffer: 1 << 24,
  });
}

/**
 * What keeping the facts costs: `forEvent` (what the events worker runs after every event) over
 * `calls` events of the demo data, one after another, cycling through them if there are fewer
 * (a refresh is idempotent: the same work every time); then a full `rebuild`. Both inside a
 * system context, as the events job and the CLI run them.
 */
export async function measureUpkeep(container: Container, calls: number): Promise<Upkeep> {
  const facts = container.subgraphs.hub.services.indicatorFacts;
  const ds = container.subgraphs.hub.dataSource;
  const union = ['city', 'courses', 'hub']
    .map(
      (s) =>
        `SELECT id, type, aggregate_type, aggregate_id, payload, occurred_at FROM "${s}".outbox WHERE ${FACT_EVENT_TYPES}`,
    )
    .join(' UNION ALL ');
  const rows: Array<{ type: string; aggregate_type: string; aggregate_id: string; payload: Record<string, unknown> }> =
    await ds.query(`SELECT * FROM (${union}) e ORDER BY occurred_at, id LIMIT $1`, [calls]);
  const events: FactEvent[] = rows.map((r) => ({
    type: r.type,
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    payload: r.payload,
  }));
  if (!events.length) throw new Error('the demo data has no events that touch an indicator fact');
  return container.rowSecurity.system('bench:indicators', async () => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await facts.forEvent(events[i % events.length]);
    const forEventSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const counts = await facts.rebuild();
    const rebuildSeconds = (performance.now() - t1) / 1000;
    const rebuildRecords = Object.values(counts).reduce((n, c) => n + c.upserted, 0);
    return { distinctEvents: events.length, calls, forEventSeconds, rebuildRecords, rebuildSeconds };
  });
}
