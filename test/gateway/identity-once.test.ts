import { decodeJwt } from 'jose';
import { signDevToken } from '../../src/gateway/dev-key';
import { ALL_SUBGRAPHS, IdentitySigner } from '../../src/shared/identity';
import { registerPersonViaApi } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { RemoteGateway, startRemoteGateway } from '../helpers/remote-gateway';

/**
 * One gateway → subgraph identity per gateway request, whatever number of subgraphs (and calls to
 * them) the request needs: signed once, verified once in-process, and verified once by each
 * subgraph served over HTTP however often the request calls it.
 */
describe('one identity per gateway request', () => {
  let app: TestApp;
  let remote: RemoteGateway;
  const secret = 'i'.repeat(48);
  // city (persons), jobcenter (Person.jobcenter), city again (JobcenterRecord.person), hub (Person.identifiers).
  const QUERY = `{ persons(filter: { name: "Tkatschenko" }) { totalCount edges { node { familyName jobcenter { customerNumber person { givenName } } identifiers { system } } } } }`;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { LOTSE_INTERNAL_SECRET: secret } });
    const id = await registerPersonViaApi(app, 'rheine-social', {
      givenName: 'Oleksandr',
      familyName: 'Tkachenko',
      nameVariants: ['Olexandr Tkatschenko'],
    });
    const jc = await app.gql(
      'jobcenter-steinfurt',
      `mutation($id: ID!) { openJobcenterRecord(input: { personId: $id, customerNumber: "845D654321", municipalityKey: "05566076", startedOn: "2025-01-01", benefitStatus: receiving }) { id } }`,
      { id },
    );
    expect(jc.body.errors).toBeUndefined();
    remote = await startRemoteGateway(app, ['city', 'jobcenter'], secret);
    token = await signDevToken(app.devKey, 'urn:lotse:dev', 'urn:lotse:api', {
      partner: 'jobcenter-steinfurt',
      scopes: ['persons:read', 'jobcenter:read'],
    });
  });
  afterAll(async () => {
    await remote?.close();
    await app?.stop();
  });
  afterEach(() => jest.restoreAllMocks());

  const ask = async (base: string) => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await res.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.persons.edges[0].node).toMatchObject({
      familyName: 'Tkachenko',
      jobcenter: { customerNumber: '845D654321', person: { givenName: 'Oleksandr' } },
    });
    return body.data;
  };

  it('in-process subgraphs: signed once and verified once for city, jobcenter and hub', async () => {
    const sign = jest.spyOn(IdentitySigner.prototype, 'sign');
    const verify = jest.spyOn(IdentitySigner.prototype, 'verified');
    await ask(app.url);
    expect(sign).toHaveBeenCalledTimes(1);
    expect(verify).toHaveBeenCalledTimes(1);
    const identity = await sign.mock.results[0].value;
    expect(decodeJwt(identity)).toMatchObject({ aud: ALL_SUBGRAPHS, partner: 'jobcenter-steinfurt' });
  });

  it('subgraphs over HTTP: one identity for all calls, each subgraph server verifies it once', async () => {
    const sign = jest.spyOn(IdentitySigner.prototype, 'sign');
    const verify = jest.spyOn(IdentitySigner.prototype, 'verified');
    const viaHttp = await ask(remote.url);
    expect(sign).toHaveBeenCalledTimes(1);
    // The hub in the gateway's process, the city server (called twice), the jobcenter server.
    expect(verify).toHaveBeenCalledTimes(3);
    const identity = await sign.mock.results[0].value;
    for (const call of verify.mock.calls) expect(call[0]).toBe(identity);
    expect(viaHttp).toEqual(await ask(app.url));
  });
});
