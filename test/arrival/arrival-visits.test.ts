import { eventually, startTestApp, TestApp } from '../helpers/app';
import { eventHandled } from '../helpers/wait';
import { biography, hubQuery, movableClock, replay, today } from '../rules/rules-helpers';
import {
  arrivalMutation,
  asHub,
  createReferral,
  householdOf,
  planArrivalVisitViaApi,
  recordArrivalVisitViaApi,
  registerPersonViaApi,
} from '../factories';

/**
 * Arrival counselling (docs/arrival-counselling.md) end to end through GraphQL: the proposal on
 * registration, the visit planned and recorded, the family's follow-up recorded by the team or
 * derived from a referral within 2 months, and what other partners see of it.
 */
describe('an arrival visit and its follow-up', () => {
  const clock = movableClock();
  let app: TestApp;
  let parent: string;
  let child: string;
  let householdId: string;
  let proposalId: string;
  let visitId: string;

  beforeAll(async () => {
    app = await startTestApp({ workers: true, clock });
  });
  afterAll(() => app?.stop());

  const social = (query: string, variables: Record<string, unknown> = {}, purpose = 'arrival_counselling') =>
    app.gql('rheine-social', query, variables, { purpose });
  // City rows are under row security: read as the hub.
  const visitRow = async (id: string) =>
    (
      await asHub(app, () =>
        app.container.subgraphs.city.dataSource.query(
          `SELECT status, follow_up_kind, follow_up_source, follow_up_in_time FROM city.arrival_visit WHERE id = $1`,
          [id],
        ),
      )
    )[0];
  const cityEvents = async (type: string, visit: string) =>
    app.container.subgraphs.city.dataSource.query(
      `SELECT payload FROM city.outbox WHERE type = $1 AND aggregate_id = $2 ORDER BY occurred_at`,
      [type, visit],
    );
  /** A family registered by the immigration office: the rule refers it to the team. */
  async function family(
    name: string,
  ): Promise<{ parent: string; child: string; householdId: string; referralId: string }> {
    const p = await registerPersonViaApi(app, 'rheine-abh', { familyName: name, newHousehold: true });
    const h = (await householdOf(app, p))!;
    const c = await registerPersonViaApi(app, 'rheine-abh', {
      familyName: name,
      householdId: h,
      birthDate: '2019-04-02',
    });
    const referral = await eventually(async () => {
      const [r] = await hubQuery(
        app,
        `SELECT id FROM hub.referral WHERE person_id = $1 AND referral_type = 'arrival_counselling' AND status = 'requested'`,
        [p],
      );
      return r;
    });
    return { parent: p, child: c, householdId: h, referralId: referral.id };
  }
  /** A referral the team sends for a member (to the youth welfare office, which holds a basis), of a type. */
  const sendReferral = (personId: string, referralType: string) =>
    createReferral(app, 'rheine-social', {
      personId,
      receiver: 'rheine-youth',
      purpose: 'youth_welfare',
      referralType,
    });
  const sentEvent = async (referralId: string) => {
    const [row] = await hubQuery(
      app,
      `SELECT id FROM hub.outbox WHERE type = 'referral.status_changed' AND payload->>'referralId' = $1 AND payload->>'to' = 'requested'`,
      [referralId],
    );
    return row.id as string;
  };

  it('registration → proposal → planArrivalVisit → recordArrivalVisit → recordFollowUp', async () => {
    ({ parent, child, householdId, referralId: proposalId } = await family('Haidari'));
    const day = today(clock);
    const planned = await planArrivalVisitViaApi(app, { personId: parent, plannedOn: day, referralId: proposalId });
    visitId = planned.id;
    expect(planned).toMatchObject({
      personId: parent,
      householdId,
      partner: 'rheine-social',
      referralId: proposalId,
      status: 'planned',
      plannedOn: day,
      rescheduleCount: 0,
      tookPlaceAsPlanned: null,
    });
    // One open visit per family: planning again for the child's family moves nothing on the same day.
    expect((await planArrivalVisitViaApi(app, { personId: parent, plannedOn: day })).id).toBe(visitId);

    const made = await sendReferral(child, 'youth_counselling');
    const held = await recordArrivalVisitViaApi(app, {
      visitId,
      tookPlace: true,
      heldOn: day,
      welcomeFolder: true,
      topics: ['school_entry', 'language', 'language'],
      referralIds: [made.id],
    });
    expect(held).toMatchObject({
      status: 'took_place',
      heldOn: day,
      tookPlaceAsPlanned: true,
      welcomeFolder: true,
      topics: ['language', 'school_entry'],
      referralIds: [made.id],
      followUpContact: null,
    });
    expect(held.followUpDueOn > day).toBe(true);

    const followUp = await arrivalMutation(app, 'rheine-social', 'recordFollowUp', {
      visitId,
      contact: 'DISTRICT_OFFICE',
      contactedOn: day,
    });
    expect(followUp.body.errors).toBeUndefined();
    expect(followUp.body.data.recordFollowUp).toMatchObject({
      followUpContact: 'DISTRICT_OFFICE',
      followUpOn: day,
      followUpSource: 'recorded',
      followUpInTime: true,
    });

    // Each step is an entry in the family's biography (ids and codes only), for whoever may read case notes.
    const entries = await eventually(async () => {
      const b = await biography(app, 'rheine-social', parent, 'arrival_counselling');
      return b.some((e) => e.type === 'arrival.followup_recorded') ? b : undefined;
    });
    expect(entries.filter((e) => e.type.startsWith('arrival.visit') || e.type === 'arrival.followup_recorded')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'arrival.visit_planned',
          summary: `Arrival visit planned for ${day} by rheine-social`,
        }),
        expect.objectContaining({
          type: 'arrival.visit_recorded',
          summary: `Arrival visit by rheine-social took place on ${day} as planned (language, school_entry)`,
        }),
        expect.objectContaining({
          type: 'arrival.followup_recorded',
          summary: `Arrival visit follow-up: district_office on ${day} (recorded, within 2 months)`,
        }),
      ]),
    );
  });

  it('out of order: CONFLICT naming the status and the allowed actions; nothing half-written', async () => {
    const again = await arrivalMutation(app, 'rheine-social', 'recordArrivalVisit', {
      visitId,
      tookPlace: false,
      notHeldReason: 'declined',
    });
    expect(again.body.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      status: 'took_place',
      allowedActions: [],
    });
    expect(again.body.errors[0].message).toMatch(/took_place/);

    const f = await family('Karimi');
    const planned = await planArrivalVisitViaApi(app, { personId: f.parent, plannedOn: today(clock) });
    const early = await arrivalMutation(app, 'rheine-social', 'recordFollowUp', {
      visitId: planned.id,
      contact: 'NONE',
    });
    expect(early.body.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      status: 'planned',
      allowedActions: ['planArrivalVisit', 'recordArrivalVisit'],
    });
    // A referral of someone else's family: refused, and the visit stays planned without an event.
    const stranger = await sendReferral(child, 'youth_counselling');
    const refused = await arrivalMutation(app, 'rheine-social', 'recordArrivalVisit', {
      visitId: planned.id,
      tookPlace: true,
      heldOn: today(clock),
      referralIds: [stranger.id],
    });
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'referralIds' });
    expect(await visitRow(planned.id)).toMatchObject({ status: 'planned', follow_up_kind: null });
    expect(await cityEvents('arrival.visit_recorded', planned.id)).toEqual([]);
  });

  it('bad input names every refused field at once', async () => {
    const plan = await arrivalMutation(app, 'rheine-social', 'planArrivalVisit', {
      personId: 'nobody',
      plannedOn: '2020-01-01',
      referralId: 'x',
    });
    expect(plan.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: ['personId', 'plannedOn', 'referralId'],
    });
    const record = await arrivalMutation(app, 'rheine-social', 'recordArrivalVisit', {
      visitId,
      tookPlace: false,
      heldOn: '2099-01-01',
      topics: ['language'],
    });
    expect(record.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: ['notHeldReason', 'heldOn', 'topics'],
    });
    const followUp = await arrivalMutation(app, 'rheine-social', 'recordFollowUp', {
      visitId,
      contact: 'NONE',
      contactedOn: today(clock),
    });
    expect(followUp.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contactedOn' });
    // Only the team, acting for arrival counselling, plans visits.
    const asCaseWork = await app.gql(
      'rheine-social',
      `mutation { planArrivalVisit(input: { personId: "${parent}", plannedOn: "${today(clock)}" }) { id } }`,
      {},
      { purpose: 'case_management' },
    );
    expect(asCaseWork.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('a visit not held, with its reason; a rescheduled visit is not as planned', async () => {
    const f = await family('Rahimi');
    const day = today(clock);
    const planned = await planArrivalVisitViaApi(app, { personId: f.parent, plannedOn: day, referralId: f.referralId });
    const notHeld = await recordArrivalVisitViaApi(app, {
      visitId: planned.id,
      tookPlace: false,
      notHeldReason: 'not_reached',
    });
    expect(notHeld).toMatchObject({
      status: 'did_not_take_place',
      notHeldReason: 'not_reached',
      tookPlaceAsPlanned: false,
      heldOn: null,
      followUpDueOn: null,
    });
    // The family may be visited anew; moving the day makes it a reschedule.
    const tomorrow = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const second = await planArrivalVisitViaApi(app, { personId: f.child, plannedOn: day });
    expect(second.id).not.toBe(planned.id);
    const moved = await planArrivalVisitViaApi(app, { personId: f.parent, plannedOn: tomorrow });
    expect(moved).toMatchObject({ id: second.id, plannedOn: tomorrow, firstPlannedOn: day, rescheduleCount: 1 });
    const held = await recordArrivalVisitViaApi(app, { visitId: second.id, tookPlace: true, heldOn: day });
    expect(held).toMatchObject({ status: 'took_place', tookPlaceAsPlanned: false, welcomeFolder: false, topics: [] });
  });

  it('two plans for one family at once: one planned visit, the other answer a CONFLICT or the same visit', async () => {
    const f = await family('Popal');
    const day = today(clock);
    const answers = await Promise.all(
      [f.parent, f.parent, f.child].map((personId) =>
        arrivalMutation(app, 'rheine-social', 'planArrivalVisit', { personId, plannedOn: day }),
      ),
    );
    for (const a of answers)
      if (a.body.errors) expect(a.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 'planned' });
    const ids = new Set(answers.filter((a) => !a.body.errors).map((a) => a.body.data.planArrivalVisit.id));
    expect(ids.size).toBe(1);
    const rows = await asHub(app, () =>
      app.container.subgraphs.city.dataSource.query(`SELECT id FROM city.arrival_visit WHERE family_id = $1`, [
        f.householdId,
      ]),
    );
    expect(rows).toEqual([{ id: [...ids][0] }]);
  });

  it('a school-placement referral within 2 months is the follow-up (derived, once); after 2 months it does not count', async () => {
    const f = await family('Nazari');
    const day = today(clock);
    const planned = await planArrivalVisitViaApi(app, { personId: f.parent, plannedOn: day });
    await recordArrivalVisitViaApi(app, { visitId: planned.id, tookPlace: true, heldOn: day });
    const referral = await sendReferral(f.child, 'school_placement');
    await eventHandled(app, 'hub', await sentEvent(referral.id));
    expect(await visitRow(planned.id)).toEqual({
      status: 'took_place',
      follow_up_kind: 'school_placement',
      follow_up_source: 'derived',
      follow_up_in_time: true,
    });
    const read = await social(
      `{ arrivalVisits(filter: { status: took_place }) { edges { node { id followUpContact followUpSource followUpReferralId } } } }`,
    );
    expect(read.body.data.arrivalVisits.edges.map((e: any) => e.node)).toContainEqual({
      id: planned.id,
      followUpContact: 'SCHOOL_PLACEMENT',
      followUpSource: 'derived',
      followUpReferralId: referral.id,
    });
    await replay(app, 'hub', await sentEvent(referral.id));
    expect(await cityEvents('arrival.followup_recorded', planned.id)).toHaveLength(1);
    // A recorded or derived contact is final.
    const again = await arrivalMutation(app, 'rheine-social', 'recordFollowUp', {
      visitId: planned.id,
      contact: 'NONE',
    });
    expect(again.body.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      status: 'took_place',
      allowedActions: [],
    });

    // Sent after the visit but before the team recorded it: the recording finds it.
    const early = await family('Ahmadi');
    const earlyVisit = await planArrivalVisitViaApi(app, { personId: early.parent, plannedOn: day });
    const before = await sendReferral(early.parent, 'district_office');
    await eventHandled(app, 'hub', await sentEvent(before.id));
    expect(await visitRow(earlyVisit.id)).toMatchObject({ status: 'planned', follow_up_kind: null });
    expect(await recordArrivalVisitViaApi(app, { visitId: earlyVisit.id, tookPlace: true, heldOn: day })).toMatchObject(
      {
        followUpContact: 'DISTRICT_OFFICE',
        followUpOn: day,
        followUpSource: 'derived',
        followUpInTime: true,
        followUpReferralId: before.id,
      },
    );

    // Another family, visited today; its district-office referral comes 70 days later.
    const late = await family('Sultani');
    const lateVisit = await planArrivalVisitViaApi(app, { personId: late.parent, plannedOn: day });
    await recordArrivalVisitViaApi(app, { visitId: lateVisit.id, tookPlace: true, heldOn: day });
    clock.offset += 70 * 86_400_000;
    const tooLate = await sendReferral(late.child, 'district_office');
    await eventHandled(app, 'hub', await sentEvent(tooLate.id));
    expect(await visitRow(lateVisit.id)).toMatchObject({ follow_up_kind: null });
    // The team may still record the contact; it does not count for the indicator.
    const recorded = await arrivalMutation(app, 'rheine-social', 'recordFollowUp', {
      visitId: lateVisit.id,
      contact: 'DISTRICT_OFFICE',
      contactedOn: today(clock),
    });
    expect(recorded.body.data.recordFollowUp).toMatchObject({
      followUpContact: 'DISTRICT_OFFICE',
      followUpSource: 'recorded',
      followUpInTime: false,
    });
  });

  it('every read is audited as case notes; a partner without a basis sees nothing', async () => {
    const reads = async () =>
      Number(
        (
          await hubQuery(
            app,
            `SELECT count(*) AS n FROM audit.entry WHERE kind = 'read' AND partner = 'rheine-social'
              AND purpose = 'arrival_counselling' AND 'case_notes' = ANY(categories)`,
          )
        )[0].n,
      );
    const before = await reads();
    const res = await social(
      `query($id: ID!) { person(id: $id) { arrivalVisits { id topics welcomeFolder followUpContact } } }`,
      { id: parent },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.person.arrivalVisits).toEqual([
      { id: visitId, topics: ['language', 'school_entry'], welcomeFolder: true, followUpContact: 'DISTRICT_OFFICE' },
    ]);
    // The child is of the same family: the same visit.
    const viaChild = await social(`query($id: ID!) { person(id: $id) { arrivalVisits { id } } }`, { id: child });
    expect(viaChild.body.data.person.arrivalVisits).toEqual([{ id: visitId }]);
    await eventually(async () => (await reads()) > before);
    // The list too, even when it selects the status and days only.
    const mid = await reads();
    const list = await social(`{ arrivalVisits(first: 100) { edges { node { id status heldOn } } } }`);
    expect(list.body.data.arrivalVisits.edges.length).toBeGreaterThan(0);
    await eventually(async () => (await reads()) > mid);

    // The youth welfare office sees the person (identity) but holds no basis for case notes.
    const youth = await app.gql('rheine-youth', `query($id: ID!) { person(id: $id) { id arrivalVisits { id } } }`, {
      id: parent,
    });
    expect(youth.body.data.person).toEqual({ id: parent, arrivalVisits: null });
    expect(youth.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', category: 'case_notes' });
    // The list filters by the visit's day (held on, else planned on).
    const none = await social(`{ arrivalVisits(filter: { to: "2000-01-01" }) { totalCount } }`);
    expect(none.body.data.arrivalVisits.totalCount).toBe(0);
    const reversed = await social(`{ arrivalVisits(filter: { from: "2026-02-01", to: "2026-01-01" }) { totalCount } }`);
    expect(reversed.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    // Nor does anyone list the team's visits but the team.
    for (const partner of ['rheine-youth', 'caritas-rheine']) {
      const list = await app.gql(partner, `{ arrivalVisits { totalCount edges { node { id } } } }`);
      expect(list.body.data.arrivalVisits).toEqual({ totalCount: 0, edges: [] });
    }
  });
});
