import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import {
  arrivalFacts,
  caseFacts,
  FactScope,
  languageFacts,
  referralFacts,
} from '../../src/subgraphs/hub/indicator/indicator.queries';
import { HubIndicatorBenchIndexes1765520000002 } from '../../src/subgraphs/hub/migrations/1765520000002-hub-indicator-bench-indexes';
import { startTestApp, TestApp } from '../helpers/app';

/**
 * The report's queries read their facts through the covering indexes (migration 1765520000002,
 * BENCHMARKS.md, Indicators): each set's main statement is an index-only scan of its table's
 * `_period` index. Planned with heap scans off, as on a large table; on the test's empty tables
 * the planner would scan the heap anyway. A condition the index cannot serve (such as
 * `closed_on IS NULL OR closed_on >= …` instead of the indexed coalesce) fails here.
 */
describe('indicator indexes', () => {
  let app: TestApp;
  let client: Client;
  const scope: FactScope = { from: '2025-01-01', to: '2025-12-31', dueBy: '2025-12-31', patterns: null, owner: null };

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    client = new Client({ connectionString: app.db.url });
    await client.connect();
    // As on a large, vacuumed table: no heap scans, the visibility map set.
    await client.query('SET enable_seqscan = off');
    await client.query('SET enable_bitmapscan = off');
    await client.query(
      'VACUUM hub.indicator_arrival_visit, hub.indicator_case, hub.indicator_enrolment, hub.indicator_referral',
    );
  });
  afterAll(async () => {
    await client?.end();
    await app?.stop();
  });

  /** The plans of the statements a query function runs (EXPLAIN instead of running them). */
  async function plans(run: (ds: DataSource) => Promise<unknown>): Promise<string[]> {
    const out: string[] = [];
    const ds = {
      query: async (sql: string, params: unknown[]) => {
        const { rows } = await client.query(`EXPLAIN (COSTS OFF) ${sql}`, params);
        out.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
        return [{}];
      },
    } as unknown as DataSource;
    await run(ds);
    return out;
  }

  /** An index-only scan of `index` bounded by the period (an Index Cond), not a walk over all of it. */
  const rangeScan = (index: string) => new RegExp(`Index Only Scan using ${index}[^\\n]*\\n\\s*Index Cond:`);

  it.each([
    ['arrival visits', 'indicator_arrival_visit_period', arrivalFacts],
    ['case management', 'indicator_case_period', caseFacts],
    ['enrolments', 'indicator_enrolment_period', languageFacts],
    ['referrals', 'indicator_referral_period', referralFacts],
  ])('%s: an index-only scan of %s', async (_, index, fn) => {
    expect((await plans((ds) => fn(ds, scope))).join('\n')).toMatch(rangeScan(index));
  });

  it('also within a jurisdiction (municipality patterns) and for one owner', async () => {
    const narrow = { ...scope, patterns: ['05566%'], owner: 'rheine-social' };
    expect((await plans((ds) => caseFacts(ds, narrow))).join('\n')).toMatch(rangeScan('indicator_case_period'));
  });

  it('the migration reverts (the day indexes of the facts migration return) and applies again', async () => {
    const indexes = async () =>
      (
        await client.query(
          `SELECT indexname FROM pg_indexes WHERE schemaname = 'hub' AND tablename LIKE 'indicator_%' ORDER BY 1`,
        )
      ).rows.map((r) => r.indexname as string);
    const before = await indexes();
    const owner = { query: (q: string) => client.query(q).then((r) => r.rows) } as unknown as QueryRunner;
    const migration = new HubIndicatorBenchIndexes1765520000002();
    await migration.down(owner);
    const reverted = await indexes();
    expect(reverted).toEqual(
      expect.arrayContaining(['indicator_arrival_visit_planned', 'indicator_referral_requested']),
    );
    expect(reverted.filter((i) => i.endsWith('_period'))).toEqual([]);
    await migration.up(owner);
    expect(await indexes()).toEqual(before);
  });
});
