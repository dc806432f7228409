import { inPhase, openCase, recordConsent, registerPerson, withGoal } from '../factories';
import { asHub } from '../helpers/system';
import { startTestApp, TestApp } from '../helpers/app';

/**
 * The help plan (Hilfeplan): an item sends its referral through the hub and shows the provider's
 * answer live; a provider that may not receive the person's data is refused before anything is written.
 */
describe('addHelpPlanItem and Case.helpPlan', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  const asTeam = (query: string, vars: Record<string, unknown>) =>
    app.gql('rheine-social', query, vars, { purpose: 'case_management' });
  const add = (input: Record<string, unknown>) =>
    asTeam(
      `mutation($i: AddHelpPlanItemInput!) { addHelpPlanItem(input: $i) {
         id service provider goalId dueOn referralId referralStatus overdue deadlines { kind state } } }`,
      { i: input },
    );
  const helpPlan = async (caseId: string) =>
    (
      await asTeam(`query($id: ID!) { case(id: $id) { phase helpPlan { id referralId referralStatus overdue } } }`, {
        id: caseId,
      })
    ).body.data.case;
  const referralsOf = (personId: string) =>
    asHub(app, () =>
      app.container.subgraphs.hub.dataSource.query(
        `SELECT id, status, receiver, purpose FROM hub.referral WHERE person_id = $1`,
        [personId],
      ),
    );
  const itemsOf = (caseId: string) =>
    asHub(app, () =>
      app.container.subgraphs.city.dataSource.query(`SELECT id FROM city.case_help_plan_item WHERE case_id = $1`, [
        caseId,
      ]),
    );

  /** A case in goal agreement with an open language goal; the person consented to the VHS for courses. */
  async function languageCase() {
    const p = await registerPerson(app, 'rheine-social');
    await recordConsent(app, 'rheine-social', {
      personId: p.id,
      purpose: 'integration_course_referral',
      recipients: ['vhs-rheine'],
      categories: ['identity', 'contact'],
    });
    const c = await openCase(app, 'rheine-social', { personId: p.id });
    await inPhase(app, c, 'goal_agreement');
    const goalId = await withGoal(app, c, { domain: 'language' });
    return { p, c, goalId };
  }

  it('sends the referral to the provider and shows its acceptance', async () => {
    const { p, c, goalId } = await languageCase();
    const res = await add({
      caseId: c.id,
      service: 'language_course',
      provider: 'vhs-rheine',
      goalId,
      dueOn: '2030-03-01',
    });
    expect(res.body.errors).toBeUndefined();
    const item = res.body.data.addHelpPlanItem;
    expect(item).toMatchObject({
      service: 'language_course',
      provider: 'vhs-rheine',
      goalId,
      dueOn: '2030-03-01',
      referralStatus: 'requested',
      overdue: false,
    });
    const [referral] = await referralsOf(p.id);
    // A course provider is asked for an integration course by default.
    expect(referral).toMatchObject({
      id: item.referralId,
      status: 'requested',
      receiver: 'vhs-rheine',
      purpose: 'integration_course_referral',
    });
    expect((await helpPlan(c.id)).phase).toBe('help_plan');

    const accepted = await app.gql('vhs-rheine', `mutation($id: ID!) { acceptReferral(id: $id) { status } }`, {
      id: item.referralId,
    });
    expect(accepted.body.errors).toBeUndefined();
    expect((await helpPlan(c.id)).helpPlan).toEqual([
      { id: item.id, referralId: item.referralId, referralStatus: 'accepted', overdue: false },
    ]);
  });

  it('refuses a provider without a basis for the person’s data with CONFLICT, writing nothing', async () => {
    const p = await registerPerson(app, 'rheine-social');
    const c = await openCase(app, 'rheine-social', { personId: p.id });
    await inPhase(app, c, 'goal_agreement');
    // Caritas has no legal basis: only the person's consent would let it receive the data.
    const res = await add({ caseId: c.id, service: 'school_support', provider: 'caritas-rheine' });
    expect(res.body.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      phase: 'goal_agreement',
      provider: 'caritas-rheine',
      purpose: 'case_management',
    });
    expect(res.body.errors[0].extensions.allowedActions).toContain('agreeGoal');
    expect(res.body.errors[0].message).toContain('goal_agreement');
    expect(await referralsOf(p.id)).toEqual([]);
    expect(await itemsOf(c.id)).toEqual([]);
    expect((await helpPlan(c.id)).phase).toBe('goal_agreement');
  });

  it('refuses an item before the goal agreement with CONFLICT naming the phase, writing nothing', async () => {
    const { p } = await languageCase();
    const other = await registerPerson(app, 'rheine-social');
    const c = await openCase(app, 'rheine-social', { personId: other.id });
    const res = await add({ caseId: c.id, service: 'language_course', provider: 'vhs-rheine' });
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', phase: 'working_alliance' });
    expect(res.body.errors[0].extensions.allowedActions).toEqual([
      'recordAssessment',
      'scheduleAppointment',
      'recordAppointment',
      'closeCase',
    ]);
    expect(await referralsOf(other.id)).toEqual([]);
    expect(await referralsOf(p.id)).toEqual([]);
  });

  it('cancels the referral again when the item cannot be written', async () => {
    const { p, c } = await languageCase();
    const step = jest
      .spyOn(app.container.subgraphs.city.services.cases, 'step')
      .mockRejectedValueOnce(new Error('the item insert failed'));
    try {
      const res = await add({ caseId: c.id, service: 'language_course', provider: 'vhs-rheine' });
      expect(res.body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      step.mockRestore();
    }
    const referrals = await referralsOf(p.id);
    expect(referrals).toHaveLength(1);
    expect(referrals[0].status).toBe('cancelled');
    expect(await itemsOf(c.id)).toEqual([]);
  });

  it('keeps a draft with send false; an item past its day and not taken over is overdue', async () => {
    const { c } = await languageCase();
    const res = await add({ caseId: c.id, service: 'language_course', provider: 'vhs-rheine', send: false });
    expect(res.body.data.addHelpPlanItem).toMatchObject({ referralStatus: 'draft', overdue: false });
    await asHub(app, () =>
      app.container.subgraphs.city.dataSource.query(
        `UPDATE city.case_help_plan_item SET due_on = CURRENT_DATE - 1 WHERE id = $1`,
        [res.body.data.addHelpPlanItem.id],
      ),
    );
    expect((await helpPlan(c.id)).helpPlan[0]).toMatchObject({ referralStatus: 'draft', overdue: true });
  });

  it('shows the help plan to its holder only', async () => {
    const { c } = await languageCase();
    await add({ caseId: c.id, service: 'language_course', provider: 'vhs-rheine' });
    const other = await app.gql(
      'caritas-rheine',
      `query($id: ID!) { case(id: $id) { id helpPlan { id } } }`,
      { id: c.id },
      { purpose: 'case_management' },
    );
    expect(other.body.data.case).toBeNull();
  });
});
