import { randomUUID } from 'node:crypto';
import { systemActor } from '../../src/shared/actor';
import { asSuperuser } from '../helpers/superuser';
import { movableClock } from '../rules/rules-helpers';
import { recordConsent, registerPerson } from '../factories';
import { asHub } from '../helpers/system';
import { startTestApp, TestApp } from '../helpers/app';
import { auditOf, CM, gqlAudited } from './case.support';

const HOUR = 3_600_000;

/**
 * The whole case-management cycle through GraphQL as the advice & support team (rheine-social,
 * purpose case_management): open → assessment (health only under consent) → goals → appointments
 * → planned closure with goal attainment; an unplanned closure by the client; reopening; and the
 * steps out of order the issue names, each refused without writing anything.
 */
describe('case management cycle', () => {
  const clock = movableClock();
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(() => app?.stop());

  const gql = (query: string, variables: Record<string, unknown> = {}, partner = 'rheine-social') =>
    app.gql(partner, query, variables, { purpose: CM });
  const ok = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await gql(query, variables);
    expect(res.body.errors).toBeUndefined();
    return res.body.data;
  };
  const error = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await gql(query, variables);
    expect(res.body.errors).toHaveLength(1);
    return res.body.errors[0];
  };

  const OPEN = `mutation($i: OpenCaseInput!) { openCase(input: $i) { id phase } }`;
  const ASSESS = `mutation($i: RecordAssessmentInput!) { recordAssessment(input: $i) { id phase } }`;
  const AGREE = `mutation($i: AgreeGoalInput!) { agreeGoal(input: $i) { id status domain agreedOn } }`;
  const UPDATE = `mutation($i: UpdateGoalInput!) { updateGoal(input: $i) { id status wording } }`;
  const SCHEDULE = `mutation($i: ScheduleAppointmentInput!) { scheduleAppointment(input: $i) { id status scheduledAt } }`;
  const RECORD = `mutation($i: RecordAppointmentInput!) { recordAppointment(input: $i) { id status cancelledBy } }`;
  const CLOSE = `mutation($i: CloseCaseInput!) { closeCase(input: $i) { id phase closureKind closureReason
    goalAttainment { reached partlyReached notReached dropped open total } } }`;
  const CASE = `query($id: ID!) { case(id: $id) { id phase version allowedActions closureKind closedAt
    assessment { domain problems resources situation assessedOn }
    goals { id domain wording status agreedOn targetOn }
    appointments { id status cancelledBy }
    goalAttainment { reached partlyReached notReached dropped open total } } }`;

  const openCase = async () => {
    const p = await registerPerson(app, 'rheine-social');
    const data = await ok(OPEN, { i: { personId: p.id, workerRef: 'cm-17', allianceSignedOn: '2026-01-05' } });
    return { personId: p.id, caseId: data.openCase.id as string };
  };
  const today = () => clock.now().toISOString().slice(0, 10);
  const inDays = (n: number) => new Date(clock.now().getTime() + n * 24 * HOUR).toISOString().slice(0, 10);

  it('runs open → assessment → goals → appointments → planned closure with goal attainment', async () => {
    const { personId, caseId } = await openCase();

    // A goal before the assessment: the case is still in the working alliance.
    const early = await error(AGREE, {
      i: { caseId, domain: 'language', wording: 'B1 erreichen', agreedOn: '2026-01-10' },
    });
    expect(early.extensions).toMatchObject({ code: 'CONFLICT', phase: 'working_alliance' });
    expect(early.message).toContain('working_alliance');
    expect(early.extensions.allowedActions).toEqual([
      'recordAssessment',
      'scheduleAppointment',
      'recordAppointment',
      'closeCase',
    ]);

    const a1 = await ok(ASSESS, {
      i: {
        caseId,
        domain: 'education',
        problems: ['Berufsschule: Fachsprache'],
        resources: ['Ausbildungsbetrieb unterstützt'],
        situation: 'school',
        assessedOn: '2026-01-10',
      },
    });
    expect(a1.recordAssessment.phase).toBe('assessment');
    // A re-assessment replaces the domain's assessment.
    await ok(ASSESS, {
      i: {
        caseId,
        domain: 'education',
        problems: ['Berufsschule: Fachsprache', 'Prüfungsangst'],
        resources: ['Ausbildungsbetrieb unterstützt'],
        situation: 'apprenticeship',
        assessedOn: '2026-01-12',
      },
    });
    await ok(ASSESS, {
      i: { caseId, domain: 'language', problems: ['A2'], resources: ['Abendkurs'], assessedOn: '2026-01-12' },
    });
    // A situation code the domain does not know, and too many problems: both fields named.
    const bad = await error(ASSESS, {
      i: {
        caseId,
        domain: 'language',
        problems: Array.from({ length: 21 }, (_, i) => `p${i}`),
        resources: [],
        situation: 'apprenticeship',
        assessedOn: '2026-01-12',
      },
    });
    expect(bad.extensions.code).toBe('BAD_USER_INPUT');
    expect([...bad.extensions.fields].sort()).toEqual(['problems', 'situation']);

    const g1 = (
      await ok(AGREE, {
        i: { caseId, domain: 'language', wording: 'B1 erreichen', agreedOn: '2026-01-15', targetOn: '2026-09-30' },
      })
    ).agreeGoal;
    const g2 = (
      await ok(AGREE, { i: { caseId, domain: 'education', wording: 'Ausbildung abschließen', agreedOn: '2026-01-15' } })
    ).agreeGoal;
    const g3 = (
      await ok(AGREE, { i: { caseId, domain: 'housing', wording: 'Eigene Wohnung', agreedOn: '2026-01-15' } })
    ).agreeGoal;
    expect(g1).toMatchObject({ status: 'open', domain: 'language', agreedOn: '2026-01-15' });
    await ok(UPDATE, { i: { goalId: g2.id, wording: 'Ausbildung zum Elektroniker abschließen' } });
    const backToProposal = await error(UPDATE, { i: { goalId: g1.id, status: 'proposed' } });
    expect(backToProposal.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status' });

    // Monitoring needs a help plan.
    const tooEarly = await error(`mutation($id: ID!) { startMonitoring(caseId: $id) { phase } }`, { id: caseId });
    expect(tooEarly.extensions).toMatchObject({ code: 'CONFLICT', phase: 'goal_agreement' });
    // The help plan: a language course at the VHS for the language goal sends its referral (the
    // person consented to the VHS receiving identity and contact for a course); the VHS accepts it
    // and the case manager sees the acceptance on the item.
    await recordConsent(app, 'rheine-social', {
      personId,
      purpose: 'integration_course_referral',
      recipients: ['vhs-rheine'],
      categories: ['identity', 'contact'],
    });
    const item = (
      await ok(
        `mutation($i: AddHelpPlanItemInput!) { addHelpPlanItem(input: $i) { id referralId referralStatus overdue } }`,
        { i: { caseId, service: 'language_course', provider: 'vhs-rheine', goalId: g1.id, dueOn: inDays(30) } },
      )
    ).addHelpPlanItem;
    expect(item).toMatchObject({ referralStatus: 'requested', overdue: false });
    const accepted = await app.gql('vhs-rheine', `mutation($id: ID!) { acceptReferral(id: $id) { status } }`, {
      id: item.referralId,
    });
    expect(accepted.body.data.acceptReferral.status).toBe('accepted');
    const plan = (
      await ok(`query($id: ID!) { case(id: $id) { phase helpPlan { id referralId referralStatus overdue } } }`, {
        id: caseId,
      })
    ).case;
    expect(plan).toEqual({
      phase: 'help_plan',
      helpPlan: [{ id: item.id, referralId: item.referralId, referralStatus: 'accepted', overdue: false }],
    });
    const mon = await ok(`mutation($id: ID!) { startMonitoring(caseId: $id) { phase allowedActions } }`, {
      id: caseId,
    });
    expect(mon.startMonitoring.phase).toBe('monitoring');
    expect(mon.startMonitoring.allowedActions).not.toContain('startMonitoring');

    // Appointments: kept, missed (after their time), cancelled by the client (any time).
    const at = (h: number) => new Date(clock.now().getTime() + h * HOUR).toISOString();
    const ap1 = (await ok(SCHEDULE, { i: { caseId, scheduledAt: at(2) } })).scheduleAppointment;
    const ap2 = (await ok(SCHEDULE, { i: { caseId, scheduledAt: at(3) } })).scheduleAppointment;
    const ap3 = (await ok(SCHEDULE, { i: { caseId, scheduledAt: at(48) } })).scheduleAppointment;
    const kept = await error(RECORD, { i: { appointmentId: ap1.id, status: 'kept' } });
    expect(kept.extensions).toMatchObject({ code: 'CONFLICT', status: 'scheduled', scheduledAt: ap1.scheduledAt });
    expect(kept.message).toContain(ap1.scheduledAt);
    expect(kept.message).toContain('scheduled');
    const noWho = await error(RECORD, { i: { appointmentId: ap3.id, status: 'cancelled' } });
    expect(noWho.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cancelledBy' });
    await ok(RECORD, { i: { appointmentId: ap3.id, status: 'cancelled', cancelledBy: 'client' } });
    clock.offset += 4 * HOUR;
    await ok(RECORD, { i: { appointmentId: ap1.id, status: 'kept' } });
    await ok(RECORD, { i: { appointmentId: ap2.id, status: 'missed' } });
    const twice = await error(RECORD, { i: { appointmentId: ap2.id, status: 'kept' } });
    expect(twice.extensions).toMatchObject({ code: 'CONFLICT', status: 'missed' });

    // A closure without a kind, and one leaving a goal open: refused, nothing written.
    const before = (await ok(CASE, { id: caseId })).case;
    const noKind = await error(CLOSE, { i: { caseId } });
    expect(noKind.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'kind' });
    const unsettled = await error(CLOSE, {
      i: { caseId, kind: 'planned', goals: [{ goalId: g1.id, status: 'reached' }] },
    });
    expect(unsettled.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'goals' });
    expect([...unsettled.extensions.goalIds].sort()).toEqual([g2.id, g3.id].sort());
    expect((await ok(CASE, { id: caseId })).case).toEqual(before);

    const closed = (
      await ok(CLOSE, {
        i: {
          caseId,
          kind: 'planned',
          reason: 'goals_reached',
          goals: [
            { goalId: g1.id, status: 'reached' },
            { goalId: g2.id, status: 'partly_reached' },
            { goalId: g3.id, status: 'dropped' },
          ],
        },
      })
    ).closeCase;
    expect(closed).toMatchObject({
      phase: 'closed',
      closureKind: 'planned',
      closureReason: 'goals_reached',
      goalAttainment: { reached: 1, partlyReached: 1, notReached: 0, dropped: 1, open: 0, total: 3 },
    });
    const after = (await ok(CASE, { id: caseId })).case;
    expect(after.assessment).toEqual([
      {
        domain: 'education',
        problems: ['Berufsschule: Fachsprache', 'Prüfungsangst'],
        resources: ['Ausbildungsbetrieb unterstützt'],
        situation: 'apprenticeship',
        assessedOn: '2026-01-12',
      },
      { domain: 'language', problems: ['A2'], resources: ['Abendkurs'], situation: null, assessedOn: '2026-01-12' },
    ]);
    expect(after.appointments.map((a: { status: string }) => a.status)).toEqual(['kept', 'missed', 'cancelled']);
    expect(after.allowedActions).toEqual(['reopenCase']);
    const [event] = await asHub(app, () =>
      app.container.subgraphs.city.dataSource.query(
        `SELECT payload FROM city.outbox WHERE type = 'case.closed' AND aggregate_id = $1`,
        [caseId],
      ),
    );
    expect(event.payload).toMatchObject({ closureKind: 'planned', goalsReached: 1, goalsTotal: 3, personId });

    // The documented way back: reopened into monitoring, the closure cleared.
    const reopened = await ok(
      `mutation($i: ReopenCaseInput!) { reopenCase(input: $i) { phase closureKind closedAt closureReason } }`,
      { i: { caseId, reason: 'new_need' } },
    );
    expect(reopened.reopenCase).toEqual({
      phase: 'monitoring',
      closureKind: null,
      closedAt: null,
      closureReason: null,
    });
    // Monitoring again: new goals may be agreed.
    await ok(AGREE, { i: { caseId, domain: 'work', wording: 'Arbeit finden', agreedOn: today() } });
  });

  it('closes unplanned by the client with a reason, settling open goals; kind and reason checked', async () => {
    const { caseId } = await openCase();
    await ok(ASSESS, {
      i: {
        caseId,
        domain: 'work',
        problems: ['keine Stelle'],
        resources: [],
        situation: 'unemployed',
        assessedOn: today(),
      },
    });
    const g = (await ok(AGREE, { i: { caseId, domain: 'work', wording: 'Arbeit finden', agreedOn: today() } }))
      .agreeGoal;
    const noReason = await error(CLOSE, { i: { caseId, kind: 'unplanned_by_client' } });
    expect(noReason.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const closed = (
      await ok(CLOSE, {
        i: {
          caseId,
          kind: 'unplanned_by_client',
          reason: 'moved_away',
          goals: [{ goalId: g.id, status: 'not_reached' }],
        },
      })
    ).closeCase;
    expect(closed).toMatchObject({
      phase: 'closed',
      closureKind: 'unplanned_by_client',
      closureReason: 'moved_away',
      goalAttainment: { reached: 0, notReached: 1, total: 1, open: 0 },
    });
    const twice = await error(CLOSE, { i: { caseId, kind: 'planned' } });
    expect(twice.extensions).toMatchObject({ code: 'CONFLICT', phase: 'closed', allowedActions: ['reopenCase'] });
  });

  it('turns a proposal (eUMA) into an open goal; a proposal never agreed is dropped at closure and not counted', async () => {
    const { caseId } = await openCase();
    // Proposals as the eUMA track pre-fills them (help plan / eUMA are another feature's).
    const [p1, p2] = [randomUUID(), randomUUID()];
    await asSuperuser(app.db.url, (c) =>
      c.query(
        `INSERT INTO city.case_goal (id, case_id, person_id, domain, wording, status, created_at, updated_at)
         SELECT g.id, c.id, c.person_id, g.domain, g.wording, 'proposed', now(), now()
           FROM city.client_case c, (VALUES ($2::uuid, 'housing', 'Selbstständig wohnen'),
                                            ($3::uuid, 'education', 'Schulabschluss')) AS g(id, domain, wording)
          WHERE c.id = $1`,
        [caseId, p1, p2],
      ),
    );
    await ok(ASSESS, { i: { caseId, domain: 'housing', problems: [], resources: ['WG-Platz'], assessedOn: today() } });
    const agreed = (
      await ok(AGREE, {
        i: { caseId, domain: 'housing', wording: 'Eigene Wohnung in Rheine', agreedOn: today(), proposalId: p1 },
      })
    ).agreeGoal;
    expect(agreed).toMatchObject({ id: p1, status: 'open', domain: 'housing', agreedOn: today() });
    const twice = await error(AGREE, {
      i: { caseId, domain: 'housing', wording: 'nochmal', agreedOn: today(), proposalId: p1 },
    });
    expect(twice.extensions).toMatchObject({ code: 'CONFLICT', status: 'open' });
    const openedByUpdate = await error(UPDATE, { i: { goalId: p2, status: 'reached' } });
    expect(openedByUpdate.extensions).toMatchObject({
      code: 'CONFLICT',
      status: 'proposed',
      allowedActions: ['agreeGoal'],
    });
    const reachedProposal = await error(CLOSE, {
      i: {
        caseId,
        kind: 'planned',
        goals: [
          { goalId: p1, status: 'reached' },
          { goalId: p2, status: 'reached' },
        ],
      },
    });
    expect(reachedProposal.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'goals', goalIds: [p2] });
    const closed = (
      await ok(CLOSE, {
        i: {
          caseId,
          kind: 'planned',
          goals: [
            { goalId: p1, status: 'reached' },
            { goalId: p2, status: 'dropped' },
          ],
        },
      })
    ).closeCase;
    expect(closed.goalAttainment).toEqual({
      reached: 1,
      partlyReached: 0,
      notReached: 0,
      dropped: 0,
      open: 0,
      total: 1,
    });
  });

  it('shows the health assessment only under a basis or consent for health; the denial is audited', async () => {
    const { personId, caseId } = await openCase();
    const health = {
      caseId,
      domain: 'health',
      problems: ['Schlafstörungen'],
      resources: ['Hausarzt'],
      assessedOn: today(),
    };
    // No basis for health at rheine-social: not even recorded without the person's consent.
    const refused = await error(ASSESS, { i: health });
    expect(refused.extensions).toMatchObject({ code: 'FORBIDDEN', category: 'health' });
    const consent = await recordConsent(app, 'rheine-social', {
      personId,
      purpose: CM,
      recipients: ['rheine-social'],
      categories: ['health'],
    });
    await ok(ASSESS, { i: health });
    const Q = `query($id: ID!) { case(id: $id) { phase healthAssessment { domain problems } assessment { domain } } }`;
    const seen = await gqlAudited(app, 'rheine-social', Q, { id: caseId });
    expect(seen.body.errors).toBeUndefined();
    expect(seen.body.data.case.healthAssessment).toEqual({ domain: 'health', problems: ['Schlafstörungen'] });
    expect(seen.body.data.case.assessment).toEqual([]); // health is never among the others
    const reads = await auditOf(app, seen.requestId);
    expect(reads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'read', categories: ['health'], basis: `consent:${consent.id}` }),
      ]),
    );

    await asHub(app, () =>
      app.container.subgraphs.hub.services.consents.withdraw(
        { ...systemActor(), partner: 'rheine-social' },
        { consentId: consent.id },
      ),
    );
    const denied = await gqlAudited(app, 'rheine-social', Q, { id: caseId });
    expect(denied.body.data.case.phase).toBe('assessment');
    expect(denied.body.data.case.healthAssessment).toBeNull();
    expect(denied.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', category: 'health' });
    expect(JSON.stringify(denied.body)).not.toContain('Schlafstörungen');
    const rows = await auditOf(app, denied.requestId);
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'denied', categories: ['health'] })]));
  });

  it('lists only the caller’s cases, newest first, filtered and paged', async () => {
    const mine = [await openCase(), await openCase(), await openCase()];
    const other = await registerPerson(app, 'rheine-social');
    await app.gql(
      'rheine-youth',
      `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`,
      { i: { personId: other.id, workerRef: 'jh-1', allianceSignedOn: '2026-01-05' } },
      { purpose: CM },
    );
    const LIST = `query($f: CasesFilter, $first: Int, $after: String) { cases(filter: $f, first: $first, after: $after) {
      totalCount edges { cursor node { id partner } } pageInfo { hasNextPage endCursor } } }`;
    const page1 = (await ok(LIST, { f: { open: true, workerRef: 'cm-17' }, first: 2 })).cases;
    expect(page1.edges.every((e: any) => e.node.partner === 'rheine-social')).toBe(true);
    expect(page1.edges.map((e: any) => e.node.id)).toEqual([mine[2].caseId, mine[1].caseId]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await ok(LIST, { f: { open: true, workerRef: 'cm-17' }, first: 2, after: page1.pageInfo.endCursor }))
      .cases;
    expect(page2.edges[0].node.id).toBe(mine[0].caseId);
    const byPerson = (await ok(LIST, { f: { personId: mine[1].personId } })).cases;
    expect(byPerson.edges.map((e: any) => e.node.id)).toEqual([mine[1].caseId]);
    const foreign = (await ok(LIST, { f: { personId: other.id } })).cases;
    expect(foreign).toMatchObject({ totalCount: 0, edges: [] });
    const badCursor = await error(LIST, { after: 'nonsense' });
    expect(badCursor.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});
