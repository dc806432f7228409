import fs from 'node:fs';
import path from 'node:path';
import { buildClientSchema, getIntrospectionQuery, parse, print, printType } from 'graphql';
import { Client } from 'graphql-ws';
import { signDevToken } from '../../src/gateway/dev-key';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { registerPerson } from '../factories';
import { collect, connect, liveClient } from './live';

/** The WebSocket endpoint: who may connect, what it accepts, its limits. */
describe('live subscriptions: connection and limits', () => {
  let app: TestApp;
  const clients: Client[] = [];
  beforeAll(async () => {
    app = await startTestApp({
      env: { SUBSCRIPTIONS_MAX_PER_CONNECTION: '2', SUBSCRIPTIONS_MAX_CONNECTIONS_PER_PARTNER: '2' },
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(async (c) => c.dispose()));
    // The next test starts with no subscription of this one left on the gateway.
    await eventually(async () => app.server!.liveEvents.listenerCount === 0, 10000, 20);
  });
  afterAll(() => app?.stop());
  const client = async (partner: string) => {
    const c = liveClient(app.url, await app.token(partner));
    clients.push(c);
    return c;
  };
  /** The first thing a subscription gets: its error or its first result. */
  const firstAnswer = (c: ReturnType<typeof collect>) =>
    new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10000);
      const poll = setInterval(() => {
        if (c.errors.length || c.results.length) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(c.errors[0] ?? c.results[0]);
        }
      }, 10);
    });

  it('refuses a missing or invalid token (4401) and a purpose the token does not allow (4403)', async () => {
    expect(await connect(app.url, undefined)).toMatchObject({
      code: 4401,
      reason: expect.stringMatching(/^Unauthorized: A bearer token is required/),
    });
    expect(await connect(app.url, { authorization: 'Bearer not.a.token' })).toMatchObject({ code: 4401 });
    const foreign = await signDevToken(app.devKey, 'urn:someone-else', app.container.config.auth.audience, {
      partner: 'rheine-abh',
      scopes: [],
    });
    expect(await connect(app.url, { authorization: `Bearer ${foreign}` })).toMatchObject({ code: 4401 });
    const token = await app.token('rheine-social');
    expect(
      await connect(app.url, { authorization: `Bearer ${token}`, 'lotse-purpose': 'residence_administration' }),
    ).toMatchObject({ code: 4403, reason: expect.stringMatching(/purpose residence_administration is not allowed/) });
    expect(await connect(app.url, { authorization: `Bearer ${token}`, 'lotse-purpose': 'arrival_counselling' })).toBe(
      'acknowledged',
    );
    // Messages are limited like request bodies (100 kB).
    expect(await connect(app.url, { authorization: `Bearer ${token}`, padding: 'x'.repeat(101 * 1024) })).toMatchObject(
      { code: 1009 },
    );
  });

  it('ends the connection when the token expires', async () => {
    const row = await app.container.subgraphs.hub.services.partners.findBySlug('rheine-social');
    const token = await signDevToken(app.devKey, app.container.config.auth.issuer, app.container.config.auth.audience, {
      partner: 'rheine-social',
      scopes: row!.scopes,
      ttlSeconds: 2,
    });
    const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
      const c = liveClient(app.url, token);
      clients.push(c);
      const timer = setTimeout(() => reject(new Error('still open after 15 s')), 15000);
      c.on('closed', (event: any) => {
        clearTimeout(timer);
        resolve({ code: event.code, reason: event.reason });
      });
      collect(c, 'subscription { referralUpdated { type } }');
    });
    expect(closed).toEqual({ code: 4401, reason: 'Unauthorized: the access token expired' });
  });

  it('runs subscriptions only, within the query limits and the subscriptions per connection', async () => {
    const c = await client('rheine-social');
    const q = await firstAnswer(collect(c, '{ viewer { partner { slug } } }'));
    expect(q).toEqual([expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })]);
    const deep = await firstAnswer(
      collect(
        c,
        'subscription { referralUpdated { referral { person { referrals { person { referrals { person { id } } } } } } } }',
      ),
    );
    expect(deep).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/depth limit of 7/),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      }),
    ]);
    const typo = await firstAnswer(collect(c, 'subscription { referralUpdate { type } }'));
    expect(typo[0].message).not.toMatch(/Did you mean/);

    collect(c, 'subscription { referralUpdated { type } }');
    collect(c, 'subscription { referralUpdated(filter: { role: inbox }) { type } }');
    const third = await firstAnswer(collect(c, 'subscription { referralUpdated(filter: { role: outbox }) { type } }'));
    expect(third).toEqual([
      expect.objectContaining({
        message: 'At most 2 subscriptions per connection',
        extensions: { code: 'BAD_REQUEST' },
      }),
    ]);
  });

  it('refuses at once a subscription to a person or referral the subscriber cannot see', async () => {
    const person = await registerPerson(app, 'rheine-abh', { givenName: 'Omar', familyName: 'Nasser' });
    const c = await client('caritas-rheine');
    const hidden = await firstAnswer(
      collect(c, 'subscription($p: ID!) { personStatusChanged(personId: $p) { type } }', { p: person.id }),
    );
    expect(hidden.errors).toEqual([
      expect.objectContaining({
        message: `Person ${person.id} not found`,
        extensions: expect.objectContaining({ code: 'NOT_FOUND' }),
      }),
    ]);
    const unknown = await firstAnswer(
      collect(c, 'subscription($r: ID!) { referralUpdated(filter: { referralId: $r }) { type } }', {
        r: '00000000-0000-4000-8000-000000000000',
      }),
    );
    expect(unknown.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    // The immigration office sees the person: its subscription stands.
    const seen = collect(
      await client('rheine-abh'),
      'subscription($p: ID!) { personStatusChanged(personId: $p) { type } }',
      { p: person.id },
    );
    await eventually(async () => app.server!.liveEvents.listenerCount >= 1, 10000, 20);
    expect(seen.errors).toEqual([]);
  });

  it('limits the connections per partner', async () => {
    const token = await app.token('caritas-rheine');
    const held = [liveClient(app.url, token), liveClient(app.url, token)];
    clients.push(...held);
    const subs = held.map((c) => collect(c, 'subscription { referralUpdated { type } }'));
    // Both are open once the gateway counts their subscriptions.
    await eventually(async () => app.server!.liveEvents.listenerCount >= 2, 10000, 20);
    expect(await connect(app.url, { authorization: `Bearer ${token}` })).toMatchObject({
      code: 1008,
      reason: expect.stringMatching(/Too many connections/),
    });
    // Another partner is not affected.
    expect(await connect(app.url, { authorization: `Bearer ${await app.token('rheine-social')}` })).toBe(
      'acknowledged',
    );
    subs.forEach((s) => s.dispose());
  });

  it('serves exactly the committed schema/subscriptions.graphql; over HTTP a subscription is refused', async () => {
    const res = await app.gql('rheine-social', getIntrospectionQuery());
    const served = buildClientSchema(res.body.data);
    const committed = parse(fs.readFileSync(path.resolve(__dirname, '../../schema/subscriptions.graphql'), 'utf8'));
    expect(committed.definitions).toHaveLength(4);
    for (const def of committed.definitions) {
      const type = served.getType((def as { name: { value: string } }).name.value);
      expect(type && print(parse(printType(type)).definitions[0])).toEqual(print(def));
    }
    expect(served.getSubscriptionType()?.name).toBe('Subscription');
    expect(Object.keys(served.getSubscriptionType()!.getFields()).sort()).toEqual([
      'personStatusChanged',
      'referralUpdated',
    ]);
    const http = await app.gql('rheine-social', 'subscription { referralUpdated { type } }');
    expect(http.status).toBe(400);
    expect(http.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/over WebSocket/),
        extensions: { code: 'BAD_REQUEST' },
      }),
    ]);
  });
});
