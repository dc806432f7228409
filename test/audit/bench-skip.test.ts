/**
 * LOTSE_BENCH_SKIP_AUDIT exists only so benchmarks can measure what the audit log costs: with it
 * nothing is appended, and production refuses to start with it.
 */
import { loadConfig } from '../../src/config';
import { registerPersonViaApi } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { configProblems, PRODUCTION_ENV } from '../helpers/production';

jest.setTimeout(120_000);

const SKIP_PROBLEM = 'LOTSE_BENCH_SKIP_AUDIT cannot be set in production (it switches the audit log off)';

it('is refused in production, read outside it', () => {
  expect(configProblems(PRODUCTION_ENV)).toEqual([]);
  expect(configProblems({ ...PRODUCTION_ENV, LOTSE_BENCH_SKIP_AUDIT: '1' })).toEqual([SKIP_PROBLEM]);
  expect(loadConfig({ LOTSE_ENV: 'test', LOTSE_BENCH_SKIP_AUDIT: '1' }).benchSkipAudit).toBe(true);
  expect(loadConfig({ LOTSE_ENV: 'test' }).benchSkipAudit).toBe(false);
});

describe.each([
  ['with LOTSE_BENCH_SKIP_AUDIT=1', { LOTSE_BENCH_SKIP_AUDIT: '1' }, 0],
  ['without it', {}, 1],
])('a read of personal data %s', (_name, env, expected) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env });
  });
  afterAll(() => app?.stop());

  it(`leaves ${expected} read entries in the audit log`, async () => {
    const personId = await registerPersonViaApi(app, 'rheine-social', { givenName: 'Samira' });
    const res = await app.gql('rheine-social', 'query($id: ID!) { person(id: $id) { givenName } }', { id: personId });
    expect(res.body).toEqual({ data: { person: { givenName: 'Samira' } } });
    const report = await app.container.audit.accessReport(personId, {});
    expect(report.filter((r) => r.kind === 'read' && r.partner === 'rheine-social')).toHaveLength(expected);
    if (expected === 0) expect(await app.container.audit.verify()).toEqual({ ok: true, rows: 0, head: '0'.repeat(64) });
  });
});
