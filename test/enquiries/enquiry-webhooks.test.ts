import { askEnquiryViaApi, createWebhookEndpoint } from '../factories';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { FAST_WEBHOOKS } from '../webhooks/fixtures';
import { Receiver, startReceiver } from '../webhooks/receiver';

/** The routed partner's system learns of a new enquiry by webhook: ids and codes, no person, no question. */
describe('employer enquiry webhooks', () => {
  let app: TestApp;
  let receiver: Receiver;
  beforeAll(async () => {
    app = await startTestApp({ workers: true, env: FAST_WEBHOOKS });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await app?.stop();
  });

  it('sends enquiry.received to the routed partner with the enquiry’s ids as details', async () => {
    await createWebhookEndpoint(app, 'rheine-social', { url: receiver.url, eventTypes: ['enquiry.received'] });
    const e = await askEnquiryViaApi(app, { topic: 'WORKPLACE', question: 'Unser Azubi Herr K. braucht Hilfe' });
    const got = await eventually(async () => receiver.received.find((r) => r.body.includes(e.id)));
    const body = JSON.parse(got.body);
    expect(body.type).toBe('enquiry.received');
    expect(body.data).toMatchObject({
      personId: null,
      details: { enquiryId: e.id, topic: 'workplace', employer: 'elektro-brinkmann', routedTo: 'rheine-social' },
    });
    expect(got.body).not.toContain('Herr K.');
  });
});
