import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { demoCityConfig } from '../../src/seed/demo-config';
import { systemActor } from '../../src/shared/actor';
import { startTestApp, TestApp } from '../helpers/app';
import { asSuperuser } from '../helpers/superuser';
import { feedbackInput, recordConsent, registerPerson } from '../factories';

/**
 * Client feedback (docs/feedback.md) under the policy, for random partner × purpose × consent ×
 * linked or anonymous feedback: linked feedback shows on Person.feedback iff a legal basis or an
 * active consent opens case notes to the partner for its purpose; anonymous feedback is never
 * linked to anyone, whoever asks; every read and every denial of Person.feedback is audited.
 */
const { partners: DEMO_PARTNERS, legalBases: DEMO_LEGAL_BASES } = demoCityConfig();
const READERS = DEMO_PARTNERS.filter((p) => p.scopes.includes('persons:read'));
type Category = 'identity' | 'case_notes';
const CATEGORIES: Category[] = ['identity', 'case_notes'];
/** Who records the feedback, and under which purpose: the advice & support team in case management. */
const COLLECTOR = 'rheine-social';
const COLLECTED_FOR = 'case_management';

describe('authorization of client feedback (property-based)', () => {
  let app: TestApp;
  const persons: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    for (let i = 0; i < 3; i++) persons.push((await registerPerson(app, COLLECTOR)).id);
  });
  afterAll(() => app?.stop());

  const hasBasis = (partner: string, purpose: string, category: Category) =>
    DEMO_LEGAL_BASES.some(
      (b) => b.recipientPartner === partner && b.purpose === purpose && b.category === category && !b.whileReferralOpen,
    );

  it('shows linked feedback iff the policy allows, never links anonymous feedback, audits every read and denial', async () => {
    const scenario = fc.record({
      partner: fc.constantFrom(...READERS),
      purposeIndex: fc.nat(),
      person: fc.nat({ max: 2 }),
      linked: fc.boolean(),
      consent: fc.option(
        fc.record({
          categories: fc.subarray(CATEGORIES, { minLength: 1 }),
          samePurpose: fc.boolean(),
          toPartner: fc.boolean(),
          withdrawn: fc.boolean(),
        }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ partner, purposeIndex, person: index, linked, consent }) => {
        const purpose = partner.purposes[purposeIndex % partner.purposes.length];
        const personId = persons[index];
        const hub = app.container.subgraphs.hub;
        await hub.dataSource.query('DELETE FROM hub.consent');
        const otherPurpose = purpose === 'case_management' ? 'arrival_counselling' : 'case_management';
        const third = partner.slug === 'caritas-rheine' ? 'rheine-youth' : 'caritas-rheine';

        // The person's choice to link: their consent to the collector for case notes.
        let linkConsent = false;
        if (linked) {
          await recordConsent(app, COLLECTOR, {
            personId,
            purpose: COLLECTED_FOR,
            recipients: [COLLECTOR],
            categories: ['case_notes'],
            evidenceRef: 'feedback link',
          });
          linkConsent = true;
        }
        const submitted = await app.gql(
          COLLECTOR,
          `mutation($i: SubmitFeedbackInput!) { submitFeedback(input: $i) { id } }`,
          { i: feedbackInput({ offer: 'CASE_MANAGEMENT', ...(linked ? { linkToPerson: { personId } } : {}) }) },
          { purpose: COLLECTED_FOR },
        );
        expect(submitted.body.errors).toBeUndefined();
        const feedbackId: string = submitted.body.data.submitFeedback.id;
        // Read past row security: what is stored, not what a request may see.
        const links = await asSuperuser(
          app.db.url,
          async (c) =>
            (await c.query('SELECT person_id FROM city.feedback_person_link WHERE feedback_id = $1', [feedbackId]))
              .rows,
        );
        expect(links.map((l: { person_id: string }) => l.person_id)).toEqual(linked ? [personId] : []);

        let consented: Category[] = [];
        if (consent) {
          const row = await recordConsent(app, COLLECTOR, {
            personId,
            purpose: consent.samePurpose ? purpose : otherPurpose,
            recipients: [consent.toPartner ? partner.slug : third],
            categories: consent.categories,
            evidenceRef: 'property test',
          });
          if (consent.withdrawn)
            await hub.services.consents.withdraw({ ...systemActor(), partner: COLLECTOR }, { consentId: row.id });
          else if (consent.samePurpose && consent.toPartner) consented = consent.categories;
        }
        const byLink = (c: Category) =>
          linkConsent && c === 'case_notes' && partner.slug === COLLECTOR && purpose === COLLECTED_FOR;
        const allowed = (c: Category) => hasBasis(partner.slug, purpose, c) || consented.includes(c) || byLink(c);

        const requestId = `prop-fb-${randomUUID()}`;
        const res = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${await app.token(partner.slug)}`,
            'lotse-purpose': purpose,
            'x-request-id': requestId,
          },
          body: JSON.stringify({
            query: `query($id: ID!) { person(id: $id) { id feedback { id offer } } }`,
            variables: { id: personId },
          }),
        });
        const body = (await res.json()) as any;
        const text = JSON.stringify(body);

        if (!allowed('identity')) {
          expect(body.data.person).toBeNull();
          expect(text).not.toContain(feedbackId);
          return;
        }
        const rows: Array<{ kind: string; categories: string[]; fields: string[] }> = await hub.dataSource.query(
          `SELECT kind, categories, fields FROM audit.entry WHERE request_id = $1`,
          [requestId],
        );
        const audited = (kind: string) =>
          rows.some(
            (r) => r.kind === kind && r.categories.includes('case_notes') && r.fields.includes('Person.feedback'),
          );
        if (allowed('case_notes')) {
          const ids = body.data.person.feedback.map((f: { id: string }) => f.id);
          // Linked: shown; anonymous: never on the person, whoever asks.
          expect(ids.includes(feedbackId)).toBe(linked);
          expect(audited('read')).toBe(true);
        } else {
          expect(body.data.person.feedback).toBeNull();
          expect(body.errors.some((e: any) => e.extensions?.category === 'case_notes')).toBe(true);
          expect(audited('denied')).toBe(true);
        }
        if (!linked) expect(text).not.toContain(feedbackId);
      }),
      { numRuns: 40, seed: Number(process.env.FC_SEED ?? 20261203) },
    );
  }, 180000);
});
