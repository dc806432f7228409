import fs from 'node:fs';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { registerPerson } from '../factories';
import { assertGraphiqlLoads } from '../helpers/graphiql-browser';
import { settled } from './live';

const hasChromium = fs.existsSync('/usr/bin/chromium');
const maybe = hasChromium || process.env.CI ? describe : describe.skip;

/** GraphiQL runs subscriptions over the gateway's WebSocket with the tab's token, nothing leaving localhost. */
maybe('GraphiQL subscriptions', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: true });
  });
  afterAll(() => app?.stop());

  it('shows an event of a running subscription', async () => {
    const person = await registerPerson(app, 'rheine-abh', { givenName: 'Samir', familyName: 'Aziz' });
    await settled(app);
    // The first tab carries the jobcenter's token: it may see contact data, so it hears of the move.
    const query = `subscription Moves { personStatusChanged(personId: "${person.id}") { type category } }`;
    const trigger = (async () => {
      await eventually(async () => app.server!.liveEvents.listenerCount >= 1, 30000, 50);
      await app.gql(
        'rheine-social',
        `mutation($p: ID!) { movePerson(input: { personId: $p, municipalityKey: "05566076", address: { street: "Marktstraße 1" } }) { id } }`,
        { p: person.id },
      );
    })();
    const result = await assertGraphiqlLoads(app.url, {
      query,
      expectText: '"category": "contact"',
      screenshotPath: '/tmp/graphiql-subscription.png',
    });
    await trigger;
    expect(result.responseText).toContain('"type": "person.status_changed"');
    expect(result.requests.some((u) => u.startsWith('ws://127.0.0.1'))).toBe(true);
  }, 60000);
});
