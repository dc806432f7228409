import { systemActor } from '../../src/shared/actor';
import { Clock } from '../../src/shared/time';
import { assertJobHandlers, jobNames } from '../../src/jobs/job.registry';
import { slaQueue } from '../../src/jobs/queues';
import { slaHandlers, startSlaWorker } from '../../workers/sla.worker';
import { eventually, flushPrefix, startTestApp, TestApp } from '../helpers/app';
import { createReferralViaApi, registerPerson } from '../factories';

const DAY = 24 * 3600 * 1000;
const MINUTE = 60 * 1000;

/**
 * Cooperation agreements and their deadlines, on a controllable clock. BullMQ's delays run on real
 * time (days here), so they never fire during the test: moving the clock forward and calling the
 * worker's re-sync (what it does at start and every SLA_RESYNC_SECONDS) handles everything due by
 * the clock. The timer path itself is exercised by promoting a job.
 */
describe('cooperation agreements and deadlines', () => {
  // Winter time in Berlin for the next weeks: calendar days are 24 h here.
  const clock = {
    t: Date.parse('2026-01-12T09:00:00.000Z'),
    now() {
      return new Date(this.t);
    },
  } satisfies Clock & { t: number };
  const advance = (ms: number) => {
    clock.t += ms;
  };
  let app: TestApp;
  let personId: string;
  let hubQuery: (sql: string, params?: unknown[]) => Promise<any[]>;

  beforeAll(async () => {
    app = await startTestApp({ workers: true, clock });
    hubQuery = (sql, params = []) => app.container.subgraphs.hub.dataSource.query(sql, params);
    const p = await registerPerson(app, 'rheine-social', { givenName: 'Hamid', familyName: 'Karimi' });
    personId = p.id;
  });
  afterAll(() => app?.stop());

  const scheduler = () => app.workers!.sla.scheduler;
  const agreements = () => app.container.subgraphs.hub.services.agreements;

  /** rheine-social hands a case to the jobcenter (agreement: acknowledge 2, decide 5, start 10 days; escalate to rheine-social). */
  const sendHandover = async (): Promise<string> => {
    const created = await createReferralViaApi(app, 'rheine-social', {
      personId,
      receiver: 'jobcenter-steinfurt',
      purpose: 'benefit_administration',
      referralType: 'benefit_handover',
    });
    expect(created.status).toBe('requested');
    return created.id;
  };
  const step = async (partner: string, mutation: string, id: string, args = '') => {
    const res = await app.gql(partner, `mutation($id: ID!) { ${mutation}(id: $id${args}) { status } }`, { id });
    expect(res.body.errors).toBeUndefined();
    return res.body.data[mutation].status as string;
  };
  const deadlines = async (id: string): Promise<Record<string, any>> => {
    const rows = await hubQuery(
      `SELECT kind, due_at, met_at, breached_at, closed_at FROM hub.referral_deadline WHERE referral_id = $1`,
      [id],
    );
    return Object.fromEntries(rows.map((r) => [r.kind, r]));
  };
  /** Waits until the events consumer wrote the referral's deadlines. */
  const deadlinesOf = (id: string, n = 3) =>
    eventually(async () => {
      const d = await deadlines(id);
      return Object.keys(d).length === n ? d : undefined;
    });
  const escalations = async (id: string) =>
    (
      await hubQuery(`SELECT payload FROM hub.outbox WHERE type = 'referral.escalated' AND aggregate_id = $1`, [id])
    ).map((r) => r.payload);
  const jobState = (id: string, kind: string) => scheduler().queue.getJobState(`${id}.${kind}`);

  it('lists the agreements (not personal data, scope partners:read), including the shortened path to the integration course', async () => {
    const res = await app.gql(
      'caritas-rheine',
      `{ cooperationAgreements(referralType: "integration_course") { receiver acknowledgeDays decideDays startDays escalateTo onBreach validFrom validUntil statuteOrDecision } }`,
    );
    expect(res.body.errors).toBeUndefined();
    expect(
      res.body.data.cooperationAgreements.map((a: any) => [
        a.receiver,
        a.acknowledgeDays,
        a.decideDays,
        a.startDays,
        a.escalateTo,
        a.onBreach,
      ]),
    ).toEqual([
      ['fbs-rheine', 3, 7, 21, 'rheine-social', 'escalate'],
      ['vhs-rheine', 3, 7, 21, 'rheine-social', 'escalate'],
    ]);
    const all = await app.gql('rheine-dpo', `{ cooperationAgreements { receiver referralType } }`);
    expect(all.body.data.cooperationAgreements).toEqual(
      expect.arrayContaining([
        { receiver: 'jobcenter-steinfurt', referralType: 'benefit_handover' },
        { receiver: 'rheine-social', referralType: 'arrival_counselling' },
      ]),
    );
    await expect(
      agreements().list({ ...systemActor(), partner: 'x', scopes: ['referrals:read'] }),
    ).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN', scope: 'partners:read' } });
  });

  it('a referral sent under an agreement gets its deadlines, counted in calendar days from sending, each with a timer', async () => {
    const sentAt = clock.t;
    const id = await sendHandover();
    const d = await deadlinesOf(id);
    expect(d.acknowledge.due_at.toISOString()).toBe(new Date(sentAt + 2 * DAY).toISOString());
    expect(d.decide.due_at.toISOString()).toBe(new Date(sentAt + 5 * DAY).toISOString());
    expect(d.start.due_at.toISOString()).toBe(new Date(sentAt + 10 * DAY).toISOString());
    // Timers: delayed jobs named by referral and kind; the delay comes from the clock.
    await eventually(async () => (await jobState(id, 'start')) === 'delayed');
    const job = await scheduler().queue.getJob(`${id}.acknowledge`);
    expect(job?.data).toEqual({ referralId: id, kind: 'acknowledge' });
    expect(job?.opts.delay).toBe(2 * DAY);
    // The sender sees them on the referral; a draft or a type without agreement has none.
    const res = await app.gql(
      'rheine-social',
      `query($id: ID!) { referral(id: $id) { deadlines { kind dueAt metAt breachedAt closedAt state } } }`,
      { id },
    );
    expect(res.body.data.referral.deadlines).toEqual([
      {
        kind: 'acknowledge',
        dueAt: new Date(sentAt + 2 * DAY).toISOString(),
        metAt: null,
        breachedAt: null,
        closedAt: null,
        state: 'open',
      },
      {
        kind: 'decide',
        dueAt: new Date(sentAt + 5 * DAY).toISOString(),
        metAt: null,
        breachedAt: null,
        closedAt: null,
        state: 'open',
      },
      {
        kind: 'start',
        dueAt: new Date(sentAt + 10 * DAY).toISOString(),
        metAt: null,
        breachedAt: null,
        closedAt: null,
        state: 'open',
      },
    ]);
    const other = await app.gql(
      'rheine-social',
      `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id deadlines { kind } } }`,
      {
        input: {
          personId,
          receiver: 'jobcenter-steinfurt',
          purpose: 'benefit_administration',
          referralType: 'job_placement',
          send: true,
        },
      },
    );
    expect(other.body.data.createReferral.deadlines).toEqual([]);
  });

  it('a passed deadline is breached once and escalated (event in the biography); answering late counts as met late', async () => {
    const id = await sendHandover();
    await deadlinesOf(id);
    advance(2 * DAY + MINUTE);
    await scheduler().resync();
    let d = await deadlines(id);
    expect(d.acknowledge.breached_at.toISOString()).toBe(new Date(clock.t).toISOString());
    expect(d.decide.breached_at).toBeNull();
    expect(await escalations(id)).toEqual([
      expect.objectContaining({
        referralId: id,
        personId,
        kind: 'acknowledge',
        escalateTo: 'rheine-social',
        receiver: 'jobcenter-steinfurt',
        referralType: 'benefit_handover',
      }),
    ]);
    // Again, and as if the timer fired too: nothing more.
    await scheduler().resync();
    expect(await agreements().processDue(id, 'acknowledge')).toEqual({ outcome: 'already_breached' });
    expect(await escalations(id)).toHaveLength(1);

    const bio = await eventually(async () => {
      const res = await app.gql(
        'rheine-social',
        `query($p: ID!) { person(id: $p) { biography(first: 100) { type summary } } }`,
        { p: personId },
      );
      return res.body.data?.person?.biography?.find((b: any) => b.type === 'referral.escalated');
    }, 15000);
    expect(bio.summary).toBe(
      'Deadline acknowledge of referral (benefit_handover) to jobcenter-steinfurt passed; escalated to rheine-social',
    );

    // The jobcenter answers after the escalation.
    await step('jobcenter-steinfurt', 'acknowledgeReferral', id);
    d = await eventually(async () => {
      const x = await deadlines(id);
      return x.acknowledge.met_at ? x : undefined;
    });
    expect(d.acknowledge.breached_at).not.toBeNull();
    const res = await app.gql('rheine-social', `query($id: ID!) { referral(id: $id) { deadlines { kind state } } }`, {
      id,
    });
    expect(res.body.data.referral.deadlines).toEqual([
      { kind: 'acknowledge', state: 'met_late' },
      { kind: 'decide', state: 'open' },
      { kind: 'start', state: 'open' },
    ]);
  });

  it('answering in time meets the deadline: no breach, no escalation, whether or not the event was consumed yet', async () => {
    const id = await sendHandover();
    await deadlinesOf(id);
    advance(DAY);
    const answeredAt = clock.t;
    await step('jobcenter-steinfurt', 'acceptReferral', id);
    // Straight to the re-sync after the deadline: the handler reads the status history itself.
    advance(1 * DAY + MINUTE);
    await scheduler().resync();
    const d = await deadlines(id);
    expect(d.acknowledge.met_at.toISOString()).toBe(new Date(answeredAt).toISOString());
    expect(d.decide.met_at.toISOString()).toBe(new Date(answeredAt).toISOString());
    expect(d.acknowledge.breached_at).toBeNull();
    expect(d.start.met_at).toBeNull();
    expect(await escalations(id)).toEqual([]);
  });

  it('a cancelled referral makes its open deadlines moot', async () => {
    const id = await sendHandover();
    await deadlinesOf(id);
    await step('rheine-social', 'cancelReferral', id);
    const d = await eventually(async () => {
      const x = await deadlines(id);
      return x.start.closed_at ? x : undefined;
    });
    for (const kind of ['acknowledge', 'decide', 'start'])
      expect(d[kind]).toMatchObject({ met_at: null, breached_at: null });
    advance(11 * DAY);
    await scheduler().resync();
    expect(await escalations(id)).toEqual([]);
    // A timer that fires anyway finds nothing to do.
    expect(await agreements().processDue(id, 'acknowledge')).toEqual({ outcome: 'closed' });
  });

  it('on_breach expire: an unanswered arrival-counselling referral expires after 14 days and can be redirected', async () => {
    const res = await app.gql(
      'rheine-abh',
      `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id status } }`,
      {
        input: {
          personId,
          receiver: 'rheine-social',
          purpose: 'arrival_counselling',
          referralType: 'arrival_counselling',
          send: true,
        },
      },
    );
    expect(res.body.errors).toBeUndefined();
    const id = res.body.data.createReferral.id;
    const d0 = await deadlinesOf(id, 1);
    expect(d0.decide.due_at.toISOString()).toBe(new Date(clock.t + 14 * DAY).toISOString());
    advance(13 * DAY);
    await scheduler().resync();
    expect((await deadlines(id)).decide.breached_at).toBeNull();
    advance(DAY + MINUTE);
    await scheduler().resync();
    const ref = await app.gql(
      'rheine-abh',
      `query($id: ID!) { referral(id: $id) { status allowedActions deadlines { kind state } } }`,
      { id },
    );
    expect(ref.body.data.referral).toEqual({
      status: 'expired',
      allowedActions: ['redirect'],
      deadlines: [{ kind: 'decide', state: 'breached' }],
    });
    expect(await escalations(id)).toEqual([]);
    const [{ n }] = await hubQuery(
      `SELECT count(*)::int AS n FROM hub.outbox WHERE aggregate_id = $1 AND type = 'referral.status_changed' AND payload->>'to' = 'expired'`,
      [id],
    );
    expect(n).toBe(1);
    // Again: the referral expires once.
    expect(await agreements().processDue(id, 'decide')).toEqual({ outcome: 'already_breached' });
    await scheduler().resync();
    const [{ n: again }] = await hubQuery(
      `SELECT count(*)::int AS n FROM hub.outbox WHERE aggregate_id = $1 AND type = 'referral.status_changed' AND payload->>'to' = 'expired'`,
      [id],
    );
    expect(again).toBe(1);
  });

  it('the timer itself: firing early by the clock puts it back; firing when due breaches', async () => {
    const id = await sendHandover();
    await deadlinesOf(id);
    await eventually(async () => (await jobState(id, 'acknowledge')) === 'delayed');
    // Fire it now (real time), while the clock says the deadline is two days away.
    const job = (await scheduler().queue.getJob(`${id}.acknowledge`))!;
    await job.promote();
    await eventually(
      async () =>
        (await jobState(id, 'acknowledge')) === 'delayed' &&
        (await scheduler().queue.getJob(`${id}.acknowledge`))!.processedOn,
    );
    expect((await deadlines(id)).acknowledge.breached_at).toBeNull();
    // The clock passes the deadline, the timer fires: breached and escalated by the worker.
    advance(2 * DAY + MINUTE);
    await (await scheduler().queue.getJob(`${id}.acknowledge`))!.promote();
    await eventually(async () => (await deadlines(id)).acknowledge.breached_at);
    expect(await escalations(id)).toHaveLength(1);
    await eventually(async () => (await jobState(id, 'acknowledge')) === 'unknown'); // completed jobs are removed
  });

  it('Redis loses the timers mid-way: the re-sync re-creates them from PostgreSQL; no deadline missed or doubled', async () => {
    const ids = [await sendHandover(), await sendHandover()];
    for (const id of ids) await deadlinesOf(id);
    await eventually(async () =>
      (await Promise.all(ids.map((id) => jobState(id, 'start')))).every((s) => s === 'delayed'),
    );

    await flushPrefix(app.queuePrefix);
    expect(await jobState(ids[0], 'acknowledge')).toBe('unknown');

    // Another path (the events worker deriving deadlines) may re-create some timers first; what
    // counts is that afterwards every open deadline has exactly its timer again.
    await scheduler().resync();
    for (const id of ids) {
      for (const kind of ['acknowledge', 'decide', 'start']) expect(await jobState(id, kind)).toBe('delayed');
    }
    // Exactly the remaining time by the clock.
    expect((await scheduler().queue.getJob(`${ids[0]}.decide`))!.opts.delay).toBe(5 * DAY);
    // A second re-sync finds nothing missing.
    expect((await scheduler().resync()).recreated).toBe(0);

    // The first referral is acknowledged in time; then every deadline passes, with re-syncs and
    // timer firings racing each other.
    await step('jobcenter-steinfurt', 'acknowledgeReferral', ids[0]);
    advance(10 * DAY + MINUTE);
    await flushPrefix(app.queuePrefix); // once more, after the deadlines passed
    await Promise.all([
      scheduler().resync(),
      scheduler().resync(),
      ...ids.flatMap((id) =>
        (['acknowledge', 'decide', 'start'] as const).map((kind) => agreements().processDue(id, kind)),
      ),
    ]);
    await scheduler().resync();

    const first = await deadlines(ids[0]);
    expect(first.acknowledge).toMatchObject({ breached_at: null });
    expect(first.acknowledge.met_at).not.toBeNull();
    expect(first.decide.breached_at).not.toBeNull();
    expect(first.start.breached_at).not.toBeNull();
    expect((await escalations(ids[0])).map((e) => e.kind).sort()).toEqual(['decide', 'start']);
    const second = await deadlines(ids[1]);
    for (const kind of ['acknowledge', 'decide', 'start']) expect(second[kind].breached_at).not.toBeNull();
    expect((await escalations(ids[1])).map((e) => e.kind).sort()).toEqual(['acknowledge', 'decide', 'start']);
    // Nothing open is left without a timer or a breach.
    const [{ n }] = await hubQuery(
      `SELECT count(*)::int AS n FROM hub.referral_deadline WHERE referral_id = ANY($1) AND met_at IS NULL AND breached_at IS NULL AND closed_at IS NULL`,
      [ids],
    );
    expect(n).toBe(0);
  });

  it('agreementCompliance counts per agreement and deadline: in time, late, breached, overdue, open, moot', async () => {
    advance(100 * DAY); // a period of its own
    const t0 = clock.t;
    const [r1, r2, r3, r4] = [await sendHandover(), await sendHandover(), await sendHandover(), await sendHandover()];
    for (const id of [r1, r2, r3, r4]) await deadlinesOf(id);
    await step('jobcenter-steinfurt', 'acknowledgeReferral', r1);
    await step('jobcenter-steinfurt', 'acceptReferral', r1);
    await step('rheine-social', 'cancelReferral', r3);
    advance(3 * DAY);
    await step('jobcenter-steinfurt', 'startReferral', r1);

    const compliance = async () => {
      const res = await app.gql(
        'caritas-rheine',
        `query($from: DateTime!, $to: DateTime!) { agreementCompliance(from: $from, to: $to) { agreement { receiver referralType } kind days total metInTime metLate breached overdue open closed complianceRate } }`,
        {
          from: new Date(t0 - 3600_000).toISOString(),
          to: new Date(t0 + 3600_000).toISOString(),
        },
      );
      expect(res.body.errors).toBeUndefined();
      return res.body.data.agreementCompliance
        .filter((c: any) => c.agreement.receiver === 'jobcenter-steinfurt')
        .map(({ agreement: _a, ...c }: any) => c);
    };
    // Before the re-sync the two unanswered acknowledgements are overdue, not yet breached.
    const settled = (c: any[]) =>
      c[0].metInTime === 1 && c[0].closed === 1 && c[1].metInTime === 1 && c[2].metInTime === 1;
    const before = await eventually(async () => {
      const c = await compliance();
      return settled(c) ? c : undefined;
    });
    expect(before[0]).toMatchObject({
      kind: 'acknowledge',
      total: 4,
      metInTime: 1,
      metLate: 0,
      breached: 0,
      overdue: 2,
      open: 0,
      closed: 1,
      complianceRate: 1 / 3,
    });

    await scheduler().resync();
    await step('jobcenter-steinfurt', 'acknowledgeReferral', r2); // late, after the escalation
    const after = await eventually(async () => {
      const c = await compliance();
      return c[0].metLate === 1 ? c : undefined;
    });
    expect(after).toEqual([
      {
        kind: 'acknowledge',
        days: 2,
        total: 4,
        metInTime: 1,
        metLate: 1,
        breached: 1,
        overdue: 0,
        open: 0,
        closed: 1,
        complianceRate: 1 / 3,
      },
      {
        kind: 'decide',
        days: 5,
        total: 4,
        metInTime: 1,
        metLate: 0,
        breached: 0,
        overdue: 0,
        open: 2,
        closed: 1,
        complianceRate: 1,
      },
      {
        kind: 'start',
        days: 10,
        total: 4,
        metInTime: 1,
        metLate: 0,
        breached: 0,
        overdue: 0,
        open: 2,
        closed: 1,
        complianceRate: 1,
      },
    ]);
    // Agreements without referrals in the period are listed with zeros.
    const res = await app.gql(
      'vhs-rheine',
      `query($from: DateTime!, $to: DateTime!) { agreementCompliance(from: $from, to: $to) { agreement { receiver } kind total complianceRate } }`,
      {
        from: new Date(t0 - 3600_000).toISOString(),
        to: new Date(t0 + 3600_000).toISOString(),
      },
    );
    expect(res.body.data.agreementCompliance).toEqual(
      expect.arrayContaining([
        { agreement: { receiver: 'vhs-rheine' }, kind: 'start', total: 0, complianceRate: null },
      ]),
    );
    const bad = await app.gql(
      'vhs-rheine',
      `{ agreementCompliance(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { total } }`,
    );
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });
});

describe('sla worker boot', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ gateway: false });
  });
  afterAll(() => app?.stop());

  it('refuses to boot unless every job name of the sla queue has a handler', async () => {
    const handlers = slaHandlers(app.container);
    expect(() => assertJobHandlers('sla', jobNames(slaQueue), handlers)).not.toThrow();
    expect(() => assertJobHandlers('sla', jobNames(slaQueue), {})).toThrow(/sla worker: no handler for deadline/);
    expect(() => assertJobHandlers('sla', jobNames(slaQueue), { ...handlers, remind: async () => undefined })).toThrow(
      /unknown job names remind/,
    );
    await expect(startSlaWorker(app.container, { handlers: {} })).rejects.toThrow(/no handler for deadline/);
  });
});
