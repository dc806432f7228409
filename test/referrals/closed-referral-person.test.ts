import { createReferral, registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

/**
 * The receiver of a referral sees the person while the referral is open only. Asked for the
 * person's fields afterwards (or of a draft it never received), it gets NOT_FOUND at that field,
 * never a masked internal error (found by the fault suite's fuzz, test/faults/fuzz.test.ts).
 */
describe('the person of a referral the receiver no longer sees', () => {
  let app: TestApp;
  let personId: string;
  const PERSON = (id: string) => `{ referral(id: "${id}") { status person { registeredAt givenName } } }`;

  beforeAll(async () => {
    app = await startTestApp();
    personId = (await registerPerson(app, 'rheine-social', { givenName: 'Omid' })).id;
  });
  afterAll(async () => app?.stop());

  it('is NOT_FOUND once the referral is closed, and while it is a draft', async () => {
    const open = await createReferral(app, 'jobcenter-steinfurt', { personId });
    const seen = await app.gql('vhs-rheine', PERSON(open.id));
    expect(seen.body.errors).toBeUndefined();
    expect(seen.body.data.referral.person.givenName).toBe('Omid');

    const rejected = await app.gql(
      'vhs-rheine',
      `mutation { rejectReferral(id: "${open.id}", reason: no_capacity) { id } }`,
    );
    expect(rejected.body.errors).toBeUndefined();
    const draft = await createReferral(app, 'jobcenter-steinfurt', { personId, send: false });
    for (const id of [open.id, draft.id]) {
      const res = await app.gql('vhs-rheine', PERSON(id));
      expect(res.status).toBe(200);
      expect(res.body.errors.map((e: any) => e.extensions.code)).toEqual(['NOT_FOUND']);
      expect(res.body.errors[0].path.slice(0, 2)).toEqual(['referral', 'person']);
      // The referral itself stays readable without the person's data.
      const bare = await app.gql('vhs-rheine', `{ referral(id: "${id}") { status person { id } } }`);
      expect(bare.body.errors).toBeUndefined();
      expect(bare.body.data.referral.person.id).toBe(personId);
    }
  });
});
