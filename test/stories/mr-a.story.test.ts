import { isoDay } from '../../src/shared/time';
import {
  inPhase,
  openCase,
  recordConsent,
  recordResidence,
  registerPerson,
  withAppointment,
  withAssessment,
  withGoal,
} from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

const DAY = 24 * 3600 * 1000;

/**
 * Mr A. (the report's case): mid-twenties, a recognised refugee, in an apprenticeship. His case at
 * the advice & support team has open language and school-support goals; the help plan refers him
 * to the VHS for a language course and to Caritas for school support. Nobody takes him over by the
 * day agreed, and in the report he dropped out of his apprenticeship. Here he is at the top of the
 * case manager's worklist (Arbeitsliste) with dropout_risk before anything else happens, and drops
 * off it once the providers accept.
 */
describe('Story: Mr A. shows up on the worklist before he drops out', () => {
  let app: TestApp;
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(() => app?.stop());

  const asTeam = (query: string, vars: Record<string, unknown> = {}) =>
    app.gql('rheine-social', query, vars, { purpose: 'case_management' });
  const worklist = async () => {
    const res = await asTeam(`{ caseWorklist { edges { node { reasons case { id } } } } }`);
    expect(res.body.errors).toBeUndefined();
    return res.body.data.caseWorklist.edges.map((e: { node: { reasons: string[]; case: { id: string } } }) => ({
      caseId: e.node.case.id,
      reasons: e.node.reasons,
    }));
  };

  it('dropout_risk first while his referrals are overdue; off the list once they are accepted', async () => {
    const today = clock.now();
    const born = new Date(today.getTime() - 25 * 365 * DAY);
    const mrA = await registerPerson(app, 'rheine-social', { familyName: 'A.', birthDate: isoDay(born) });
    await recordResidence(app, 'rheine-abh', { personId: mrA.id });
    // He agreed that the VHS and Caritas may receive his data for their part of the help plan.
    await recordConsent(app, 'rheine-social', {
      personId: mrA.id,
      purpose: 'integration_course_referral',
      recipients: ['vhs-rheine'],
      categories: ['identity', 'contact'],
    });
    await recordConsent(app, 'rheine-social', {
      personId: mrA.id,
      recipients: ['caritas-rheine'],
      categories: ['identity', 'contact'],
    });
    const c = await openCase(app, 'rheine-social', { personId: mrA.id, workerRef: 'cm-3' });
    await withAssessment(app, c, { domain: 'education', situation: 'apprenticeship' });
    await withAssessment(app, c, { domain: 'language', situation: null });
    await inPhase(app, c, 'goal_agreement');
    const language = await withGoal(app, c, { domain: 'language', wording: 'Deutsch B2 für die Berufsschule' });
    const school = await withGoal(app, c, { domain: 'education', wording: 'Berufsschule bestehen' });

    // Another client who missed his last two appointments: on the list too, but less urgent.
    const other = await registerPerson(app, 'rheine-social');
    const otherCase = await openCase(app, 'rheine-social', { personId: other.id });
    await withAppointment(app, otherCase, { scheduledAt: new Date(today.getTime() - 9 * DAY), status: 'missed' });
    await withAppointment(app, otherCase, { scheduledAt: new Date(today.getTime() - 2 * DAY), status: 'missed' });

    const dueOn = isoDay(new Date(today.getTime() + 14 * DAY));
    const add = (input: Record<string, unknown>) =>
      asTeam(`mutation($i: AddHelpPlanItemInput!) { addHelpPlanItem(input: $i) { referralId referralStatus } }`, {
        i: { caseId: c.id, dueOn, ...input },
      });
    const course = await add({ service: 'language_course', provider: 'vhs-rheine', goalId: language });
    const support = await add({ service: 'school_support', provider: 'caritas-rheine', goalId: school });
    expect(course.body.errors).toBeUndefined();
    expect(support.body.errors).toBeUndefined();

    // In time nothing is due: only the other client is on the list.
    expect(await worklist()).toEqual([{ caseId: otherCase.id, reasons: ['missed_appointments'] }]);

    // Two weeks and a day later neither provider has taken him over.
    offsetMs = 15 * DAY;
    expect(await worklist()).toEqual([
      { caseId: c.id, reasons: ['dropout_risk', 'overdue_referral'] },
      { caseId: otherCase.id, reasons: ['missed_appointments'] },
    ]);
    const plan = await asTeam(`query($id: ID!) { case(id: $id) { helpPlan { service referralStatus overdue } } }`, {
      id: c.id,
    });
    expect(plan.body.data.case.helpPlan).toEqual([
      { service: 'language_course', referralStatus: 'requested', overdue: true },
      { service: 'school_support', referralStatus: 'requested', overdue: true },
    ]);

    // The case manager calls; both accept: he drops off the list.
    const accept = (partner: string, id: string) =>
      app.gql(partner, `mutation($id: ID!) { acceptReferral(id: $id) { status } }`, { id });
    expect((await accept('vhs-rheine', course.body.data.addHelpPlanItem.referralId)).body.errors).toBeUndefined();
    expect(await worklist()).toEqual([
      { caseId: c.id, reasons: ['dropout_risk', 'overdue_referral'] },
      { caseId: otherCase.id, reasons: ['missed_appointments'] },
    ]);
    const caritas = await accept('caritas-rheine', support.body.data.addHelpPlanItem.referralId);
    expect(caritas.body.errors).toBeUndefined();
    expect(await worklist()).toEqual([{ caseId: otherCase.id, reasons: ['missed_appointments'] }]);
  });
});
