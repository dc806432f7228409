import { signDevToken } from '../../src/gateway/dev-key';
import { registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { RemoteGateway, startRemoteGateway } from '../helpers/remote-gateway';

/** A subgraph served over HTTP refuses malformed input exactly as one served in-process. */
describe('input errors with a remote subgraph', () => {
  let app: TestApp;
  let gateway: RemoteGateway;
  const secret = 'r'.repeat(48);

  beforeAll(async () => {
    app = await startTestApp({ env: { LOTSE_INTERNAL_SECRET: secret } });
    gateway = await startRemoteGateway(app, ['city'], secret);
  });
  afterAll(async () => {
    await gateway?.close();
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
