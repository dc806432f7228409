import http from 'node:http';
import { AddressInfo } from 'node:net';
import { HubWebhookConcurrency1764960000000 as Migration } from '../../src/subgraphs/hub/migrations/1764960000000-hub-webhook-concurrency';
import { createDataSource } from '../../src/shared/database';
import { EndpointSlots } from '../../src/subgraphs/hub/webhook/webhook.inflight';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { createWebhookEndpoint, RHEINE_ADDRESS, registerPerson } from '../factories';
import { deliveries, FAST_WEBHOOKS, referToVhs } from './fixtures';

/** A receiver that answers 204 after `holdMs` and counts the requests it holds at the same time. */
async function slowReceiver(holdMs: number) {
  let open = 0;
  let maxOpen = 0;
  let received = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      open++;
      maxOpen = Math.max(maxOpen, open);
      setTimeout(() => {
        open--;
        res.writeHead(204).end();
      }, holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    maxOpen: () => maxOpen,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ENDPOINT = 'id maxConcurrency';

describe('per-endpoint concurrency', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      workers: true,
      env: { ...FAST_WEBHOOKS, WEBHOOK_CONCURRENCY: '16', WEBHOOK_ENDPOINT_CONCURRENCY: '2' },
    });
  });
  afterAll(() => app?.stop());

  const create = (input: Record<string, unknown>) =>
    app.gql(
      'vhs-rheine',
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { ${ENDPOINT} } } }`,
      { input: { url: 'http://127.0.0.1:9/hooks', eventTypes: ['referral.requested'], ...input } },
    );
  const update = (id: string, input: Record<string, unknown>) =>
    app.gql(
      'vhs-rheine',
      `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { ${ENDPOINT} } }`,
      { id, input },
    );
  const remove = (id: string) => app.gql('vhs-rheine', `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id });

  it('maxConcurrency is 1–100 or null (the default), refused naming the field, on create and update', async () => {
    for (const bad of [0, 101, -3]) {
      const r = await create({ maxConcurrency: bad });
      expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxConcurrency' });
    }
    const plain = await create({});
    expect(plain.body.data.createWebhookEndpoint.endpoint.maxConcurrency).toBeNull();
    const set = await create({ maxConcurrency: 3 });
    const ep = set.body.data.createWebhookEndpoint.endpoint;
    expect(ep.maxConcurrency).toBe(3);
    const tooMany = await update(ep.id, { maxConcurrency: 101 });
    expect(tooMany.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxConcurrency' });
    // Another field changed: the value stays; null resets it to the default.
    expect((await update(ep.id, { description: 'x' })).body.data.updateWebhookEndpoint.maxConcurrency).toBe(3);
    expect((await update(ep.id, { maxConcurrency: 7 })).body.data.updateWebhookEndpoint.maxConcurrency).toBe(7);
    expect((await update(ep.id, { maxConcurrency: null })).body.data.updateWebhookEndpoint.maxConcurrency).toBeNull();
    const stored = await app.container.subgraphs.hub.dataSource.query(
      'SELECT max_concurrency FROM hub.webhook_endpoint WHERE id = $1',
      [ep.id],
    );
    expect(stored[0].max_concurrency).toBeNull();
    await remove(ep.id);
    await remove(plain.body.data.createWebhookEndpoint.endpoint.id);
  });

  it('an endpoint with maxConcurrency 1 never has two requests in flight; one with 6 gets more than the default 2', async () => {
    const one = await slowReceiver(300);
    const six = await slowReceiver(300);
    const single = await createWebhookEndpoint(app, 'vhs-rheine', { url: one.url, maxConcurrency: 1 });
    const wide = await createWebhookEndpoint(app, 'vhs-rheine', { url: six.url, maxConcurrency: 6 });
    try {
      const persons = [];
      for (let i = 0; i < 8; i++)
        persons.push(
          await registerPerson(app, 'rheine-social', {
            givenName: 'Selam',
            familyName: `Haile${i}`,
            birthDate: '1990-01-01',
            address: RHEINE_ADDRESS,
          }),
        );
      await Promise.all(persons.map((p) => referToVhs(app, p.id)));
      const done = async (endpointId: string) =>
        (await deliveries(app, 'vhs-rheine', { endpointId, status: 'succeeded' })).length === 8;
      await eventually(async () => (await done(single.id)) && (await done(wide.id)), 20000, 200);
      expect({ received: one.received(), maxOpen: one.maxOpen() }).toEqual({ received: 8, maxOpen: 1 });
      expect(six.received()).toBe(8);
      expect(six.maxOpen()).toBeGreaterThan(2);
    } finally {
      await remove(single.id);
      await remove(wide.id);
      await one.close();
      await six.close();
    }
  });

  it('the migration adds the column and takes it away again', async () => {
    const sql = (q: string) => app.container.subgraphs.hub.dataSource.query(q);
    const column = async () =>
      (
        await sql(
          `SELECT count(*)::int AS n FROM information_schema.columns
            WHERE table_schema = 'hub' AND table_name = 'webhook_endpoint' AND column_name = 'max_concurrency'`,
        )
      )[0].n;
    // Migrations run as the owner role, not the application role.
    const owner = createDataSource({
      url: app.db.url,
      schema: 'hub',
      entities: [],
      migrations: [],
      poolSize: 1,
      applicationName: 'lotse-test-migrate',
    });
    await owner.initialize();
    const runner = owner.createQueryRunner();
    try {
      expect(await column()).toBe(1);
      await new Migration().down(runner);
      expect(await column()).toBe(0);
      await new Migration().up(runner);
      expect(await column()).toBe(1);
      // The database refuses what the API refuses.
      await expect(
        sql(
          `INSERT INTO hub.webhook_endpoint (id, partner, url, event_types, enabled, max_concurrency, created_at, updated_at)
           VALUES (gen_random_uuid(), 'vhs-rheine', 'https://hooks.example.org/x', '{referral.requested}', true, 0, now(), now())`,
        ),
      ).rejects.toThrow(/webhook_endpoint_max_concurrency/);
    } finally {
      await runner.release();
      await owner.destroy();
    }
  });
});

describe('endpoint slots', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ gateway: false });
  });
  afterAll(() => app?.stop());

  it('a job refused a slot is woken by the next release, oldest first', async () => {
    const woken: string[] = [];
    const slots = new EndpointSlots(app.container.redis, app.queuePrefix, 60_000, async (id) => {
      woken.push(id);
      return 'woken';
    });
    const release = await slots.acquire('ep-1', 1, 'job-a');
    expect(release).not.toBeNull();
    expect(await slots.acquire('ep-1', 1, 'job-b')).toBeNull();
    expect(await slots.acquire('ep-1', 1, 'job-c')).toBeNull();
    // Another endpoint has slots of its own.
    expect(await slots.acquire('ep-2', 1, 'job-x')).not.toBeNull();
    await release!();
    expect(woken).toEqual(['job-b']);
    const next = await slots.acquire('ep-1', 1, 'job-b');
    expect(next).not.toBeNull();
    await next!();
    expect(woken).toEqual(['job-b', 'job-c']);
  });
});
