import { Client } from 'graphql-ws';
import { checkManifest, composedGatewaySchema, MANIFEST_FORMAT, sha256Hex } from '../../src/gateway/trusted-documents';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { collect, listening, liveClient } from './live';

/** With TRUSTED_DOCUMENTS on, a subscription runs only if its document is registered for the partner, as over HTTP. */
describe('live subscriptions: trusted documents', () => {
  let app: TestApp;
  let client: Client;
  const registered = 'subscription Inbox { referralUpdated(filter: { role: inbox }) { type referral { id } } }';

  beforeAll(async () => {
    app = await startTestApp({ env: { TRUSTED_DOCUMENTS: 'true' } });
    await app.container.subgraphs.hub.services.trustedDocuments.register('rheine-social', [
      { hash: sha256Hex(registered), name: 'Inbox', document: registered },
    ]);
    client = liveClient(app.url, await app.token('rheine-social'));
  });
  afterAll(async () => {
    await client?.dispose();
    await app?.stop();
  });

  it('refuses an unregistered document and runs a registered one, as text or by reference', async () => {
    const other = collect(client, 'subscription { referralUpdated { type } }');
    await eventually(async () => other.errors.length > 0);
    expect(other.errors[0]).toEqual([
      expect.objectContaining({ extensions: { code: 'PERSISTED_DOCUMENT_NOT_ALLOWED' } }),
    ]);

    collect(client, registered);
    await listening(app.server!, 1);
    const byReference = {
      query: '',
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(registered) } },
    };
    const subscribed = { errors: [] as unknown[] };
    client.subscribe(byReference, {
      next: () => undefined,
      error: (e) => void subscribed.errors.push(e),
      complete: () => undefined,
    });
    await listening(app.server!, 2);
    expect(subscribed.errors).toEqual([]);
  });

  let schema: Awaited<ReturnType<typeof composedGatewaySchema>>;
  beforeAll(async () => {
    schema = await composedGatewaySchema();
  });

  it('a subscription can be registered with `lotse documents register` (its manifest check knows the Subscription type)', async () => {
    const manifest = {
      format: MANIFEST_FORMAT,
      version: 1,
      operations: [{ id: sha256Hex(registered), name: 'Inbox', type: 'subscription', body: registered }],
    };
    expect(checkManifest(manifest, await composedGatewaySchema()).operations).toHaveLength(1);
    const wrongType = { ...manifest, operations: [{ ...manifest.operations[0], type: 'query' }] };
    expect(() => checkManifest(wrongType, schema)).toThrow('body is a subscription, the manifest says query');
  });
});
