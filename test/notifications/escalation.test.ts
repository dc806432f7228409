import { Clock } from '../../src/shared/time';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { createReferralViaApi, recordConsentViaApi, registerPerson } from '../factories';

const DAY = 24 * 3600 * 1000;
const MINUTE = 60 * 1000;

/**
 * Escalations of cooperation agreements reach the inbox. As in test/referrals/agreements.test.ts,
 * the clock is moved past the deadline and the SLA worker's re-sync handles what is due.
 */
describe('escalation notifications', () => {
  const clock = {
    t: Date.parse('2026-02-02T09:00:00.000Z'),
    now() {
      return new Date(this.t);
    },
  } satisfies Clock & { t: number };
  let app: TestApp;
  let personId: string;
  let hubQuery: (sql: string, params?: unknown[]) => Promise<any[]>;

  beforeAll(async () => {
    app = await startTestApp({ workers: true, clock });
    hubQuery = (sql, params = []) => app.container.subgraphs.hub.dataSource.query(sql, params);
    personId = (await registerPerson(app, 'rheine-abh', { givenName: 'Amina', familyName: 'Yusuf' })).id;
  });
  afterAll(() => app?.stop());

  const send = async (referralType: string, purpose = 'benefit_handover'): Promise<string> => {
    return (
      await createReferralViaApi(app, 'rheine-abh', {
        personId,
        receiver: 'jobcenter-steinfurt',
        purpose,
        referralType,
      })
    ).id;
  };
  const deadlinesOf = (id: string) =>
    eventually(
      async () => (await hubQuery('SELECT kind FROM hub.referral_deadline WHERE referral_id = $1', [id])).length > 0,
      15000,
    );
  const escalated = async (partner: string, id: string) => {
    const res = await app.gql(
      partner,
      `{ notifications(first: 20) { edges { node { type eventId referral { id status } person { id } } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data.notifications.edges
      .map((e: any) => e.node)
      .filter((n: any) => n.type === 'referral.escalated' && n.eventId && escalationIds.get(id)?.includes(n.eventId));
  };
  const escalationIds = new Map<string, string[]>();
  const escalationsOf = async (id: string) => {
    const rows = await hubQuery(`SELECT id FROM hub.outbox WHERE type = 'referral.escalated' AND aggregate_id = $1`, [
      id,
    ]);
    escalationIds.set(
      id,
      rows.map((r) => r.id),
    );
    return rows.length;
  };
  const passDeadline = async (days: number) => {
    clock.t += days * DAY + MINUTE;
    await app.workers!.sla.scheduler.resync();
  };

  it('an unanswered benefit handover escalates to the agreement\u2019s partner and the sender; the receiver is not told', async () => {
    // Agreement: the jobcenter acknowledges within 2 days, else rheine-social is called in.
    const id = await send('benefit_handover');
    await deadlinesOf(id);
    await passDeadline(2);
    expect(await escalationsOf(id)).toBe(1);

    // The escalation partner may know the person but is no party of the referral: it sees the person's id, not the referral.
    const social = await eventually(async () => {
      const n = await escalated('rheine-social', id);
      return n.length ? n : undefined;
    }, 15000);
    expect(social).toEqual([
      { type: 'referral.escalated', eventId: escalationIds.get(id)![0], referral: null, person: { id: personId } },
    ]);
    const sender = await eventually(async () => {
      const n = await escalated('rheine-abh', id);
      return n.length ? n : undefined;
    }, 15000);
    expect(sender).toEqual([
      {
        type: 'referral.escalated',
        eventId: escalationIds.get(id)![0],
        referral: { id, status: 'requested' },
        person: { id: personId },
      },
    ]);
    expect(await escalated('jobcenter-steinfurt', id)).toEqual([]);
    const rows = await hubQuery(
      `SELECT partner, category FROM hub.notification WHERE type = 'referral.escalated' AND referral_id = $1 ORDER BY partner`,
      [id],
    );
    expect(rows).toEqual([
      { partner: 'rheine-abh', category: 'case_notes' },
      { partner: 'rheine-social', category: 'case_notes' },
    ]);
  });

  it('an escalation partner that may not know the person is not told until it may (consent)', async () => {
    await app.container.subgraphs.hub.services.agreements.add({
      name: 'Test: escalation to an NGO',
      receiver: 'jobcenter-steinfurt',
      referralType: 'ngo_escalation',
      acknowledgeDays: 1,
      escalateTo: 'caritas-rheine',
      onBreach: 'escalate',
      validFrom: '2020-01-01',
      statuteOrDecision: 'Testbeschluss',
    });
    const first = await send('ngo_escalation', 'benefit_administration');
    await deadlinesOf(first);
    await passDeadline(1);
    expect(await escalationsOf(first)).toBe(1);
    // The sender is told; the NGO has neither a legal basis nor the person's consent.
    await eventually(async () => (await escalated('rheine-abh', first)).length === 1, 15000);
    expect(
      await hubQuery(
        `SELECT partner FROM hub.notification WHERE referral_id = $1 AND type = 'referral.escalated' ORDER BY partner`,
        [first],
      ),
    ).toEqual([{ partner: 'rheine-abh' }]);

    await recordConsentViaApi(app, 'rheine-social', {
      personId,
      purpose: 'case_management',
      recipients: ['caritas-rheine'],
      categories: ['identity'],
      evidenceRef: 'Einwilligung 2026/90',
    });
    const second = await send('ngo_escalation', 'benefit_administration');
    await deadlinesOf(second);
    await passDeadline(1);
    expect(await escalationsOf(second)).toBe(1);
    const ngo = await eventually(async () => {
      const n = await escalated('caritas-rheine', second);
      return n.length ? n : undefined;
    }, 15000);
    expect(ngo).toEqual([
      { type: 'referral.escalated', eventId: escalationIds.get(second)![0], referral: null, person: { id: personId } },
    ]);
  });
});
