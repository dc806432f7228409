import { ruleJobId } from '../../src/rules/rules.scheduler';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import {
  biography,
  eventId,
  hubEvents,
  movableClock,
  processed,
  referralsOf,
  replay,
  ruleCheck,
} from './rules-helpers';
import { householdOf, registerPerson, registerPersonViaApi } from '../factories';
import type { EventJobData } from '../../src/events/event-types';
import { hubEventHandlers } from '../../src/subgraphs/hub/hub.consumers';
import { createEventsProcessor } from '../../workers/events.worker';

/**
 * Rule 3 end to end: a family registered in Rheine gets an arrival-counselling visit proposed to
 * the advice & support team — as a referral from the registering office, or as a task when the
 * team registered it itself — and a follow-up check after RULE_ARRIVAL_FOLLOWUP_DAYS (61).
 */
describe('rule new_arrival: new arrival → arrival counselling', () => {
  const clock = movableClock();
  let app: TestApp;
  let history: string;
  let parent: string;
  let child: string;
  let ownTask: string;
  let declined: string;

  beforeAll(async () => {
    // Written before the workers' first start (as the demo data is): history, not an arrival.
    app = await startTestApp({ workers: false, clock });
    history = (await registerPerson(app, 'rheine-abh', { givenName: 'Lina', familyName: 'Morad' })).id;
    await new Promise((r) => setTimeout(r, 20));
    await app.startWorkers();
  });
  afterAll(() => app?.stop());

  const arrivalReferrals = async (personId: string) =>
    (await referralsOf(app, personId)).filter((r) => r.referral_type === 'arrival_counselling');
  const registered = async (personId: string) =>
    processed(app, 'city', await eventId(app, 'city', 'person.registered', personId));

  it('a family registered by the immigration office: one referral to the advice & support team, whatever the number of members', async () => {
    parent = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Haidari', newHousehold: true });
    const householdId = (await householdOf(app, parent))!;
    await registered(parent);
    child = await registerPersonViaApi(app, 'rheine-abh', {
      givenName: 'Sara',
      familyName: 'Haidari',
      householdId,
      birthDate: '2019-04-02',
    });
    await registered(child);

    const inbox = await eventually(async () => {
      const res = await app.gql(
        'rheine-social',
        `{ referrals(filter: { box: inbox, status: [requested] }) { edges { node { id kind sender purpose referralType person { id } } } } }`,
      );
      const nodes =
        res.body.data?.referrals.edges
          .map((e: any) => e.node)
          .filter((n: any) => [parent, child].includes(n.person.id)) ?? [];
      return nodes.length ? nodes : undefined;
    });
    expect(inbox).toEqual([
      {
        id: expect.any(String),
        kind: 'referral',
        sender: 'rheine-abh',
        purpose: 'arrival_counselling',
        referralType: 'arrival_counselling',
        person: { id: parent },
      },
    ]);
    expect(await arrivalReferrals(child)).toEqual([]);
    const check = await ruleCheck(app, 'new_arrival', parent);
    expect(check).toMatchObject({
      household_id: householdId,
      done_at: null,
      data: { partner: 'rheine-social', referralId: inbox[0].id, sender: 'rheine-abh' },
    });
    expect(Math.round((check.due_at.getTime() - check.created_at.getTime()) / 86_400_000)).toBe(61);
    expect(await app.workers!.rules.queue.getJobState(ruleJobId('new_arrival', parent))).toBe('delayed');
  });

  it('registered by the advice & support team itself: a task in the biography instead of a referral to itself', async () => {
    ownTask = await registerPersonViaApi(app, 'rheine-social', { familyName: 'Mansour' });
    const entries = await eventually(async () => {
      const b = await biography(app, 'rheine-social', ownTask);
      return b.some((e) => e.type === 'arrival.counselling_proposed') ? b : undefined;
    });
    const followUpOn = (await ruleCheck(app, 'new_arrival', ownTask)).data.followUpOn;
    expect(entries.find((e) => e.type === 'arrival.counselling_proposed')).toEqual({
      type: 'arrival.counselling_proposed',
      summary: `Arrival counselling proposed to rheine-social; follow-up on ${followUpOn}`,
      actor: 'lotse',
    });
    expect(await arrivalReferrals(ownTask)).toEqual([]);
  });

  it('history written before the rule was enabled, and persons where no team serves, get nothing', async () => {
    const abroad = await registerPerson(app, 'rheine-abh', {
      givenName: 'Adel',
      familyName: 'Nouri',
      municipalityKey: '05515000',
    });
    await registered(abroad.id);
    await registered(history);
    for (const p of [history, abroad.id]) {
      expect(await ruleCheck(app, 'new_arrival', p)).toBeUndefined();
      expect(await arrivalReferrals(p)).toEqual([]);
      expect(await hubEvents(app, 'arrival.counselling_proposed', p)).toEqual([]);
    }
  });

  it('the same registration processed twice proposes once', async () => {
    await replay(app, 'city', await eventId(app, 'city', 'person.registered', parent));
    await replay(app, 'city', await eventId(app, 'city', 'person.registered', ownTask));
    expect(await arrivalReferrals(parent)).toHaveLength(1);
    expect(await hubEvents(app, 'arrival.counselling_proposed', ownTask)).toHaveLength(1);
  });

  /** Registers one member after another (distinct registration times), the first with a new household. */
  const family = async (
    members: Array<{ givenName: string; birthDate?: string }>,
    after?: (id: string) => Promise<void>,
  ) => {
    const ids: string[] = [];
    let householdId: string | undefined;
    for (const m of members) {
      const id = await registerPersonViaApi(app, 'rheine-abh', {
        familyName: 'Rezai',
        ...m,
        ...(householdId ? { householdId } : { newHousehold: true }),
      });
      householdId ??= (await householdOf(app, id))!;
      ids.push(id);
      if (after) await after(id);
      await new Promise((r) => setTimeout(r, 5));
    }
    return ids;
  };
  const proposedFor = async (ids: string[]) =>
    (await Promise.all(ids.map(async (id) => ((await arrivalReferrals(id)).length ? [id] : [])))).flat();

  it('a family whose child was registered (and handled) first: the proposal goes to the first adult, not the child', async () => {
    const [kid, mother, father] = await family(
      [{ givenName: 'Yasin', birthDate: '2016-03-01' }, { givenName: 'Mina' }, { givenName: 'Omid' }],
      registered,
    );
    expect(await proposedFor([kid, mother, father])).toEqual([mother]);
    expect(await ruleCheck(app, 'new_arrival', kid)).toBeUndefined();
  });

  it('whichever member’s registration the worker handles first, the household’s first adult gets the one proposal; families of minors, and minors in youth welfare care, get none', async () => {
    // The relay is held: the events are handled here, one by one, in the order the test chooses.
    await app.container.relay.stop();
    try {
      const process = createEventsProcessor(
        app.container,
        hubEventHandlers(
          app.container.subgraphs.hub.services,
          app.container.subgraphs.hub.dataSource,
          app.workers!.rules.hooks,
        ),
      );
      const handle = async (personId: string) => {
        const id = await eventId(app, 'city', 'person.registered', personId);
        await process({
          name: 'person.registered',
          data: { eventId: id, source: 'city' } satisfies EventJobData,
        } as any);
      };
      const a = await family([
        { givenName: 'Reza' },
        { givenName: 'Parisa' },
        { givenName: 'Ava', birthDate: '2018-05-05' },
      ]);
      const b = await family([
        { givenName: 'Navid', birthDate: '2017-01-01' },
        { givenName: 'Hamid' },
        { givenName: 'Shirin' },
      ]);
      const minors = await family([
        { givenName: 'Arash', birthDate: '2010-02-02' },
        { givenName: 'Darya', birthDate: '2012-02-02' },
      ]);
      // Age unknown, but the youth welfare office has its case number: a minor in its care.
      const inCare = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Rezai', givenName: 'Kian' });
      const added = await app.gql(
        'rheine-youth',
        `mutation($input: AddPersonIdentifierInput!) { addPersonIdentifier(input: $input) { id } }`,
        { input: { personId: inCare, system: 'youth_welfare_case_id', value: 'JA-2026/0900' } },
      );
      expect(added.body.errors).toBeUndefined();

      for (const p of [a[2], a[1], a[0]]) await handle(p);
      for (const p of [b[0], b[2], b[1]]) await handle(p);
      for (const p of [...minors, inCare]) await handle(p);

      expect(await proposedFor(a)).toEqual([a[0]]);
      expect(await proposedFor(b)).toEqual([b[1]]);
      for (const p of [...minors, inCare]) {
        expect(await arrivalReferrals(p)).toEqual([]);
        expect(await ruleCheck(app, 'new_arrival', p)).toBeUndefined();
      }
    } finally {
      app.container.relay.start();
    }
  });

  it('after two months the follow-up is due, unless the team declined the referral', async () => {
    declined = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Barakzai' });
    const [ref] = await eventually(async () => {
      const r = await arrivalReferrals(declined);
      return r.length ? r : undefined;
    });
    const rejected = await app.gql(
      'rheine-social',
      `mutation($id: ID!) { rejectReferral(id: $id, reason: client_declined) { status } }`,
      { id: ref.id },
    );
    expect(rejected.body.data.rejectReferral.status).toBe('rejected');

    clock.offset = 62 * 86_400_000;
    const { due } = await app.workers!.rules.resync();
    expect(due).toBeGreaterThanOrEqual(3);
    const done = await eventually(async () => {
      const checks = await Promise.all([parent, ownTask, declined].map((p) => ruleCheck(app, 'new_arrival', p)));
      return checks.every((c) => c.done_at) ? checks : undefined;
    });
    expect(done.map((c) => c.outcome)).toEqual(['followup_due', 'followup_due', 'referral_closed']);
    expect(await hubEvents(app, 'arrival.followup_due', parent)).toEqual([
      {
        personId: parent,
        householdId: done[0].household_id,
        partner: 'rheine-social',
        referralId: done[0].data.referralId,
      },
    ]);
    expect(await hubEvents(app, 'arrival.followup_due', ownTask)).toEqual([
      { personId: ownTask, householdId: null, partner: 'rheine-social', referralId: null },
    ]);
    expect(await hubEvents(app, 'arrival.followup_due', declined)).toEqual([]);
    const entries = await eventually(async () => {
      const b = await biography(app, 'rheine-social', parent);
      return b.some((e) => e.type === 'arrival.followup_due') ? b : undefined;
    });
    expect(entries.find((e) => e.type === 'arrival.followup_due')?.summary).toBe(
      'Arrival counselling follow-up due at rheine-social',
    );
  });
});
