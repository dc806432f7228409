import { feedbackInput, recordConsentViaApi, registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { eventHandled } from '../helpers/wait';

const CM = { purpose: 'case_management' };
const PERSON = `query($id: ID!) { person(id: $id) { id feedback { id } biography(first: 50) { summary } } }`;

/**
 * Withdrawing the consent a feedback link rests on removes the link (docs/feedback.md): the events
 * worker's consent.withdrawn handler asks the city; the anonymous feedback row stays.
 */
describe('client feedback: consent withdrawn', () => {
  let app: TestApp;
  let city: (sql: string, params?: unknown[]) => Promise<any[]>;
  let hub: (sql: string, params?: unknown[]) => Promise<any[]>;
  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    // Inside the system context: outside any, the city's protected tables show no rows.
    city = (sql, params = []) => asHub(app, () => app.container.subgraphs.city.dataSource.query(sql, params));
    hub = (sql, params = []) => app.container.subgraphs.hub.dataSource.query(sql, params);
  });
  afterAll(() => app?.stop());

  it('removes the links made under the consent once consent.withdrawn is handled, keeping the anonymous row', async () => {
    const person = await registerPerson(app, 'rheine-social');
    const consentId = await recordConsentViaApi(app, 'rheine-social', {
      personId: person.id,
      purpose: 'case_management',
      recipients: ['rheine-social'],
      categories: ['case_notes'],
    });
    const res = await app.gql(
      'rheine-social',
      `mutation($i: SubmitFeedbackInput!) { submitFeedback(input: $i) { id } }`,
      { i: feedbackInput({ offer: 'CASE_MANAGEMENT', linkToPerson: { personId: person.id } }) },
      CM,
    );
    expect(res.body.errors).toBeUndefined();
    const id: string = res.body.data.submitFeedback.id;
    const [linked] = await city(`SELECT id FROM city.outbox WHERE aggregate_id = $1 AND type = 'feedback.linked'`, [
      id,
    ]);
    await eventHandled(app, 'city', linked.id);
    expect(await city(`SELECT feedback_id FROM city.feedback_person_link WHERE consent_id = $1`, [consentId])).toEqual([
      { feedback_id: id },
    ]);
    const before = await app.gql('rheine-social', PERSON, { id: person.id }, CM);
    expect(before.body.data.person.feedback).toEqual([{ id }]);

    const withdrawn = await app.gql(
      'rheine-social',
      `mutation($id: ID!) { withdrawConsent(input: { consentId: $id }) { active } }`,
      { id: consentId },
    );
    expect(withdrawn.body.errors).toBeUndefined();
    const [ev] = await hub(`SELECT id FROM hub.outbox WHERE aggregate_id = $1 AND type = 'consent.withdrawn'`, [
      consentId,
    ]);
    await eventHandled(app, 'hub', ev.id);

    expect(await city(`SELECT 1 FROM city.feedback_person_link WHERE consent_id = $1`, [consentId])).toEqual([]);
    expect(await city(`SELECT id FROM city.client_feedback WHERE id = $1`, [id])).toEqual([{ id }]);
    const [unlinked] = await city(
      `SELECT id, person_id, payload FROM city.outbox WHERE aggregate_id = $1 AND type = 'feedback.unlinked'`,
      [id],
    );
    expect(unlinked).toMatchObject({ person_id: person.id, payload: { feedbackId: id, consentId } });
    await eventHandled(app, 'city', unlinked.id);
    // The same reader as before: the feedback is no longer the person's.
    const after = await app.gql('rheine-social', PERSON, { id: person.id }, CM);
    expect(after.body.data.person.feedback ?? []).toEqual([]);
    expect(after.body.data.person.biography.map((b: { summary: string }) => b.summary)).toContain(
      `Feedback link ${id} removed: consent ${consentId} withdrawn`,
    );

    // Idempotent: a second call finds nothing and writes nothing.
    const again = await app.container.subgraphs.hub.services.feedbackLinks.consentWithdrawn(consentId, 'again');
    expect(again).toBe(0);
    expect(
      await city(`SELECT 1 FROM city.outbox WHERE aggregate_id = $1 AND type = 'feedback.unlinked'`, [id]),
    ).toHaveLength(1);
  });
});
