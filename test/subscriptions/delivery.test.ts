import { Client as PgClient } from 'pg';
import { Client } from 'graphql-ws';
import { systemActor } from '../../src/shared/actor';
import { startGatewayServer, RunningServer } from '../../src/server';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { ResidenceStatusCode } from '../../src/subgraphs/city/residence/residence.types';
import { createReferralViaApi, recordConsentViaApi, recordResidence, registerPerson } from '../factories';
import { collect, listening, liveClient, received, settled } from './live';

/**
 * Live subscriptions deliver an event only to subscribers who may see it, with the same field-level
 * authorization and audit entries as a query, from any gateway process.
 */
describe('live subscriptions: delivery', () => {
  let app: TestApp;
  let personId: string;
  const clients: Client[] = [];
  const open = async (server: { url: string }, partner: string, purpose?: string) => {
    const client = liveClient(server.url, await app.token(partner), purpose);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    const system = { ...systemActor(), partner: 'rheine-abh' };
    const p = await registerPerson(app, system, { givenName: 'Amina', familyName: 'Haddad' });
    personId = p.id;
    await recordResidence(app, system, {
      personId,
      status: ResidenceStatusCode.recognised_refugee,
      validFrom: '2026-01-10',
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(async (c) => c.dispose()));
    // The next test starts with no subscription of this one left on the gateway.
    await eventually(async () => app.server!.liveEvents.listenerCount === 0, 10000, 20);
  });
  afterAll(() => app?.stop());

  const sendReferral = async (sender: string, receiver: string, purpose: string, referralType: string) => {
    return (await createReferralViaApi(app, sender, { personId, receiver, purpose, referralType })).id;
  };

  it('referralUpdated reaches a party of the referral, not a stranger; fields are authorized and audited as in a query', async () => {
    const referralId = await sendReferral(
      'rheine-social',
      'jobcenter-steinfurt',
      'benefit_administration',
      'benefit_handover',
    );
    const selection = `id status sender person { id givenName residenceStatus { status } }`;
    await settled(app);
    const sender = collect(
      await open(app, 'rheine-social'),
      `subscription OnReferral($id: ID!) { referralUpdated(filter: { referralId: $id }) { eventId type occurredAt referral { ${selection} } } }`,
      { id: referralId },
    );
    const stranger = collect(
      await open(app, 'caritas-rheine'),
      `subscription Everything { referralUpdated { type referral { id } } }`,
    );
    const inbox = collect(
      await open(app, 'rheine-social'),
      `subscription Inbox { referralUpdated(filter: { role: inbox }) { type referral { id sender } } }`,
    );
    await listening(app.server!, 3);

    await app.gql('jobcenter-steinfurt', `mutation($id: ID!) { acceptReferral(id: $id) { status } }`, {
      id: referralId,
    });
    const [first] = await received(sender);
    expect(first.data.referralUpdated).toMatchObject({
      type: 'referral.accepted',
      referral: {
        id: referralId,
        status: 'accepted',
        sender: 'rheine-social',
        person: { id: personId, givenName: 'Amina', residenceStatus: null },
      },
    });
    expect(first.data.referralUpdated.eventId).toMatch(/^[0-9a-f-]{36}$/);

    // The same selection as a query: the same data, the same FORBIDDEN for the residence status.
    const asQuery = await app.gql('rheine-social', `query($id: ID!) { referral(id: $id) { ${selection} } }`, {
      id: referralId,
    });
    expect(first.data.referralUpdated.referral).toEqual(asQuery.body.data.referral);
    const shape = (errors: any[]) => errors.map((e) => ({ path: e.path.slice(-3), extensions: e.extensions }));
    expect(shape(first.errors)).toEqual(shape(asQuery.body.errors));
    expect(first.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', category: 'residence' });

    // The read through the subscription is in the audit log under the subscription's name.
    const pg = new PgClient({ connectionString: app.db.url });
    await pg.connect();
    try {
      const { rows } = await pg.query(
        `SELECT kind, categories FROM audit.entry WHERE partner = 'rheine-social' AND operation = 'OnReferral' ORDER BY seq`,
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { kind: 'read', categories: ['identity'] },
          { kind: 'denied', categories: ['residence'] },
        ]),
      );
    } finally {
      await pg.end();
    }

    // The stranger's first event is one it may see; the accepted referral, published earlier, was dropped.
    await recordConsentViaApi(app, 'rheine-social', {
      personId,
      purpose: 'case_management',
      recipients: ['caritas-rheine'],
      categories: ['identity'],
      evidenceRef: 'Einwilligung 2026/7',
    });
    const own = await sendReferral('rheine-social', 'caritas-rheine', 'case_management', 'social_counselling');
    const [seen] = await received(stranger);
    expect(seen).toEqual({ data: { referralUpdated: { type: 'referral.requested', referral: { id: own } } } });
    expect(stranger.results).toHaveLength(1);

    // role: inbox leaves out what the subscriber sent; its first event is a referral it receives.
    const incoming = await sendReferral('caritas-rheine', 'rheine-social', 'case_management', 'social_counselling');
    const [mine] = await received(inbox);
    expect(mine).toEqual({
      data: { referralUpdated: { type: 'referral.requested', referral: { id: incoming, sender: 'caritas-rheine' } } },
    });
    expect(inbox.results).toHaveLength(1);
  });

  it('personStatusChanged reaches only a subscriber allowed the changed category for its purpose', async () => {
    await settled(app);
    const query = `subscription OnStatus($p: ID!) { personStatusChanged(personId: $p) { type category person { id residenceStatus { status } } } }`;
    const abh = collect(await open(app, 'rheine-abh', 'residence_administration'), query, { p: personId });
    const social = collect(await open(app, 'rheine-social', 'case_management'), query, { p: personId });
    await listening(app.server!, 2);

    await app.gql(
      'rheine-abh',
      `mutation($p: ID!) { recordResidenceStatus(input: { personId: $p, status: subsidiary_protection, validFrom: "2026-03-01" }) { id } }`,
      { p: personId },
      { purpose: 'residence_administration' },
    );
    const [residence] = await received(abh);
    expect(residence).toEqual({
      data: {
        personStatusChanged: {
          type: 'person.status_changed',
          category: 'residence',
          person: { id: personId, residenceStatus: { status: 'subsidiary_protection' } },
        },
      },
    });

    // The advice team may see contact data, not residence: its first event is the move.
    await app.gql(
      'rheine-social',
      `mutation($p: ID!) { movePerson(input: { personId: $p, municipalityKey: "05566076", address: { street: "Emsstraße 3", postalCode: "48431" } }) { id } }`,
      { p: personId },
    );
    const [moved] = await received(social);
    expect(moved.data.personStatusChanged).toMatchObject({
      type: 'person.status_changed',
      category: 'contact',
      person: { id: personId, residenceStatus: null },
    });
    expect(moved.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', category: 'residence' });
    expect(social.results).toHaveLength(1);
  });

  it('two gateway processes on the same database and Redis both deliver to their own subscribers', async () => {
    let second: RunningServer | undefined;
    try {
      second = await startGatewayServer(app.container, { port: 0, host: '127.0.0.1', devKey: app.devKey });
      await settled(app);
      const query = `subscription($p: ID!) { personStatusChanged(personId: $p) { category person { id } } }`;
      const one = collect(await open(app, 'rheine-abh', 'residence_administration'), query, { p: personId });
      const two = collect(await open(second, 'rheine-abh', 'residence_administration'), query, { p: personId });
      await listening(app.server!, 1);
      await listening(second, 1);
      expect(app.server!.liveEvents).not.toBe(second.liveEvents);

      await app.gql(
        'rheine-abh',
        `mutation($p: ID!) { recordResidenceStatus(input: { personId: $p, status: recognised_refugee, validFrom: "2026-04-01" }) { id } }`,
        { p: personId },
        { purpose: 'residence_administration' },
      );
      const expected = { data: { personStatusChanged: { category: 'residence', person: { id: personId } } } };
      expect((await received(one))[0]).toEqual(expected);
      expect((await received(two))[0]).toEqual(expected);
    } finally {
      await Promise.all(clients.splice(0).map(async (c) => c.dispose()));
      await second?.close();
    }
  });
});
