import {
  inPhase,
  openCase,
  recordConsent,
  registerPerson,
  withAppointment,
  withAssessment,
  withGoal,
} from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { countQueries } from '../helpers/query-counter';
import { asHub } from '../helpers/system';

const DAY = 24 * 3600 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** caseWorklist (Arbeitsliste): the holder's open cases that need attention, most urgent first, with reasons. */
describe('caseWorklist', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  const WORKLIST = `query($first: Int, $after: String) { caseWorklist(first: $first, after: $after) {
    totalCount edges { cursor node { reasons urgency case { id phase } } } pageInfo { hasNextPage endCursor } } }`;
  const worklist = async (partner = 'rheine-social', vars: Record<string, unknown> = {}) => {
    const res = await app.gql(partner, WORKLIST, vars, { purpose: 'case_management' });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.caseWorklist;
  };
  const reasonsOf = (list: { edges: Array<{ node: { reasons: string[]; case: { id: string } } }> }) =>
    Object.fromEntries(list.edges.map((e) => [e.node.case.id, e.node.reasons]));

  async function newCase() {
    const p = await registerPerson(app, 'rheine-social');
    const c = await openCase(app, 'rheine-social', { personId: p.id });
    await inPhase(app, c, 'goal_agreement');
    return c;
  }

  /** An item whose referral to Caritas (with the person's consent) was sent and is past its day. */
  async function overdueItem(c: { id: string; personId: string }, goalId: string | null) {
    await recordConsent(app, 'rheine-social', {
      personId: c.personId,
      recipients: ['caritas-rheine'],
      categories: ['identity', 'contact'],
    });
    const res = await app.gql(
      'rheine-social',
      `mutation($i: AddHelpPlanItemInput!) { addHelpPlanItem(input: $i) { id referralId } }`,
      { i: { caseId: c.id, service: 'school_support', provider: 'caritas-rheine', goalId } },
      { purpose: 'case_management' },
    );
    expect(res.body.errors).toBeUndefined();
    const item = res.body.data.addHelpPlanItem;
    await asHub(app, () =>
      app.container.subgraphs.city.dataSource.query(`UPDATE city.case_help_plan_item SET due_on = $2 WHERE id = $1`, [
        item.id,
        dayOf(daysAgo(3)),
      ]),
    );
    return item as { id: string; referralId: string };
  }

  it('lists cases with reasons, most urgent first, and leaves out cases with none', async () => {
    const quiet = await newCase();
    await withGoal(app, quiet, { domain: 'housing', targetOn: dayOf(daysAgo(-30)) });
    await withAppointment(app, quiet, { scheduledAt: daysAgo(9), status: 'missed' });
    await withAppointment(app, quiet, { scheduledAt: daysAgo(2), status: 'kept' });

    const late = await newCase();
    await withGoal(app, late, { domain: 'housing', targetOn: dayOf(daysAgo(1)) });
    // A reached goal past its day is no reason.
    await withGoal(app, quiet, { domain: 'work', status: 'reached', targetOn: dayOf(daysAgo(5)) });

    const absent = await newCase();
    await withAppointment(app, absent, { scheduledAt: daysAgo(9), status: 'missed' });
    await withAppointment(app, absent, { scheduledAt: daysAgo(5), status: 'cancelled' });
    await withAppointment(app, absent, { scheduledAt: daysAgo(2), status: 'missed' });

    const waiting = await newCase();
    const goalId = await withGoal(app, waiting, { domain: 'education' });
    await overdueItem(waiting, goalId);

    const closedCase = await newCase();
    await withGoal(app, closedCase, { domain: 'housing', targetOn: dayOf(daysAgo(1)) });
    await asHub(app, () =>
      app.container.subgraphs.city.dataSource.query(
        `UPDATE city.client_case SET phase = 'closed', closed_at = now(), closure_kind = 'planned' WHERE id = $1`,
        [closedCase.id],
      ),
    );

    const list = await worklist();
    expect(list.edges.map((e: { node: { case: { id: string } } }) => e.node.case.id)).toEqual([
      waiting.id,
      absent.id,
      late.id,
    ]);
    expect(reasonsOf(list)).toEqual({
      [waiting.id]: ['overdue_referral'],
      [absent.id]: ['missed_appointments'],
      [late.id]: ['goal_past_target'],
    });
    expect(list.totalCount).toBe(3);

    // Pages follow the order.
    const first = await worklist('rheine-social', { first: 2 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await worklist('rheine-social', { first: 2, after: first.pageInfo.endCursor });
    expect(second.edges.map((e: { node: { case: { id: string } } }) => e.node.case.id)).toEqual([late.id]);
    expect(second.pageInfo.hasNextPage).toBe(false);

    // Another partner's worklist shows none of the team's cases.
    expect((await worklist('caritas-rheine')).edges).toEqual([]);
  });

  it('reads the referrals of every listed case in one batch: the queries do not grow with the cases', async () => {
    const WITH_PLAN = `{ caseWorklist(first: 10) { totalCount edges { node { reasons case { id
      helpPlan { referralStatus overdue deadlines { state } } } } } } }`;
    const read = async () => {
      const res = await app.gql('rheine-social', WITH_PLAN, {}, { purpose: 'case_management' });
      expect(res.body.errors).toBeUndefined();
      return res.body.data.caseWorklist;
    };
    const counter = countQueries(app);
    counter.reset();
    await read();
    const few = counter.count;
    for (let i = 0; i < 3; i++) {
      const c = await newCase();
      await overdueItem(c, null);
    }
    counter.reset();
    const list = await read();
    expect(list.totalCount).toBeGreaterThanOrEqual(6);
    expect(counter.count).toBe(few);
  });

  it('refuses a forged cursor naming after', async () => {
    const res = await app.gql('rheine-social', WORKLIST, { after: 'nonsense' }, { purpose: 'case_management' });
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('marks the Mr A. pattern as dropout_risk only with training, both goals and an overdue referral', async () => {
    const c = await newCase();
    const education = await withGoal(app, c, { domain: 'education' });
    await withGoal(app, c, { domain: 'language' });
    await overdueItem(c, education);
    expect(reasonsOf(await worklist())[c.id]).toEqual(['overdue_referral']);
    await withAssessment(app, c, { domain: 'education', situation: 'apprenticeship' });
    expect(reasonsOf(await worklist())[c.id]).toEqual(['dropout_risk', 'overdue_referral']);
  });
});
