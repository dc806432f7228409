import { feedbackInput, recordConsentViaApi, registerPerson, submitFeedbackViaApi } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { eventHandled } from '../helpers/wait';

const CM = { purpose: 'case_management' };
const SUBMIT = `mutation SubmitFeedback($i: SubmitFeedbackInput!) { submitFeedback(input: $i) { id offer helpful understood wouldRecommend comment month } }`;
const PERSON = `query PersonView($id: ID!) { person(id: $id) {
  id givenName feedback { id offer helpful comment month }
  biography(first: 50) { summary }
  accessReport(first: 100) { edges { node { partner kind operation categories } } }
} }`;

/**
 * Client feedback (docs/feedback.md): anonymous by default, so that no query, audit entry, event
 * or biography line joins it to a person; linked only on the person's consent, and then shown on
 * Person.feedback under the policy.
 */
describe('client feedback', () => {
  let app: TestApp;
  let city: (sql: string, params?: unknown[]) => Promise<any[]>;
  let hub: (sql: string, params?: unknown[]) => Promise<any[]>;
  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    // As the hub: outside a context row security shows no rows, and a count of 0 would prove nothing.
    city = (sql, params = []) => asHub(app, () => app.container.subgraphs.city.dataSource.query(sql, params));
    hub = (sql, params = []) => asHub(app, () => app.container.subgraphs.hub.dataSource.query(sql, params));
  });
  afterAll(() => app?.stop());

  const submit = (input: Record<string, unknown>, partner = 'rheine-social', purpose = CM) =>
    app.gql(partner, SUBMIT, { i: feedbackInput(input) }, purpose);
  const rows = async () => (await city('SELECT count(*)::int AS n FROM city.client_feedback'))[0].n;

  it('stores anonymous feedback that no query, audit entry, event or biography joins to a person', async () => {
    // The person the team just counselled: whatever it reads about them must not lead to the feedback.
    const person = await registerPerson(app, 'rheine-social');
    // Its registration's event handled first: what the workers write about it is written before we count.
    const [registered] = await city(`SELECT id FROM city.outbox WHERE person_id = $1`, [person.id]);
    await eventHandled(app, 'city', registered.id);
    const auditBefore = (await hub('SELECT count(*)::int AS n FROM audit.entry'))[0].n;
    const outboxBefore = (await city('SELECT count(*)::int AS n FROM city.outbox'))[0].n;
    const res = await submit({ offer: 'ARRIVAL_COUNSELLING', comment: 'Sehr hilfreich, danke!' });
    expect(res.body.errors).toBeUndefined();
    const fb = res.body.data.submitFeedback;
    const month = new Date().toISOString().slice(0, 7);
    expect(fb).toMatchObject({ offer: 'ARRIVAL_COUNSELLING', helpful: 4, understood: 5, month });
    // A random (version 4) id, not a time-ordered one.
    expect(fb.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // The row: no person, no worker, no time but the month.
    const columns = (
      await city(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'city' AND table_name = 'client_feedback'`,
      )
    ).map((c: any) => c.column_name);
    expect(columns.sort()).toEqual(
      [
        'collected_by',
        'comment',
        'course_id',
        'helpful',
        'id',
        'month',
        'offer',
        'understood',
        'would_recommend',
      ].sort(),
    );
    expect(await city('SELECT person_id FROM city.feedback_person_link WHERE feedback_id = $1', [fb.id])).toEqual([]);

    // No event, no audit entry: nothing was written about a person.
    expect((await city('SELECT count(*)::int AS n FROM city.outbox'))[0].n).toBe(outboxBefore);
    expect(
      await city(`SELECT id FROM city.outbox WHERE aggregate_id::text = $1 OR payload::text LIKE $2`, [
        fb.id,
        `%${fb.id}%`,
      ]),
    ).toEqual([]);
    const audit = await hub(`SELECT kind, person_ref, operation FROM audit.entry ORDER BY seq OFFSET $1`, [
      auditBefore,
    ]);
    expect(
      audit.filter((a: any) => a.operation === 'SubmitFeedback' || (a.person_ref !== null && a.kind === 'write')),
    ).toEqual([]);
    expect(await hub(`SELECT seq FROM audit.entry WHERE detail::text LIKE $1`, [`%${fb.id}%`])).toEqual([]);

    // Later events are handled: whatever the anonymous feedback would have caused has happened by now.
    const later = await registerPerson(app, 'rheine-social');
    const [ev] = await city(`SELECT id FROM city.outbox WHERE person_id = $1`, [later.id]);
    await eventHandled(app, 'city', ev.id);
    expect(
      await hub(`SELECT event_id FROM hub.biography_entry WHERE data::text LIKE $1 OR summary LIKE $1`, [`%${fb.id}%`]),
    ).toEqual([]);
    expect(await hub(`SELECT id FROM hub.notification WHERE event_id::text = $1`, [fb.id])).toEqual([]);

    // Every query path: the list and the summary name no person; the person's data no feedback.
    const list = await app.gql(
      'rheine-social',
      `query { feedback(first: 100) { totalCount edges { node { id offer comment month } } } }`,
      {},
      CM,
    );
    expect(list.body.data.feedback.edges.map((e: any) => e.node.id)).toContain(fb.id);
    const summary = await app.gql(
      'rheine-social',
      `query { feedbackSummary(offer: ARRIVAL_COUNSELLING, period: { from: "2020-01-01", to: "2099-12-31" }) { count suppressed } }`,
      {},
      CM,
    );
    for (const id of [person.id, later.id]) {
      expect(JSON.stringify(list.body)).not.toContain(id);
      expect(JSON.stringify(summary.body)).not.toContain(id);
      const view = await app.gql('rheine-social', PERSON, { id }, CM);
      expect(view.body.errors).toBeUndefined();
      expect(view.body.data.person.feedback).toEqual([]);
      const text = JSON.stringify(view.body);
      expect(text).not.toContain(fb.id);
      expect(text).not.toContain('Sehr hilfreich');
      expect(view.body.data.person.accessReport.edges.map((e: any) => e.node.operation)).not.toContain(
        'SubmitFeedback',
      );
      expect((await app.container.audit.accessReport(id)).map((e) => e.operation)).not.toContain('SubmitFeedback');
    }
  });

  it('lists only the feedback a partner collected', async () => {
    const mine = await submitFeedbackViaApi(app, { offer: 'CASE_MANAGEMENT' }, 'caritas-rheine');
    const theirs = await submitFeedbackViaApi(app, { offer: 'CASE_MANAGEMENT' });
    const list = await app.gql(
      'caritas-rheine',
      `query { feedback(filter: { offer: CASE_MANAGEMENT }) { edges { node { id } } } }`,
    );
    const ids = list.body.data.feedback.edges.map((e: any) => e.node.id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(theirs);
    // By months: this month's feedback lies in a period ending today, not in one ending last year.
    const inPeriod = async (from: string, to: string) => {
      const res = await app.gql(
        'caritas-rheine',
        `query($f: FeedbackFilterInput) { feedback(filter: $f) { edges { node { id } } } }`,
        { f: { offer: 'CASE_MANAGEMENT', from, to } },
      );
      expect(res.body.errors).toBeUndefined();
      return res.body.data.feedback.edges.map((e: any) => e.node.id);
    };
    const today = new Date().toISOString().slice(0, 10);
    expect(await inPeriod(`${today.slice(0, 7)}-28`, today)).toContain(mine);
    expect(await inPeriod('2020-01-01', '2020-12-31')).toEqual([]);
  });

  it('summarises an offer in a period, suppressing counts and means below 5 answers', async () => {
    const ask = async () =>
      (
        await app.gql(
          'caritas-rheine',
          `query { feedbackSummary(offer: EUMA, period: { from: "2020-01-01", to: "2099-12-31" }) { offer from to count suppressed helpfulMean understoodMean wouldRecommendShare } }`,
        )
      ).body.data.feedbackSummary;
    for (let i = 0; i < 4; i++) await submitFeedbackViaApi(app, { offer: 'EUMA', helpful: 2, understood: 4 });
    expect(await ask()).toEqual({
      offer: 'EUMA',
      from: '2020-01-01',
      to: '2099-12-31',
      count: null,
      suppressed: true,
      helpfulMean: null,
      understoodMean: null,
      wouldRecommendShare: null,
    });
    await submitFeedbackViaApi(
      app,
      { offer: 'EUMA', helpful: 5, understood: 4, wouldRecommend: false },
      'caritas-rheine',
    );
    expect(await ask()).toEqual({
      offer: 'EUMA',
      from: '2020-01-01',
      to: '2099-12-31',
      count: 5,
      suppressed: false,
      helpfulMean: 2.6,
      understoodMean: 4,
      wouldRecommendShare: 0.8,
    });
  });

  it('links feedback to a person only on their consent; Person.feedback shows it under the policy, audited', async () => {
    const person = await registerPerson(app, 'rheine-social');
    const before = await rows();
    const refused = await submit({ offer: 'CASE_MANAGEMENT', linkToPerson: { personId: person.id } });
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'linkToPerson' });
    expect(await rows()).toBe(before);

    await recordConsentViaApi(app, 'rheine-social', {
      personId: person.id,
      purpose: 'case_management',
      recipients: ['rheine-social'],
      categories: ['case_notes'],
    });
    const res = await submit({ offer: 'CASE_MANAGEMENT', helpful: 5, linkToPerson: { personId: person.id } });
    expect(res.body.errors).toBeUndefined();
    const id = res.body.data.submitFeedback.id;
    const [ev] = await city(`SELECT id, type, person_id FROM city.outbox WHERE aggregate_id = $1`, [id]);
    expect(ev).toMatchObject({ type: 'feedback.linked', person_id: person.id });
    await eventHandled(app, 'city', ev.id);

    const shown = await app.gql('rheine-social', PERSON, { id: person.id }, CM);
    expect(shown.body.data.person.feedback).toEqual([
      { id, offer: 'CASE_MANAGEMENT', helpful: 5, comment: null, month: new Date().toISOString().slice(0, 7) },
    ]);
    // A partner that may know the person but has no basis or consent for case notes: withheld, and the denial audited.
    const withheld = await app.gql(
      'rheine-youth',
      `query($id: ID!) { person(id: $id) { id feedback { id } } }`,
      { id: person.id },
      { purpose: 'youth_welfare' },
    );
    expect(withheld.body.data.person).toEqual({ id: person.id, feedback: null });
    expect(withheld.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', category: 'case_notes' });
    const entries = await app.container.audit.accessReport(person.id);
    expect(entries).toContainEqual(
      expect.objectContaining({
        partner: 'rheine-social',
        kind: 'read',
        categories: ['case_notes'],
        purpose: 'case_management',
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        partner: 'rheine-youth',
        kind: 'denied',
        categories: ['case_notes'],
        purpose: 'youth_welfare',
      }),
    );
  });

  it('refuses bad input naming every field at once', async () => {
    const before = await rows();
    const res = await submit({
      helpful: 0,
      understood: 6,
      comment: 'x'.repeat(501),
      courseId: '00000000-0000-4000-8000-000000000000',
      linkToPerson: { personId: 'nope' },
    });
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect([...res.body.errors[0].extensions.fields].sort()).toEqual(
      ['comment', 'courseId', 'helpful', 'linkToPerson.personId', 'understood'].sort(),
    );
    const noScope = await app.gql('rheine-abh', SUBMIT, { i: feedbackInput() });
    expect(noScope.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'feedback:write' });
    expect(await rows()).toBe(before);
  });
});
