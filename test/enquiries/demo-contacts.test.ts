import { enquiryInput } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

const ROUTED = `mutation($i: EmployerEnquiryInput!) { employerEnquiry(input: $i) { routedTo { partner contact { name email phone } } } }`;

/**
 * The demo city (examples/rheine/city.yaml) names a function mailbox for the partners enquiries
 * are routed to, so that `routedTo.contact` is filled in the demo as a city would fill it.
 */
describe('employer enquiries: the demo contacts', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it.each([
    ['RESIDENCE_LAW', 'rheine-abh', 'auslaenderbehoerde@rheine.example'],
    ['WORKPLACE', 'rheine-social', 'integration@rheine.example'],
  ])('routes %s to %s with its function mailbox', async (topic, partner, email) => {
    const res = await app.gql('elektro-brinkmann', ROUTED, { i: enquiryInput({ topic: topic as 'WORKPLACE' }) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.employerEnquiry.routedTo).toEqual({
      partner,
      contact: { name: expect.any(String), email, phone: expect.stringMatching(/^\+49 /) },
    });
  });
});
