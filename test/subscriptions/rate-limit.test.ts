import { Client } from 'graphql-ws';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { collect, freshWindow, listening, liveClient } from './live';

/** Subscription starts count against the partner's rate limits, together with its HTTP operations. */
describe('live subscriptions: rate limits', () => {
  let app: TestApp;
  let client: Client;

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_OPERATIONS_PER_MINUTE: '3' } });
    client = liveClient(app.url, await app.token('rheine-social'));
  });
  afterAll(async () => {
    await client?.dispose();
    await app?.stop();
  });

  it('refuses the subscription over the limit with RATE_LIMITED, and HTTP operations share the counter', async () => {
    const query = 'subscription Inbox { referralUpdated(filter: { role: inbox }) { type } }';
    await freshWindow();
    collect(client, query);
    collect(client, query);
    await listening(app.server!, 2);
    const http = await app.gql('rheine-social', '{ viewer { subject } }');
    expect(http.status).toBe(200);
    const over = collect(client, query);
    await eventually(async () => over.errors.length > 0);
    expect(over.errors[0]).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({
          code: 'RATE_LIMITED',
          limit: 'operations',
          retryAfter: expect.any(Number),
        }),
      }),
    ]);
    const refusedHttp = await app.gql('rheine-social', '{ viewer { subject } }');
    expect(refusedHttp.status).toBe(429);
  }, 75_000);
});
