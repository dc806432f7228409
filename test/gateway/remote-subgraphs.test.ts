import { signDevToken } from '../../src/gateway/dev-key';
import { startTestApp, TestApp } from '../helpers/app';
import { RemoteGateway, startRemoteGateway } from '../helpers/remote-gateway';
import { registerPersonViaApi } from '../factories';

/** The same supergraph served with subgraphs in other processes (here: other servers), by URL. */
describe('gateway with remote subgraphs', () => {
  let app: TestApp;
  let gateway: RemoteGateway;

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
    gateway = await startRemoteGateway(app, ['city', 'jobcenter'], secret);
  });
  afterAll(async () => {
    await gateway?.close();
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
    await gateway.subgraphs.jobcenter!.close();
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
