import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { demoCityConfig } from '../../src/seed/demo-config';
import { systemActor } from '../../src/shared/actor';
import { actorFor, openCase, recordConsent, registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';

/**
 * Case data for random partner × purpose × consent state × case: a case's fields (phase, goals)
 * are in the response iff the caller holds the case and its legal bases or the person's consent
 * allow case notes for the purpose stated; the health assessment iff it holds the case and health
 * is allowed. Another partner's case does not exist for the caller. Every read and every denial
 * of a holder is audited under the request's id.
 */
const HOLDERS = ['rheine-social', 'caritas-rheine', 'rheine-youth'] as const;
const CATEGORIES = ['identity', 'case_notes', 'health'] as const;
type Category = (typeof CATEGORIES)[number];
const { partners: DEMO_PARTNERS, legalBases: DEMO_LEGAL_BASES } = demoCityConfig();
// The case managers, and partners that hold no case (an office, the jobcenter, a course provider).
const CALLERS = DEMO_PARTNERS.filter((p) =>
  [...HOLDERS, 'rheine-abh', 'jobcenter-steinfurt', 'vhs-rheine'].includes(p.slug),
);

describe('authorization of case data (property-based)', () => {
  let app: TestApp;
  const cases: Array<{ holder: string; personId: string; caseId: string; wording: string; problem: string }> = [];

  beforeAll(async () => {
    app = await startTestApp();
    const city = app.container.subgraphs.city.services;
    for (const holder of HOLDERS) {
      const p = await registerPerson(app, 'rheine-social');
      const c = await openCase(app, holder, { personId: p.id });
      const wording = `Ziel-${randomUUID()}`;
      const problem = `Gesundheit-${randomUUID()}`;
      // Set up as the system (a holder may record health only under a basis or consent).
      await asHub(app, async () => {
        const actor = actorFor(holder);
        for (const domain of ['language', 'health'] as const)
          await city.caseAssessments.record(actor, {
            caseId: c.id,
            domain,
            problems: [domain === 'health' ? problem : 'A2'],
            resources: [],
            assessedOn: '2026-02-01',
          });
        await city.caseGoals.agree(actor, { caseId: c.id, domain: 'language', wording, agreedOn: '2026-02-02' });
      });
      cases.push({ holder, personId: p.id, caseId: c.id, wording, problem });
    }
  });
  afterAll(() => app?.stop());

  const hasBasis = (partner: string, purpose: string, category: string) =>
    DEMO_LEGAL_BASES.some(
      (b) => b.recipientPartner === partner && b.purpose === purpose && b.category === category && !b.whileReferralOpen,
    );

  it('releases case fields iff the caller holds the case and the policy allows them; audits every read and denial', async () => {
    const scenario = fc.record({
      partner: fc.constantFrom(...CALLERS),
      purposeIndex: fc.nat(),
      which: fc.nat({ max: HOLDERS.length - 1 }),
      consent: fc.option(
        fc.record({
          categories: fc.subarray([...CATEGORIES], { minLength: 1 }),
          samePurpose: fc.boolean(),
          toPartner: fc.boolean(),
          withdrawn: fc.boolean(),
        }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ partner, purposeIndex, which, consent }) => {
        const purpose = partner.purposes[purposeIndex % partner.purposes.length];
        const c = cases[which];
        const hub = app.container.subgraphs.hub;
        await hub.dataSource.query('DELETE FROM hub.consent');
        let consented: Category[] = [];
        if (consent) {
          const otherPurpose = purpose === 'case_management' ? 'arrival_counselling' : 'case_management';
          const third = partner.slug === 'caritas-rheine' ? 'rheine-youth' : 'caritas-rheine';
          const row = await recordConsent(app, 'rheine-social', {
            personId: c.personId,
            purpose: consent.samePurpose ? purpose : otherPurpose,
            recipients: [consent.toPartner ? partner.slug : third],
            categories: consent.categories,
          });
          if (consent.withdrawn)
            await hub.services.consents.withdraw({ ...systemActor(), partner: 'rheine-social' }, { consentId: row.id });
          else if (consent.samePurpose && consent.toPartner) consented = consent.categories;
        }
        const allowed = (cat: Category) => hasBasis(partner.slug, purpose, cat) || consented.includes(cat);
        const holds = partner.slug === c.holder;

        const requestId = `prop-case-${randomUUID()}`;
        const res = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${await app.token(partner.slug)}`,
            'lotse-purpose': purpose,
            'x-request-id': requestId,
          },
          body: JSON.stringify({
            query: `query($id: ID!) { case(id: $id) { id phase goals { wording } healthAssessment { problems } } }`,
            variables: { id: c.caseId },
          }),
        });
        const body = (await res.json()) as any;
        const text = JSON.stringify(body);
        const rows: Array<{ kind: string; categories: string[]; fields: string[] }> = await hub.dataSource.query(
          `SELECT kind, categories, fields FROM audit.entry WHERE request_id = $1`,
          [requestId],
        );
        const audited = (kind: string, cat: Category) =>
          rows.some((r) => r.kind === kind && r.categories.includes(cat));

        if (!holds) {
          // Another partner's case does not exist for the caller: nothing of it, nothing read.
          expect(body.data.case).toBeNull();
          expect(audited('read', 'case_notes') || audited('read', 'health')).toBe(false);
        } else {
          const got = body.data.case;
          expect(got.id).toBe(c.caseId);
          if (allowed('case_notes')) {
            expect(got.phase).toBe('goal_agreement');
            expect(got.goals).toEqual([{ wording: c.wording }]);
            expect(audited('read', 'case_notes')).toBe(true);
          } else {
            expect(got.phase).toBeNull();
            expect(got.goals).toBeNull();
            expect(audited('denied', 'case_notes')).toBe(true);
          }
          if (allowed('health')) {
            expect(got.healthAssessment).toEqual({ problems: [c.problem] });
            expect(audited('read', 'health')).toBe(true);
          } else {
            expect(got.healthAssessment).toBeNull();
            expect(audited('denied', 'health')).toBe(true);
          }
        }
        // Zero leaks: no value the policy denies appears anywhere in the response.
        if (!holds || !allowed('case_notes')) expect(text).not.toContain(c.wording);
        if (!holds || !allowed('health')) expect(text).not.toContain(c.problem);
      }),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? 20261203) },
    );
  }, 180000);
});
