/**
 * LOTSE_DEV_CLOCK_OFFSET lets a trainer run Lotse as if it were later (what is due in three
 * months): the container's clock, which every service reads, runs ahead. Production refuses it.
 */
import { loadConfig } from '../../src/config';
import { registerPersonViaApi } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { configProblems, PRODUCTION_ENV } from '../helpers/production';

const DAY = 86_400_000;

it('reads days, hours and minutes, refuses anything else, and production refuses it', () => {
  const offset = (v: string) => loadConfig({ LOTSE_ENV: 'test', LOTSE_DEV_CLOCK_OFFSET: v }).devClockOffsetMs;
  expect(offset('90d')).toBe(90 * DAY);
  expect(offset('-3d')).toBe(-3 * DAY);
  expect(offset('12h')).toBe(12 * 3_600_000);
  expect(offset('30m')).toBe(30 * 60_000);
  expect(loadConfig({ LOTSE_ENV: 'test' }).devClockOffsetMs).toBe(0);
  expect(configProblems({ LOTSE_ENV: 'test', LOTSE_DEV_CLOCK_OFFSET: 'soon' })).toEqual([
    'LOTSE_DEV_CLOCK_OFFSET must look like 90d, -3d, 12h or 30m, got "soon"',
  ]);
  expect(configProblems({ ...PRODUCTION_ENV, LOTSE_DEV_CLOCK_OFFSET: '90d' })).toEqual([
    'LOTSE_DEV_CLOCK_OFFSET cannot be set in production',
  ]);
});

describe('with LOTSE_DEV_CLOCK_OFFSET=90d', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { LOTSE_DEV_CLOCK_OFFSET: '90d' } });
  });
  afterAll(() => app?.stop());

  it('what the services record is dated 90 days ahead', async () => {
    const id = await registerPersonViaApi(app, 'rheine-social');
    const res = await app.gql('rheine-social', `query($id: ID!) { person(id: $id) { registeredAt } }`, { id });
    const ahead = new Date(res.body.data.person.registeredAt).getTime() - Date.now();
    expect(ahead).toBeGreaterThan(90 * DAY - 60_000);
    expect(ahead).toBeLessThan(90 * DAY + 60_000);
  });
});
