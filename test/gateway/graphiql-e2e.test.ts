import fs from 'node:fs';
import { startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';
import { assertGraphiqlLoads } from '../helpers/graphiql-browser';
import { EXAMPLE_OPERATIONS } from '../../src/gateway/examples';

const hasChromium = fs.existsSync('/usr/bin/chromium');
const maybe = hasChromium || process.env.CI ? describe : describe.skip;

/** GraphiQL from the real gateway, in headless Chromium: it runs a query and nothing leaves localhost. */
maybe('GraphiQL on the gateway', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('loads, runs the saved cross-subgraph example with its partner token, and stays on localhost', async () => {
    await registerPersonViaApi(app, 'rheine-social', { givenName: 'Fatima', familyName: 'Rahimi' });
    // The first saved tab as shipped (GraphiQL keeps the tab's operation name, so keep the text).
    await assertGraphiqlLoads(app.url, { query: EXAMPLE_OPERATIONS[0].query, expectText: 'Rahimi' });
  }, 60000);
});
