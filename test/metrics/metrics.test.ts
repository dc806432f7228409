import { eventually, startTestApp, TestApp } from '../helpers/app';
import { scrape, valueOf } from '../helpers/prometheus';
import { asSuperuser } from '../helpers/superuser';
import { createWebhookEndpoint, RHEINE_ADDRESS, registerPersonViaApi } from '../factories';
import { FAST_WEBHOOKS, referToVhs } from '../webhooks/fixtures';
import { Receiver, startReceiver } from '../webhooks/receiver';

/**
 * Each metric of src/metrics moves when its cause happens, read as Prometheus scrapes it (the
 * family's text, parsed), against real PostgreSQL and Redis. The app starts without workers so
 * queued jobs and unacknowledged events stay put until the test starts them.
 */
describe('metrics', () => {
  let app: TestApp;
  let ok: Receiver;
  let failing: Receiver;
  const metric = (family: string) => scrape(app.container.metrics.registry, family);

  beforeAll(async () => {
    app = await startTestApp({ env: FAST_WEBHOOKS });
    ok = await startReceiver(() => ({ status: 200 }));
    failing = await startReceiver(() => ({ status: 500 }));
  });
  afterAll(async () => {
    await ok?.close();
    await failing?.close();
    await app?.stop();
  });

  it('counts jobs per queue and state when they are added', async () => {
    const before = await metric('lotse_queue_jobs');
    const sla = app.container.queues.sla as unknown as {
      add(name: string, data: object, opts?: object): Promise<unknown>;
    };
    // No worker runs yet; a job of a name no handler knows fails at once later (dead letters below).
    await sla.add('metrics-probe', {});
    await sla.add('metrics-probe', {});
    await sla.add('metrics-probe', {}, { delay: 3_600_000 });
    const after = await metric('lotse_queue_jobs');
    const count = (m: typeof after, state: string) => valueOf(m, 'lotse_queue_jobs', { queue: 'sla', state });
    expect(count(after, 'waiting') - count(before, 'waiting')).toBe(2);
    expect(count(after, 'delayed') - count(before, 'delayed')).toBe(1);
    // Every queue and every state is there, zero or not.
    for (const queue of ['events', 'sla', 'rules', 'webhooks', 'maintenance'])
      expect(after.samples.filter((s) => s.labels.queue === queue)).toHaveLength(7);
  });

  it('reports the age of the oldest unacknowledged event per source, and 0 once it is handled', async () => {
    const personId = await registerPersonViaApi(app, 'rheine-social', { address: RHEINE_ADDRESS });
    await asSuperuser(app.db.url, (c) =>
      c.query(`UPDATE city.outbox SET occurred_at = now() - interval '10 minutes' WHERE aggregate_id = $1`, [personId]),
    );
    const waiting = await metric('lotse_outbox_lag_seconds');
    expect(valueOf(waiting, 'lotse_outbox_lag_seconds', { source: 'city' })).toBeGreaterThanOrEqual(600);
    expect(
      valueOf(await metric('lotse_outbox_unacknowledged'), 'lotse_outbox_unacknowledged', { source: 'city' }),
    ).toBeGreaterThanOrEqual(1);

    await app.startWorkers();
    await eventually(async () => {
      const lag = await metric('lotse_outbox_lag_seconds');
      const unacked = await metric('lotse_outbox_unacknowledged');
      return ['city', 'jobcenter', 'courses', 'hub'].every(
        (source) =>
          valueOf(lag, 'lotse_outbox_lag_seconds', { source }) === 0 &&
          valueOf(unacked, 'lotse_outbox_unacknowledged', { source }) === 0,
      );
    }, 30_000);
  });

  it('counts failed jobs kept per queue as dead letters', async () => {
    // The three probe jobs have no handler: the two due ones fail at once, without retries.
    await eventually(
      async () => valueOf(await metric('lotse_dead_letters'), 'lotse_dead_letters', { queue: 'sla' }) === 2,
      15_000,
    );
    expect(valueOf(await metric('lotse_dead_letters'), 'lotse_dead_letters', { queue: 'events' })).toBe(0);
  });

  it('counts webhook attempts by outcome with their duration, and deliveries given up', async () => {
    const attempts = (m: Awaited<ReturnType<typeof metric>>, outcome: string) =>
      valueOf(m, 'lotse_webhook_attempts_total', { outcome });
    const before = await metric('lotse_webhook_attempts_total');
    await createWebhookEndpoint(app, 'vhs-rheine', { url: ok.url, eventTypes: ['referral.requested'] });
    await createWebhookEndpoint(app, 'vhs-rheine', { url: failing.url, eventTypes: ['referral.requested'] });
    const personId = await registerPersonViaApi(app, 'rheine-social', { address: RHEINE_ADDRESS });
    await referToVhs(app, personId);
    // 200 once; 500 on the first try and the four retries of FAST_WEBHOOKS, then the delivery is dead.
    await eventually(async () => failing.received.length === 5 && ok.received.length === 1, 20_000);
    await eventually(
      async () => valueOf(await metric('lotse_webhook_deliveries_dead'), 'lotse_webhook_deliveries_dead') === 1,
      10_000,
    );
    const after = await metric('lotse_webhook_attempts_total');
    expect(attempts(after, 'delivered') - attempts(before, 'delivered')).toBe(1);
    expect(attempts(after, 'failed_retry') - attempts(before, 'failed_retry')).toBe(4);
    expect(attempts(after, 'failed_final') - attempts(before, 'failed_final')).toBe(1);
    const durations = await metric('lotse_webhook_attempt_duration_seconds');
    expect(valueOf(durations, 'lotse_webhook_attempt_duration_seconds_count', { outcome: 'delivered' })).toBe(
      attempts(after, 'delivered'),
    );
    expect(valueOf(durations, 'lotse_webhook_attempt_duration_seconds_count', { outcome: 'failed_retry' })).toBe(
      attempts(after, 'failed_retry'),
    );
  });

  it('observes audit appends of reads and writes, and each subgraph call by subgraph', async () => {
    const audits = async (path: string) =>
      valueOf(await metric('lotse_audit_append_seconds'), 'lotse_audit_append_seconds_count', { path });
    const calls = async (subgraph: string) =>
      valueOf(await metric('lotse_subgraph_request_seconds'), 'lotse_subgraph_request_seconds_count', {
        subgraph,
        outcome: 'ok',
      });
    const [reads, writes, city, hub] = [
      await audits('reads'),
      await audits('writes'),
      await calls('city'),
      await calls('hub'),
    ];
    const personId = await registerPersonViaApi(app, 'rheine-social', { address: RHEINE_ADDRESS });
    expect(await audits('writes')).toBeGreaterThan(writes);
    expect(await calls('city')).toBeGreaterThan(city);
    const read = await app.gql('rheine-social', `query($id: ID!) { person(id: $id) { givenName } }`, { id: personId });
    expect(read.body.data.person.givenName).toBeTruthy();
    expect(await audits('reads')).toBeGreaterThan(reads);
    // The hub's own field: its subgraph is called (and timed) apart from the city's.
    const hubRead = await app.gql('vhs-rheine', `{ webhookEndpoints { edges { node { id } } } }`);
    expect(hubRead.body.errors).toBeUndefined();
    expect(await calls('hub')).toBeGreaterThan(hub);
  });

  it("reads the outbox and dead deliveries through partial indexes, whatever the tables' size", async () => {
    // Seq scans off: the plan shows whether an index can answer the scrape's queries at all.
    const plan = (sql: string) =>
      asSuperuser(app.db.url, async (c) => {
        await c.query('SET enable_seqscan = off');
        return (await c.query(`EXPLAIN ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    for (const source of ['city', 'jobcenter', 'courses', 'hub'])
      expect(await plan(`SELECT count(*), min(occurred_at) FROM "${source}".outbox WHERE acked_at IS NULL`)).toContain(
        'outbox_unacked',
      );
    expect(await plan(`SELECT count(*) FROM hub.webhook_delivery WHERE status = 'dead'`)).toContain(
      'webhook_delivery_dead',
    );
  });
});

const ENDPOINTS = '{ webhookEndpoints { edges { node { id } } } }';

describe('rate-limit refusals', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_OPERATIONS_PER_MINUTE: '2' } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('are counted by the limit reached', async () => {
    const refusals = async () =>
      valueOf(
        await scrape(app.container.metrics.registry, 'lotse_rate_limit_refusals_total'),
        'lotse_rate_limit_refusals_total',
        { limit: 'operations' },
      );
    expect(await refusals()).toBe(0);
    // The third of a minute's window is refused; should the window turn over meanwhile, a later one is.
    const statuses: number[] = [];
    while (!statuses.includes(429) && statuses.length < 6)
      statuses.push((await app.gql('vhs-rheine', ENDPOINTS)).status);
    expect(statuses).toContain(429);
    expect(await refusals()).toBe(1);
  });
});
