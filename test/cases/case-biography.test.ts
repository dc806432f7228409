import { openCase, recordConsent, registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { eventHandled } from '../helpers/wait';
import { auditOf, CM, gqlAudited } from './case.support';

/**
 * A case's steps in the biography (visibility holder): shown to the partner that holds the case,
 * under its basis or consent for the category; never to another case manager, even one with a
 * basis for case notes.
 */
describe('case events in the biography', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: true });
  });
  afterAll(() => app?.stop());

  const handled = async (personId: string) => {
    const rows: Array<{ id: string }> = await asHub(app, () =>
      app.container.subgraphs.city.dataSource.query(
        `SELECT id FROM city.outbox WHERE person_id = $1 AND type LIKE 'case.%'`,
        [personId],
      ),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) await eventHandled(app, 'city', r.id);
  };
  const BIO = `query($id: ID!) { person(id: $id) { id biography(first: 50) { type actor summary } } }`;
  const caseLines = (body: any) =>
    (body.data.person?.biography ?? []).filter((b: { type: string }) => b.type.startsWith('case.'));

  it('shows each case’s steps to its holder only', async () => {
    const p = await registerPerson(app, 'rheine-social');
    // The NGO works with the person's consent (it has no basis of its own).
    await recordConsent(app, 'rheine-social', {
      personId: p.id,
      purpose: CM,
      recipients: ['caritas-rheine'],
      categories: ['identity', 'case_notes'],
    });
    const social = await openCase(app, 'rheine-social', { personId: p.id });
    const caritas = await openCase(app, 'caritas-rheine', { personId: p.id, workerRef: 'nb-3' });
    await handled(p.id);

    const bySocial = await gqlAudited(app, 'rheine-social', BIO, { id: p.id });
    expect(bySocial.body.errors).toBeUndefined();
    const socialLines = caseLines(bySocial.body);
    expect(socialLines.map((b: { actor: string }) => b.actor)).toEqual(['rheine-social']);
    expect(socialLines[0].summary).toContain('rheine-social');
    expect(JSON.stringify(bySocial.body)).not.toContain(caritas.id);

    const byCaritas = await gqlAudited(app, 'caritas-rheine', BIO, { id: p.id });
    const caritasLines = caseLines(byCaritas.body);
    expect(caritasLines.map((b: { actor: string }) => b.actor)).toEqual(['caritas-rheine']);
    expect(JSON.stringify(byCaritas.body)).not.toContain(social.id);
    expect(JSON.stringify(byCaritas.body)).not.toContain('Case at rheine-social');
    // The entry left out is audited as a denial of its category; the own one as a read under the consent.
    const rows = await auditOf(app, byCaritas.requestId);
    const audited = (kind: string) => rows.filter((r) => r.kind === kind).flatMap((r) => r.categories);
    expect(audited('denied')).toContain('case_notes');
    expect(audited('read')).toContain('case_notes');

    // The holder without a basis or consent for the category for the purpose stated sees nothing either.
    const otherPurpose = await gqlAudited(app, 'rheine-social', BIO, { id: p.id }, 'integration_course_referral');
    expect(caseLines(otherPurpose.body)).toEqual([]);
  });
});
