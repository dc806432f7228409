import { loadConfig } from '../../src/config';
import { createContainer } from '../../src/container';
import { startGatewayServer } from '../../src/server';
import { startSubgraphServer } from '../../src/subgraph-server';
import { createLogger } from '../../src/shared/logger';
import { signDevToken } from '../../src/gateway/dev-key';
import { REDIS_URL } from '../setup/pg';
import { startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';

/** The same supergraph served with subgraphs in other processes (here: other servers), by URL. */
describe('gateway with remote subgraphs', () => {
  let app: TestApp;
  let city: Awaited<ReturnType<typeof startSubgraphServer>>;
  let jobcenter: Awaited<ReturnType<typeof startSubgraphServer>>;
  let gateway: Awaited<ReturnType<typeof startGatewayServer>>;
  let gatewayContainer: Awaited<ReturnType<typeof createContainer>>;

  const secret = 's'.repeat(48);

  beforeAll(async () => {
    // The subgraph processes share the internal secret with the gateway, as in a real split deployment.
    app = await startTestApp({ env: { LOTSE_INTERNAL_SECRET: secret } });
    const id = await registerPersonViaApi(app, 'rheine-social', {
      givenName: 'Oleksandr',
      familyName: 'Tkachenko',
      nameVariants: ['Olexandr Tkatschenko'],
    });
    await app.gql(
      'jobcenter-steinfurt',
      `mutation($id: ID!) { openJobcenterRecord(input: { personId: $id, customerNumber: "845D654321", municipalityKey: "05566076", startedOn: "2025-01-01", benefitStatus: receiving }) { id } }`,
      { id },
    );
    city = await startSubgraphServer(app.container, 'city', { port: 0, host: '127.0.0.1' });
    jobcenter = await startSubgraphServer(app.container, 'jobcenter', { port: 0, host: '127.0.0.1' });
    const env = {
      LOTSE_ENV: 'test',
      DATABASE_URL: app.db.url,
      REDIS_URL,
      LOTSE_QUEUE_PREFIX: app.queuePrefix,
      LOTSE_INTERNAL_SECRET: secret,
      LOTSE_SUBGRAPH_URLS: `city=${city.url},jobcenter=${jobcenter.url}`,
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
    await jobcenter?.close();
    await app?.stop();
  });

  it('answers the cross-subgraph query over HTTP subgraphs exactly as in-process', async () => {
    const token = await signDevToken(app.devKey, 'urn:lotse:dev', 'urn:lotse:api', {
      partner: 'jobcenter-steinfurt',
      scopes: ['persons:read', 'jobcenter:read'],
    });
    const query = `{ persons(filter: { name: "Tkatschenko" }) { totalCount edges { node { familyName jobcenter { customerNumber person { givenName } } identifiers { system } } } } }`;
    const viaHttp = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    const body = (await viaHttp.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.persons.edges[0].node).toMatchObject({
      familyName: 'Tkachenko',
      jobcenter: { customerNumber: '845D654321', person: { givenName: 'Oleksandr' } },
    });
    const inProcess = await app.gql('jobcenter-steinfurt', query);
    expect(body.data).toEqual(inProcess.body.data);

    // Proof that the gateway really goes over HTTP: with the jobcenter process gone, the operation
    // cannot be answered: HTTP 503 SERVICE_UNAVAILABLE with Retry-After for the whole response.
    await jobcenter.close();
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    const down = (await res.json()) as any;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(down.data).toBeUndefined();
    expect(down.errors.map((e: any) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
  });
});
