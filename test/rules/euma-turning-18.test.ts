import { addMonths } from '../../src/rules/rule-support';
import { ruleJobId } from '../../src/rules/rules.scheduler';
import { eventually, flushPrefix, startTestApp, TestApp } from '../helpers/app';
import { afterJob } from '../helpers/wait';
import { registerPersonViaApi } from '../factories';
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
 * Rule 2 end to end: the youth welfare office records its case number for a young person; three
 * months before the 18th birthday (RULE_EUMA_MONTHS_BEFORE) the case goes to the advice & support
 * team as a transfer. The birth date comes from the city; the timer lives on the `rules` queue and
 * is re-created from PostgreSQL when Redis lost it.
 */
describe('rule euma_turning_18: youth welfare → adult services', () => {
  const clock = movableClock();
  let app: TestApp;
  let soon: string; // 18 in two months: the handover is due already
  let later: string; // 18 in a year

  beforeAll(async () => {
    app = await startTestApp({ workers: true, clock });
  });
  afterAll(() => app?.stop());

  /** The youth welfare office records its case number: the mark of a person in its care. */
  const addCaseNumber = async (personId: string, value: string, partner = 'rheine-youth') => {
    const res = await app.gql(
      partner,
      `mutation($input: AddPersonIdentifierInput!) { addPersonIdentifier(input: $input) { id } }`,
      { input: { personId, system: 'youth_welfare_case_id', value } },
    );
    expect(res.body.errors).toBeUndefined();
    const id = await eventId(app, 'hub', 'person.identifier_added', personId);
    await processed(app, 'hub', id);
    return id;
  };
  const handovers = async (personId: string) =>
    (await referralsOf(app, personId)).filter((r) => r.referral_type === 'youth_to_adult');
  const bornToTurn18In = (months: number) => addMonths(addMonths(today(clock), months), -18 * 12);

  it('three months before the 18th birthday the case goes to the advice & support team, within seconds when that is past, due on the birthday', async () => {
    const birthDate = bornToTurn18In(2);
    soon = await registerPersonViaApi(app, 'rheine-youth', { familyName: 'Ahmadi', birthDate });
    await addCaseNumber(soon, 'JA-2026/0815');
    const inbox = await eventually(async () => {
      const res = await app.gql(
        'rheine-social',
        `query($p: ID!) { referrals(filter: { box: inbox, personId: $p, kind: transfer }) { edges { node { id kind status sender purpose referralType dueOn } } } }`,
        { p: soon },
      );
      const nodes = res.body.data?.referrals.edges.map((e: any) => e.node) ?? [];
      return nodes.length ? nodes : undefined;
    });
    expect(inbox).toEqual([
      {
        id: expect.any(String),
        kind: 'transfer',
        status: 'requested',
        sender: 'rheine-youth',
        purpose: 'case_management',
        referralType: 'youth_to_adult',
        dueOn: addMonths(birthDate, 18 * 12),
      },
    ]);
    const sent = 'Transfer (youth_to_adult) rheine-youth → rheine-social: draft → requested';
    const bio = await eventually(async () => {
      const b = await biography(app, 'rheine-social', soon);
      return b.some((e) => e.summary === sent) ? b : undefined;
    });
    expect(bio).toEqual(
      expect.arrayContaining([{ type: 'referral.status_changed', summary: sent, actor: 'rheine-youth' }]),
    );
    expect(
      await eventually(
        async () => (await ruleCheck(app, 'euma_turning_18', soon))?.done_at && ruleCheck(app, 'euma_turning_18', soon),
      ),
    ).toMatchObject({ outcome: 'transferred', data: { from: 'rheine-youth', referralId: inbox[0].id } });
    // Accepting it moves the case to the team.
    const accepted = await app.gql('rheine-social', `mutation($id: ID!) { acceptTransfer(id: $id) { status } }`, {
      id: inbox[0].id,
    });
    expect(accepted.body.data.acceptTransfer.status).toBe('accepted');
  });

  it('a later 18th birthday waits on a timer, due three months before it', async () => {
    later = await registerPersonViaApi(app, 'rheine-youth', { familyName: 'Rahimi', birthDate: bornToTurn18In(12) });
    await addCaseNumber(later, 'JA-2026/0816');
    const check = await ruleCheck(app, 'euma_turning_18', later);
    const dueOn = addMonths(addMonths(bornToTurn18In(12), 18 * 12), -3);
    expect(check).toMatchObject({ done_at: null, data: { from: 'rheine-youth' } });
    expect(check.due_at.toISOString()).toBe(`${dueOn}T00:00:00.000Z`);
    expect(await app.workers!.rules.queue.getJobState(ruleJobId('euma_turning_18', later))).toBe('delayed');
    expect(await handovers(later)).toEqual([]);
  });

  it('no youth welfare case number, no birth date, already adult, or a number recorded by another office: nothing is scheduled', async () => {
    const adult = await registerPersonViaApi(app, 'rheine-youth', {
      familyName: 'Karimi',
      birthDate: bornToTurn18In(-1),
    });
    const undated = await registerPersonViaApi(app, 'rheine-youth', { familyName: 'Hosseini' });
    const elsewhere = await registerPersonViaApi(app, 'rheine-abh', {
      familyName: 'Sultani',
      birthDate: bornToTurn18In(2),
    });
    await addCaseNumber(adult, 'JA-2026/0817');
    await addCaseNumber(undated, 'JA-2026/0818');
    await addCaseNumber(elsewhere, 'ABH-17', 'rheine-abh');
    for (const p of [adult, undated, elsewhere]) expect(await ruleCheck(app, 'euma_turning_18', p)).toBeUndefined();
  });

  it('the same event processed twice, and the timer firing twice, create one transfer', async () => {
    await replay(app, 'hub', await eventId(app, 'hub', 'person.identifier_added', soon));
    await afterJob(app.workers!.rules.worker, ruleJobId('euma_turning_18', soon), () =>
      app.workers!.rules.scheduler.schedule({ rule: 'euma_turning_18', personId: soon, dueAt: clock.now() }),
    );
    expect(await handovers(soon)).toHaveLength(1);
  });

  it('a timer Redis lost is re-created at start and fires when due', async () => {
    await app.workers!.close();
    await flushPrefix(app.queuePrefix);
    await app.startWorkers();
    const job = ruleJobId('euma_turning_18', later);
    expect(await app.workers!.rules.queue.getJobState(job)).toBe('delayed');
    // Nine months on (the clock), the re-sync runs what is due by the clock.
    clock.offset = (await ruleCheck(app, 'euma_turning_18', later)).due_at.getTime() + 60_000 - Date.now();
    await app.workers!.rules.resync();
    const [transfer] = await eventually(async () => {
      const h = await handovers(later);
      return h.length ? h : undefined;
    });
    expect(transfer).toMatchObject({
      kind: 'transfer',
      sender: 'rheine-youth',
      receiver: 'rheine-social',
      purpose: 'case_management',
      status: 'requested',
    });
    // The check is finished right after the transfer commits: wait for it, not just for the transfer.
    expect(
      await eventually(async () => {
        const check = await ruleCheck(app, 'euma_turning_18', later);
        return check.outcome ? check : undefined;
      }),
    ).toMatchObject({ outcome: 'transferred' });
  });

  it("without an advice team for the person's municipality the gap goes into the biography", async () => {
    const moved = await registerPersonViaApi(app, 'rheine-youth', {
      familyName: 'Jafari',
      birthDate: bornToTurn18In(14),
    });
    await addCaseNumber(moved, 'JA-2026/0819');
    const move = await app.gql(
      'rheine-youth',
      `mutation($input: MovePersonInput!) { movePerson(input: $input) { id } }`,
      { input: { personId: moved, municipalityKey: '05515000' } },
    );
    expect(move.body.errors).toBeUndefined();
    clock.offset = (await ruleCheck(app, 'euma_turning_18', moved)).due_at.getTime() + 60_000 - Date.now();
    await app.workers!.rules.resync();
    // (The move itself is rule 4's business; only this rule's entry counts here.)
    const events = await eventually(async () => {
      const e = (await hubEvents(app, 'handover.unassigned', moved)).filter((x) => x.rule === 'euma_turning_18');
      return e.length ? e : undefined;
    });
    expect(events).toEqual([
      {
        personId: moved,
        rule: 'euma_turning_18',
        partner: 'rheine-youth',
        partnerKind: 'social_services',
        referralId: null,
        reason: 'no_partner',
      },
    ]);
    expect(await handovers(moved)).toEqual([]);
  });
});
