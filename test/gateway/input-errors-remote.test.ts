import { loadConfig } from '../../src/config';
import { createContainer } from '../../src/container';
import { signDevToken } from '../../src/gateway/dev-key';
import { startGatewayServer } from '../../src/server';
import { createLogger } from '../../src/shared/logger';
import { startSubgraphServer } from '../../src/subgraph-server';
import { registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { REDIS_URL } from '../setup/pg';

/** A subgraph served over HTTP refuses malformed input exactly as one served in-process. */
describe('input errors with a remote subgraph', () => {
  let app: TestApp;
  let city: Awaited<ReturnType<typeof startSubgraphServer>>;
  let gateway: Awaited<ReturnType<typeof startGatewayServer>>;
  let gatewayContainer: Awaited<ReturnType<typeof createContainer>>;
  const secret = 'r'.repeat(48);

  beforeAll(async () => {
    app = await startTestApp({ env: { LOTSE_INTERNAL_SECRET: secret } });
    city = await startSubgraphServer(app.container, 'city', { port: 0, host: '127.0.0.1' });
    const env = {
      LOTSE_ENV: 'test',
      DATABASE_URL: app.db.url,
      REDIS_URL,
      LOTSE_QUEUE_PREFIX: app.queuePrefix,
      LOTSE_INTERNAL_SECRET: secret,
      LOTSE_SUBGRAPH_URLS: `city=${city.url}`,
      DB_POOL_SIZE: '2',
    };
    gatewayContainer = await createContainer(loadConfig(env), {
      databaseUrl: app.db.url,
      redisUrl: REDIS_URL,
      log: createLogger('silent'),
    });
    gateway = await startGatewayServer(gatewayContainer, { port: 0, host: '127.0.0.1', devKey: app.devKey });
  });
  afterAll(async () => {
    await gateway?.close();
    await gatewayContainer?.close();
    await city?.close();
    await app?.stop();
  });

  it('names both refused dates and no invented variable', async () => {
    const personId = (await registerPerson(app, 'rheine-abh')).id;
    const token = await signDevToken(app.devKey, 'urn:lotse:dev', 'urn:lotse:api', {
      partner: 'rheine-abh',
      scopes: ['persons:read', 'residence:write'],
    });
    const query = `mutation { recordResidenceStatus(input: { personId: "${personId}", status: recognised_refugee, validFrom: "2024-02-30", validUntil: "x" }) { id } }`;
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'validFrom',
      fields: ['validFrom', 'validUntil'],
    });
    expect(body.errors[0].message).not.toMatch(/\$/);
  });
});
