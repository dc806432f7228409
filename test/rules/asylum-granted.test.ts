import { benefitSwitchOn } from '../../src/rules/asylum-granted.rule';
import { ruleJobId } from '../../src/rules/rules.scheduler';
import { ResidenceStatusCode } from '../../src/subgraphs/city/residence/residence.types';
import { recordResidence, registerPerson, registerPersonViaApi } from '../factories';
import { eventually, flushPrefix, startTestApp, TestApp } from '../helpers/app';
import { afterJob } from '../helpers/wait';
import {
  biography,
  eventId,
  hubEvents,
  movableClock,
  processed,
  referralsOf,
  replay,
  ruleCheck,
  today,
} from './rules-helpers';

/**
 * Rule 1 end to end: the immigration office records a recognition through the API; the events
 * worker hands the case from the asylum benefits office to the jobcenter; at the benefit switch a
 * timer on the `rules` queue flags a gap unless the jobcenter opened a record. The clock is real
 * time moved by an offset, so BullMQ's delays and the hub's dates agree.
 */
describe('rule asylum_granted: asylum granted → jobcenter', () => {
  const clock = movableClock();
  let app: TestApp;
  let granted: string;
  let validFrom: string;
  let answered: string;

  beforeAll(async () => {
    app = await startTestApp({ workers: true, clock });
  });
  afterAll(() => app?.stop());

  const recordStatus = async (personId: string, status: string, from: string) => {
    const res = await app.gql(
      'rheine-abh',
      `mutation($input: RecordResidenceStatusInput!) { recordResidenceStatus(input: $input) { id } }`,
      { input: { personId, status, validFrom: from } },
    );
    expect(res.body.errors).toBeUndefined();
    return eventId(app, 'city', 'person.residence_status_recorded', personId);
  };
  const handovers = async (personId: string) =>
    (await referralsOf(app, personId)).filter((r) => r.referral_type === 'benefit_handover');

  it('a recognition puts the transfer at the jobcenter and in the biography within seconds; the switch check waits for its date', async () => {
    granted = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Haddad' });
    validFrom = today(clock);
    await recordStatus(granted, 'recognised_refugee', validFrom);

    const inbox = await eventually(async () => {
      const res = await app.gql(
        'jobcenter-steinfurt',
        `query($p: ID!) { referrals(filter: { box: inbox, personId: $p }) { edges { node { id kind status sender receiver purpose referralType person { id } } } } }`,
        { p: granted },
      );
      const nodes = res.body.data?.referrals.edges.map((e: any) => e.node) ?? [];
      return nodes.length ? nodes : undefined;
    });
    expect(inbox).toEqual([
      {
        id: expect.any(String),
        kind: 'transfer',
        status: 'requested',
        sender: 'rheine-asylblg',
        receiver: 'jobcenter-steinfurt',
        purpose: 'benefit_handover',
        referralType: 'benefit_handover',
        person: { id: granted },
      },
    ]);
    const sent = await app.gql(
      'rheine-asylblg',
      `query($p: ID!) { referrals(filter: { box: outbox, personId: $p }) { edges { node { id allowedActions } } } }`,
      { p: granted },
    );
    expect(sent.body.data.referrals.edges).toEqual([{ node: { id: inbox[0].id, allowedActions: ['cancel'] } }]);

    const bio = await eventually(async () => {
      const entries = await biography(app, 'jobcenter-steinfurt', granted, 'benefit_handover');
      return entries.some(
        (b) => b.summary === 'Transfer (benefit_handover) rheine-asylblg → jobcenter-steinfurt: draft → requested',
      )
        ? entries
        : undefined;
    });
    expect(bio).toEqual(
      expect.arrayContaining([
        {
          type: 'referral.status_changed',
          summary: 'Transfer (benefit_handover) rheine-asylblg → jobcenter-steinfurt: draft → requested',
          actor: 'rheine-asylblg',
        },
      ]),
    );

    const switchOn = benefitSwitchOn(validFrom);
    const check = await ruleCheck(app, 'asylum_granted', granted);
    expect(check).toMatchObject({
      done_at: null,
      outcome: null,
      data: { sender: 'rheine-asylblg', receiver: 'jobcenter-steinfurt', dueOn: switchOn, referralId: inbox[0].id },
    });
    expect(check.due_at.toISOString()).toBe(`${switchOn}T00:00:00.000Z`);
    // The jobcenter sees by when it must have taken over.
    const due = await app.gql('jobcenter-steinfurt', `query($id: ID!) { referral(id: $id) { dueOn } }`, {
      id: inbox[0].id,
    });
    expect(due.body.data.referral.dueOn).toBe(switchOn);
    expect(await app.workers!.rules.queue.getJobState(ruleJobId('asylum_granted', granted))).toBe('delayed');
  });

  it('the switch date is the first of the month after validFrom + 1 month (AsylbLG ends with the month of the notice)', () => {
    expect(benefitSwitchOn('2026-11-10')).toBe('2027-01-01');
    expect(benefitSwitchOn('2026-01-31')).toBe('2026-03-01');
    expect(benefitSwitchOn('2026-12-01')).toBe('2027-02-01');
  });

  it("other statuses, recognitions recorded as history and persons outside the partners' area hand nothing over", async () => {
    const settled = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Nasser' });
    const old = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Saleh' });
    // Münster: no partner of the demo serves it (registered as the system; no partner could).
    const abroad = await registerPerson(app, 'rheine-abh', {
      givenName: 'Omar',
      familyName: 'Khalil',
      municipalityKey: '05515000',
    });
    await recordResidence(app, 'rheine-abh', {
      personId: abroad.id,
      status: ResidenceStatusCode.recognised_refugee,
      validFrom: today(clock),
    });
    const events = [
      await recordStatus(settled, 'settlement_permit', today(clock)),
      await recordStatus(old, 'subsidiary_protection', '2019-05-02'),
      await eventId(app, 'city', 'person.residence_status_recorded', abroad.id),
    ];
    for (const id of events) await processed(app, 'city', id);
    for (const personId of [settled, old, abroad.id]) {
      expect(await handovers(personId)).toEqual([]);
      expect(await ruleCheck(app, 'asylum_granted', personId)).toBeUndefined();
    }
  });

  it('the same event processed twice, or a later recognition, creates no second transfer', async () => {
    const first = await eventId(app, 'city', 'person.residence_status_recorded', granted);
    await replay(app, 'city', first);
    await recordStatus(granted, 'entitled_to_asylum', today(clock)).then((id) => processed(app, 'city', id));
    expect(await handovers(granted)).toHaveLength(1);
    expect((await ruleCheck(app, 'asylum_granted', granted)).event_id).toBe(first);
  });

  it('a jobcenter record opened before the switch date answers the check', async () => {
    answered = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Yousef' });
    await recordStatus(answered, 'subsidiary_protection', today(clock));
    await eventually(() => ruleCheck(app, 'asylum_granted', answered));
    const jc = await app.gql(
      'jobcenter-steinfurt',
      `mutation($input: OpenJobcenterRecordInput!) { openJobcenterRecord(input: $input) { id } }`,
      {
        input: {
          personId: answered,
          customerNumber: '845D700001',
          municipalityKey: '05566076',
          startedOn: today(clock),
          benefitStatus: 'applied',
        },
      },
    );
    expect(jc.body.errors).toBeUndefined();
    const done = await eventually(async () => {
      const c = await ruleCheck(app, 'asylum_granted', answered);
      return c?.done_at ? c : undefined;
    });
    expect(done.outcome).toBe('record_opened');
  });

  it('at the switch date without a jobcenter record the gap goes into the biography of both sides, also after Redis lost the timer', async () => {
    await app.workers!.close();
    await flushPrefix(app.queuePrefix);
    expect(await app.workers!.rules.queue.getJobState(ruleJobId('asylum_granted', granted))).toBe('unknown');

    // Three seconds before the switch date; the restarted workers re-create the timer from PostgreSQL.
    const switchOn = benefitSwitchOn(validFrom);
    clock.offset = Date.parse(`${switchOn}T00:00:00.000Z`) - 3000 - Date.now();
    await app.startWorkers();
    expect(await app.workers!.rules.queue.getJobState(ruleJobId('asylum_granted', granted))).toBe('delayed');

    const flagged = await eventually(async () => {
      const e = await hubEvents(app, 'handover.gap_flagged', granted);
      return e.length ? e : undefined;
    }, 15000);
    const transfer = (await handovers(granted))[0];
    expect(flagged).toEqual([
      {
        personId: granted,
        rule: 'asylum_granted',
        referralId: transfer.id,
        sender: 'rheine-asylblg',
        receiver: 'jobcenter-steinfurt',
        dueOn: switchOn,
        reason: 'no_jobcenter_record',
      },
    ]);
    expect(await ruleCheck(app, 'asylum_granted', granted)).toMatchObject({
      outcome: 'gap_flagged',
      done_at: expect.any(Date),
    });
    const summary = `Gap in the handover rheine-asylblg → jobcenter-steinfurt: no_jobcenter_record by ${switchOn}`;
    for (const side of ['jobcenter-steinfurt', 'rheine-asylblg']) {
      const entries = await eventually(async () => {
        const b = await biography(app, side, granted, 'benefit_administration');
        return b.some((e) => e.type === 'handover.gap_flagged') ? b : undefined;
      });
      expect(entries.find((e) => e.type === 'handover.gap_flagged')).toEqual({
        type: 'handover.gap_flagged',
        summary,
        actor: 'lotse',
      });
    }
    // Flagged once, however often the check runs again.
    await afterJob(app.workers!.rules.worker, ruleJobId('asylum_granted', granted), async () => {
      await app.workers!.rules.scheduler.schedule({ rule: 'asylum_granted', personId: granted, dueAt: clock.now() });
      await app.workers!.rules.resync();
    });
    expect(await hubEvents(app, 'handover.gap_flagged', granted)).toHaveLength(1);
    // The person whose record the jobcenter opened in time: no gap, once its check is settled.
    await eventually(async () => (await ruleCheck(app, 'asylum_granted', answered))?.done_at);
    expect(await hubEvents(app, 'handover.gap_flagged', answered)).toEqual([]);
  });
});
