import { countQueries } from '../helpers/query-counter';
import { actorFor, openCase, registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';

/** House rule: no N+1. A page of cases with their assessment, goals, attainment and appointments costs the same for 2 and 8. */
describe('case list query count', () => {
  let app: TestApp;
  let queries: ReturnType<typeof countQueries>;

  beforeAll(async () => {
    app = await startTestApp();
    const s = app.container.subgraphs.city.services;
    const actor = actorFor('rheine-social');
    for (let i = 0; i < 8; i++) {
      const person = await registerPerson(app, 'rheine-social');
      const c = await openCase(app, 'rheine-social', { personId: person.id });
      await asHub(app, async () => {
        await s.caseAssessments.record(actor, {
          caseId: c.id,
          domain: 'language',
          problems: ['A2'],
          resources: [],
          assessedOn: '2026-02-01',
        });
        await s.caseGoals.agree(actor, { caseId: c.id, domain: 'language', wording: 'B1', agreedOn: '2026-02-02' });
        await s.caseAppointments.schedule(actor, { caseId: c.id, scheduledAt: new Date(Date.now() + 86_400_000) });
      });
    }
    queries = countQueries(app);
  });
  afterAll(() => app?.stop());

  async function countFor(first: number): Promise<number> {
    queries.reset();
    const res = await app.gql(
      'rheine-social',
      `query($first: Int) { cases(first: $first) { edges { node { id phase
        assessment { domain } goals { status } goalAttainment { open total } appointments { status } } } } }`,
      { first },
      { purpose: 'case_management' },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cases.edges).toHaveLength(first);
    for (const e of res.body.data.cases.edges)
      expect(e.node).toMatchObject({
        phase: 'goal_agreement',
        assessment: [{ domain: 'language' }],
        goals: [{ status: 'open' }],
        goalAttainment: { open: 1, total: 1 },
        appointments: [{ status: 'scheduled' }],
      });
    return queries.count;
  }

  it('counts the same for 2 and 8 cases', async () => {
    await countFor(1);
    const small = await countFor(2);
    expect(await countFor(8)).toBe(small);
  });
});
