import { loadConfig } from '../../src/config';
import { Container, createContainer } from '../../src/container';
import { RunningServer, startGatewayServer } from '../../src/server';
import { createLogger } from '../../src/shared/logger';
import { startTestApp, TestApp } from '../helpers/app';
import { asSuperuser } from '../helpers/superuser';
import { REDIS_URL } from '../setup/pg';

/**
 * A partner deactivated in the database is refused by every gateway within a second, not after
 * the partner cache's 30 s: each gateway LISTENs for committed partner changes. The second gateway
 * has a container (pools, caches, listener) of its own, as a second process would.
 */
describe('partner changes reach every gateway at once', () => {
  let app: TestApp;
  let container: Container;
  let second: RunningServer;

  beforeAll(async () => {
    app = await startTestApp();
    const env = {
      LOTSE_ENV: 'test',
      DATABASE_URL: app.db.url,
      REDIS_URL,
      LOTSE_QUEUE_PREFIX: app.queuePrefix,
      LOTSE_INTERNAL_SECRET: app.internalSecret,
      DATABASE_APP_ROLE: 'lotse_app',
      DB_POOL_SIZE: '2',
    };
    container = await createContainer(loadConfig(env), {
      databaseUrl: app.db.url,
      redisUrl: REDIS_URL,
      log: createLogger('silent'),
    });
    second = await startGatewayServer(container, { port: 0, host: '127.0.0.1', devKey: app.devKey });
  });
  afterAll(async () => {
    await second?.close();
    await container?.close();
    await app?.stop();
  });

  const statusAt = async (url: string, token: string) =>
    (
      await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      })
    ).status;

  /** Milliseconds until both gateways answer `status` (polled every 20 ms, at most 5 s). */
  async function untilBoth(token: string, status: number): Promise<number> {
    const start = Date.now();
    while (Date.now() - start < 5000) {
      const got = await Promise.all([statusAt(app.url, token), statusAt(second.url, token)]);
      if (got.every((s) => s === status)) return Date.now() - start;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`both gateways did not answer ${status} within 5 s`);
  }

  const setActive = (active: boolean) =>
    asSuperuser(app.db.url, (c) =>
      c.query('UPDATE hub.partner SET active = $1 WHERE slug = $2', [active, 'vhs-rheine']),
    );

  it('a deactivated partner is refused by both within a second, and a reactivated one served again', async () => {
    const token = await app.token('vhs-rheine');
    // Both gateways have the partner cached as active.
    expect(await untilBoth(token, 200)).toBeLessThan(1000);
    await setActive(false);
    expect(await untilBoth(token, 401)).toBeLessThan(1000);
    await setActive(true);
    expect(await untilBoth(token, 200)).toBeLessThan(1000);
  });
});
