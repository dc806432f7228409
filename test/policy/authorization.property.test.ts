import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { demoCityConfig } from '../../src/seed/demo-config';
import { systemActor } from '../../src/shared/actor';
import { ResidenceStatusCode } from '../../src/subgraphs/city/residence/residence.types';
import { startTestApp, TestApp } from '../helpers/app';
import { openJobcenterRecord, recordConsent, recordResidence, registerPerson } from '../factories';

/**
 * For random partner × purpose × consent state × person: a field's value is in the response if and
 * only if the register of legal bases or an active consent allows it; every denial is audited. A
 * step of a referral in the biography is shown to its parties only (its receiver for the
 * referral's purpose, its sender), never for a basis of its category alone.
 */
const FIELDS = {
  identity: { select: 'givenName', value: (p: any) => p.givenName },
  contact: { select: 'address { district }', value: (p: any) => p.address?.district },
  residence: { select: 'residenceStatus { status }', value: (p: any) => p.residenceStatus?.status },
  benefits: { select: 'jobcenter { customerNumber }', value: (p: any) => p.jobcenter?.customerNumber },
} as const;
type Category = keyof typeof FIELDS;
const CATEGORIES = Object.keys(FIELDS) as Category[];
const { partners: DEMO_PARTNERS, legalBases: DEMO_LEGAL_BASES } = demoCityConfig();
const READERS = DEMO_PARTNERS.filter((p) => p.scopes.includes('persons:read'));

describe('authorization (property-based)', () => {
  let app: TestApp;
  const persons: Array<{ id: string; givenName: string; district: string; status: string; customerNumber: string }> =
    [];

  beforeAll(async () => {
    app = await startTestApp();
    for (let i = 0; i < 3; i++) {
      const p = await registerPerson(app, 'rheine-social', {
        givenName: `Given${i}`,
        familyName: `Family${i}`,
        address: { district: `District${i}` },
      });
      await recordResidence(app, 'rheine-abh', {
        personId: p.id,
        status: ResidenceStatusCode.subsidiary_protection,
        validFrom: '2024-01-01',
      });
      const customerNumber = `845D00000${i}`;
      await openJobcenterRecord(app, 'jobcenter-steinfurt', {
        personId: p.id,
        customerNumber,
        startedOn: '2024-02-01',
      });
      persons.push({
        id: p.id,
        givenName: `Given${i}`,
        district: `District${i}`,
        status: 'subsidiary_protection',
        customerNumber,
      });
    }
  });
  afterAll(() => app?.stop());

  // A general basis, or a referral-bound one while a referral from its source to the partner is open.
  const hasBasis = (
    partner: string,
    purpose: string,
    category: string,
    referral: { sender: string; open: boolean } | null,
  ) =>
    DEMO_LEGAL_BASES.some(
      (b) =>
        b.recipientPartner === partner &&
        b.purpose === purpose &&
        b.category === category &&
        (!b.whileReferralOpen ||
          (referral !== null && referral.open && (b.sourcePartner === null || b.sourcePartner === referral.sender))),
    );

  it('releases a value iff the policy allows it, and audits every denial', async () => {
    const scenario = fc.record({
      partner: fc.constantFrom(...READERS),
      purposeIndex: fc.nat(),
      person: fc.nat({ max: 2 }),
      // A referral of the person, open or closed, to the partner or to a third, for the stated purpose or another.
      referral: fc.option(
        fc.record({
          sender: fc.constantFrom('jobcenter-steinfurt', 'rheine-abh', 'rheine-social'),
          open: fc.boolean(),
          toPartner: fc.boolean(),
          samePurpose: fc.boolean(),
        }),
      ),
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
      fc.asyncProperty(scenario, async ({ partner, purposeIndex, person: index, consent, referral }) => {
        const purpose = partner.purposes[purposeIndex % partner.purposes.length];
        const person = persons[index];
        const hub = app.container.subgraphs.hub;
        await hub.dataSource.query('DELETE FROM hub.consent');
        await hub.dataSource.query(`DELETE FROM hub.biography_entry WHERE type = 'referral.status_changed'`);
        await hub.dataSource.query('DELETE FROM hub.referral');
        const otherPurpose = purpose === 'case_management' ? 'arrival_counselling' : 'case_management';
        const third = [partner.slug, referral?.sender].includes('caritas-rheine') ? 'rheine-youth' : 'caritas-rheine';
        const step = referral && {
          id: randomUUID(),
          receiver: referral.toPartner && referral.sender !== partner.slug ? partner.slug : third,
          purpose: referral.samePurpose ? purpose : otherPurpose,
          summary: `Referral step ${randomUUID()}`,
        };
        if (referral && step) {
          await hub.dataSource.query(
            `INSERT INTO hub.referral (id, kind, person_id, purpose, referral_type, sender, receiver, status, version, created_at, updated_at)
             VALUES ($1, 'referral', $2, $3, 'property_test', $4, $5, $6, 1, now(), now())`,
            [
              step.id,
              person.id,
              step.purpose,
              referral.sender,
              step.receiver,
              referral.open ? 'accepted' : 'completed',
            ],
          );
          // Its step in the biography (category case_notes, as every referral step).
          await hub.dataSource.query(
            `INSERT INTO hub.biography_entry
               (event_id, person_id, source, type, summary, category, data, actor_partner, occurred_at, recorded_at)
             VALUES ($1, $2, 'hub', 'referral.status_changed', $3, 'case_notes', $4, $5, now(), now())`,
            [randomUUID(), person.id, step.summary, JSON.stringify({ referralId: step.id }), step.receiver],
          );
        }
        const toPartnerForPurpose = !!step && step.receiver === partner.slug && step.purpose === purpose;
        const referredBy = toPartnerForPurpose ? referral : null;
        // Its receiver for the referral's purpose, and its sender; nobody else.
        const seesStep = !!referral && (referral.sender === partner.slug || toPartnerForPurpose);
        let consented: Category[] = [];
        if (consent) {
          const row = await recordConsent(app, 'rheine-social', {
            personId: person.id,
            purpose: consent.samePurpose ? purpose : otherPurpose,
            recipients: [
              consent.toPartner ? partner.slug : 'caritas-rheine' === partner.slug ? 'rheine-youth' : 'caritas-rheine',
            ],
            categories: consent.categories,
            evidenceRef: 'property test',
          });
          if (consent.withdrawn)
            await hub.services.consents.withdraw({ ...systemActor(), partner: 'rheine-social' }, { consentId: row.id });
          else if (consent.samePurpose && consent.toPartner) consented = consent.categories;
        }
        // Scopes come first: a partner without jobcenter:read gets no jobcenter record whatever the basis.
        const scoped = (c: Category) => c !== 'benefits' || partner.scopes.includes('jobcenter:read');
        const allowed = (c: Category) =>
          scoped(c) && (hasBasis(partner.slug, purpose, c, referredBy) || consented.includes(c));

        const requestId = `prop-${randomUUID()}`;
        const res = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${await app.token(partner.slug)}`,
            'lotse-purpose': purpose,
            'x-request-id': requestId,
          },
          body: JSON.stringify({
            query: `query($id: ID!) { person(id: $id) {
              id ${CATEGORIES.map((c) => FIELDS[c].select).join(' ')} biography(first: 20) { summary }
            } }`,
            variables: { id: person.id },
          }),
        });
        const body = (await res.json()) as any;
        const text = JSON.stringify(body);
        const expected = {
          identity: person.givenName,
          contact: person.district,
          residence: person.status,
          benefits: person.customerNumber,
        };

        if (!allowed('identity')) {
          // Not even the person's existence.
          expect(body.data.person).toBeNull();
        } else {
          for (const c of CATEGORIES) {
            if (allowed(c)) expect(FIELDS[c].value(body.data.person)).toBe(expected[c]);
            else expect(FIELDS[c].value(body.data.person) ?? null).toBeNull();
          }
          const denied = CATEGORIES.filter((c) => scoped(c) && !allowed(c)); // a missing scope is refused before any decision
          const rows: Array<{ kind: string; categories: string[]; basis: string | null }> =
            await app.container.subgraphs.hub.dataSource.query(
              `SELECT kind, categories, basis FROM audit.entry WHERE request_id = $1`,
              [requestId],
            );
          const deniedAudited = new Set(rows.filter((r) => r.kind === 'denied').flatMap((r) => r.categories));
          for (const c of denied) expect(deniedAudited).toContain(c);
          const readAudited = new Set(rows.filter((r) => r.kind === 'read').flatMap((r) => r.categories));
          for (const c of CATEGORIES.filter(allowed)) expect(readAudited).toContain(c);

          const summaries = body.data.person.biography.map((b: { summary: string }) => b.summary);
          if (step && seesStep) {
            expect(summaries).toContain(step.summary);
            const byReferral = rows.filter((r) => r.kind === 'read' && r.basis === `referral:${step.id}`);
            expect(byReferral.flatMap((r) => r.categories)).toEqual(['case_notes']);
          } else if (step) {
            expect(rows.some((r) => r.kind === 'denied' && r.categories.includes('case_notes'))).toBe(true);
          }
        }
        if (step && !(seesStep && allowed('identity'))) expect(text).not.toContain(step.summary);
        // Zero leaks: no value of a category the policy denies appears anywhere in the response.
        for (const c of CATEGORIES) if (!allowed(c) || !allowed('identity')) expect(text).not.toContain(expected[c]);
      }),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? 20261124) },
    );
  }, 120000);
});
