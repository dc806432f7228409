import { EventJobData } from '../../src/events/event-types';
import type { CreateReferralInput } from '../../src/subgraphs/hub/referral/referral.types';
import { hubEventHandlers } from '../../src/subgraphs/hub/hub.consumers';
import { createEventsProcessor } from '../../workers/events.worker';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { createReferralViaApi, recordConsentViaApi, registerPerson } from '../factories';

const INBOX = `query($unreadOnly: Boolean, $first: Int, $after: String) {
  notifications(unreadOnly: $unreadOnly, first: $first, after: $after) {
    totalCount unreadCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id type occurredAt readAt eventId referral { id status sender receiver } person { id } } }
  }
}`;
const MARK = `mutation($ids: [ID!], $all: Boolean) { markNotificationsRead(ids: $ids, all: $all) }`;

describe('notification inbox', () => {
  let app: TestApp;
  let personId: string;
  let hubQuery: (sql: string, params?: unknown[]) => Promise<any[]>;

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    hubQuery = (sql, params = []) => app.container.subgraphs.hub.dataSource.query(sql, params);
    personId = await register('Samira', 'Haddad');
  });
  afterAll(() => app?.stop());

  const register = async (givenName: string, familyName: string): Promise<string> =>
    (await registerPerson(app, 'rheine-social', { givenName, familyName })).id;
  const refer = async (sender: string, input: Partial<CreateReferralInput>): Promise<string> => {
    const created = await createReferralViaApi(app, sender, { personId, ...input });
    expect(created.status).toBe('requested');
    return created.id;
  };
  const inbox = async (partner: string, vars: Record<string, unknown> = {}) => {
    const res = await app.gql(partner, INBOX, vars);
    expect(res.body.errors).toBeUndefined();
    return res.body.data.notifications;
  };
  // Small pages: a page's estimated cost counts against the partner's per-minute budget.
  const nodes = async (partner: string, vars: Record<string, unknown> = {}) =>
    (await inbox(partner, { first: 20, ...vars })).edges.map((e: any) => e.node);
  /** Waits until the partner's inbox holds a notification of this type about this referral. */
  const arrives = (partner: string, type: string, referralId: string) =>
    eventually(
      async () => (await nodes(partner)).find((n: any) => n.type === type && n.referral?.id === referralId),
      15000,
      250,
    );
  const mark = async (partner: string, vars: Record<string, unknown>) => {
    const res = await app.gql(partner, MARK, vars);
    return res.body;
  };

  it('a sent referral reaches the receiver as referral.requested, not the sender; the acceptance reaches the sender as referral.accepted', async () => {
    const id = await refer('rheine-social', {
      receiver: 'jobcenter-steinfurt',
      purpose: 'benefit_administration',
      referralType: 'job_placement',
    });
    const requested = await arrives('jobcenter-steinfurt', 'referral.requested', id);
    expect(requested).toMatchObject({
      readAt: null,
      referral: { id, status: 'requested', sender: 'rheine-social', receiver: 'jobcenter-steinfurt' },
      person: { id: personId },
    });
    // The event id is the outbox row of the transition.
    const [row] = await hubQuery(`SELECT id FROM hub.outbox WHERE aggregate_id = $1 AND payload->>'to' = 'requested'`, [
      id,
    ]);
    expect(requested.eventId).toBe(row.id);

    const accepted = await app.gql('jobcenter-steinfurt', `mutation($id: ID!) { acceptReferral(id: $id) { status } }`, {
      id,
    });
    expect(accepted.body.data.acceptReferral.status).toBe('accepted');
    const told = await arrives('rheine-social', 'referral.accepted', id);
    expect(told).toMatchObject({ referral: { id, status: 'accepted' }, person: { id: personId } });

    // The one who acted hears nothing of its own action, and nobody else hears anything.
    expect((await nodes('rheine-social')).filter((n: any) => n.referral?.id === id).map((n: any) => n.type)).toEqual([
      'referral.accepted',
    ]);
    expect(
      (await nodes('jobcenter-steinfurt')).filter((n: any) => n.referral?.id === id).map((n: any) => n.type),
    ).toEqual(['referral.requested']);
    const [{ n }] = await hubQuery(`SELECT count(*)::int AS n FROM hub.notification WHERE referral_id = $1`, [id]);
    expect(n).toBe(2);
    // Ids, codes and times only: no column could hold a name.
    const columns = await hubQuery(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'hub' AND table_name = 'notification' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => c.column_name)).toEqual([
      'id',
      'partner',
      'type',
      'event_id',
      'person_id',
      'referral_id',
      'category',
      'occurred_at',
      'created_at',
      'read_at',
    ]);
  });

  it('unreadOnly, first/after (newest first) and markNotificationsRead by ids and all; others\u2019 ids change nothing', async () => {
    // rheine-asylblg receives four referrals and nothing else in this file.
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(
        await refer('rheine-social', {
          receiver: 'rheine-asylblg',
          purpose: 'benefit_administration',
          referralType: `check_${i}`,
        }),
      );
    await eventually(async () => (await inbox('rheine-asylblg')).totalCount === 4, 15000);

    const page1 = await inbox('rheine-asylblg', { first: 3 });
    expect(page1).toMatchObject({ totalCount: 4, unreadCount: 4, pageInfo: { hasNextPage: true } });
    const page2 = await inbox('rheine-asylblg', { first: 3, after: page1.pageInfo.endCursor });
    expect(page2).toMatchObject({ totalCount: 4, unreadCount: 4, pageInfo: { hasNextPage: false } });
    const order = [...page1.edges, ...page2.edges].map((e: any) => e.node.referral.id);
    expect(order).toEqual([...ids].reverse());
    const byReferral = new Map<string, string>(
      [...page1.edges, ...page2.edges].map((e: any) => [e.node.referral.id, e.node.id]),
    );
    const notificationOf = (referralId: string) => byReferral.get(referralId)!;

    // Another partner's ids are ignored: not an error, not counted, nothing changes.
    expect(await mark('rheine-social', { ids: [notificationOf(ids[0])] })).toEqual({
      data: { markNotificationsRead: 0 },
    });
    expect((await inbox('rheine-asylblg')).unreadCount).toBe(4);

    expect(await mark('rheine-asylblg', { ids: [notificationOf(ids[0]), notificationOf(ids[1])] })).toEqual({
      data: { markNotificationsRead: 2 },
    });
    // Already read: nothing changes again.
    expect(await mark('rheine-asylblg', { ids: [notificationOf(ids[0])] })).toEqual({
      data: { markNotificationsRead: 0 },
    });
    const unread = await inbox('rheine-asylblg', { unreadOnly: true });
    expect(unread).toMatchObject({ totalCount: 2, unreadCount: 2 });
    expect(unread.edges.map((e: any) => e.node.referral.id)).toEqual([ids[3], ids[2]]);
    const all = await nodes('rheine-asylblg');
    expect(
      all
        .filter((n: any) => n.readAt)
        .map((n: any) => n.referral.id)
        .sort(),
    ).toEqual([ids[0], ids[1]].sort());
    // Pages of unread ones too.
    const u1 = await inbox('rheine-asylblg', { unreadOnly: true, first: 1 });
    const u2 = await inbox('rheine-asylblg', { unreadOnly: true, first: 1, after: u1.pageInfo.endCursor });
    expect([u1.edges[0].node.referral.id, u2.edges[0].node.referral.id, u2.pageInfo.hasNextPage]).toEqual([
      ids[3],
      ids[2],
      false,
    ]);

    // all: true by another partner leaves these alone.
    await mark('rheine-social', { all: true });
    expect((await inbox('rheine-asylblg')).unreadCount).toBe(2);
    expect(await mark('rheine-asylblg', { all: true })).toEqual({ data: { markNotificationsRead: 2 } });
    expect(await inbox('rheine-asylblg', { unreadOnly: true })).toMatchObject({
      totalCount: 0,
      unreadCount: 0,
      edges: [],
    });
    expect((await inbox('rheine-asylblg')).totalCount).toBe(4);

    // Unclear requests are refused with the field named.
    for (const vars of [{}, { ids: [notificationOf(ids[0])], all: true }, { ids: ['not-an-id'] }]) {
      expect((await mark('rheine-asylblg', vars)).errors[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'ids',
      });
    }
    expect((await app.gql('rheine-asylblg', INBOX, { after: 'nonsense' })).body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
    expect((await app.gql('rheine-asylblg', INBOX, { first: 101 })).body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'first',
    });
    // Without a token: nothing.
    expect((await app.gql(null, INBOX)).status).toBe(401);
  });

  it('a partner reading without referrals:read gets referral null, not an error', async () => {
    const id = await refer('rheine-social', {
      receiver: 'jobcenter-steinfurt',
      purpose: 'benefit_administration',
      referralType: 'scope_check',
    });
    const n = await arrives('jobcenter-steinfurt', 'referral.requested', id);
    // The same notification read with a token lacking the scope.
    const token = await app.token('jobcenter-steinfurt', ['persons:read']);
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: INBOX, variables: { first: 20 } }),
    });
    const body = (await res.json()) as any;
    expect(body.errors).toBeUndefined();
    const same = body.data.notifications.edges.map((e: any) => e.node).find((x: any) => x.id === n.id);
    expect(same).toMatchObject({ type: 'referral.requested', referral: null, person: { id: personId } });
  });

  it('re-processing the same outbox event adds no notification', async () => {
    const id = await refer('rheine-social', {
      receiver: 'jobcenter-steinfurt',
      purpose: 'benefit_administration',
      referralType: 'reprocess_check',
    });
    await arrives('jobcenter-steinfurt', 'referral.requested', id);
    const [event] = await hubQuery(
      `SELECT id, type FROM hub.outbox WHERE aggregate_id = $1 AND payload->>'to' = 'requested'`,
      [id],
    );
    const count = async () =>
      (await hubQuery(`SELECT count(*)::int AS n FROM hub.notification WHERE event_id = $1`, [event.id]))[0].n;
    expect(await count()).toBe(1);
    // As if the worker died after handling the event but before acknowledging it: the job runs again.
    const process = createEventsProcessor(
      app.container,
      hubEventHandlers(app.container.subgraphs.hub.services, app.container.subgraphs.hub.dataSource),
    );
    for (let i = 0; i < 2; i++) {
      await hubQuery(`UPDATE hub.outbox SET acked_at = NULL WHERE id = $1`, [event.id]);
      await process({ name: event.type, data: { eventId: event.id, source: 'hub' } satisfies EventJobData } as any);
    }
    expect(await count()).toBe(1);
    expect((await nodes('jobcenter-steinfurt')).filter((n: any) => n.referral?.id === id)).toHaveLength(1);
  });

  it('a withdrawn consent takes the person\u2019s unread notifications from recipients left without a basis, audited; read ones and those of recipients with a basis stay', async () => {
    const other = await register('Yonas', 'Berhane');
    const social = (q: string, v: Record<string, unknown>) => app.gql('rheine-social', q, v);
    const consentId = await recordConsentViaApi(app, 'rheine-social', {
      personId: other,
      purpose: 'integration_course_referral',
      recipients: ['vhs-rheine'],
      categories: ['identity', 'contact'],
      evidenceRef: 'Einwilligung 2026/77',
    });
    const send = async (receiver: string, purpose: string, referralType: string) => {
      const created = await createReferralViaApi(app, 'rheine-social', {
        personId: other,
        receiver,
        purpose,
        referralType,
      });
      expect(created.status).toBe('requested');
      return created.id;
    };
    // Two referrals to the course provider rest on the consent; the jobcenter has a legal basis.
    const read = await send('vhs-rheine', 'integration_course_referral', 'integration_course');
    const unread = await send('vhs-rheine', 'integration_course_referral', 'language_course');
    const lawful = await send('jobcenter-steinfurt', 'benefit_administration', 'job_placement');
    const readNote = await arrives('vhs-rheine', 'referral.requested', read);
    await arrives('vhs-rheine', 'referral.requested', unread);
    const jobcenterNote = await arrives('jobcenter-steinfurt', 'referral.requested', lawful);
    expect(await mark('vhs-rheine', { ids: [readNote.id] })).toEqual({ data: { markNotificationsRead: 1 } });

    await social(`mutation($id: ID!) { withdrawConsent(input: { consentId: $id }) { active } }`, { id: consentId });
    const audit = () =>
      app.container.subgraphs.hub.dataSource.query(
        `SELECT kind, partner, subject, categories, basis, operation, detail FROM audit.entry WHERE person_ref = $1 AND subject = 'notifications'`,
        [app.container.audit.pseudonym(other)],
      );
    const [entry] = await eventually(async () => {
      const rows = await audit();
      return rows.length ? rows : undefined;
    }, 15000);
    expect(entry).toEqual({
      kind: 'erasure',
      partner: 'lotse',
      subject: 'notifications',
      categories: ['case_notes'],
      basis: `consent:${consentId}`,
      operation: 'consent.withdrawn',
      detail: { record: 'notification', reason: 'consent_withdrawn', recipient: 'vhs-rheine', count: 1 },
    });

    // Both referrals were cancelled; the course provider hears of that, and of nothing from before.
    const vhs = async () => (await nodes('vhs-rheine')).filter((n: any) => [read, unread].includes(n.referral?.id));
    const after = await eventually(async () => {
      const ns = await vhs();
      return ns.filter((n: any) => n.type === 'referral.cancelled').length === 2 ? ns : undefined;
    }, 15000);
    expect(after.filter((n: any) => n.type === 'referral.requested').map((n: any) => n.id)).toEqual([readNote.id]);
    expect(after.filter((n: any) => !n.readAt).map((n: any) => n.type)).toEqual([
      'referral.cancelled',
      'referral.cancelled',
    ]);
    // The jobcenter may still know the person: its unread notification stays.
    expect((await nodes('jobcenter-steinfurt')).find((n: any) => n.id === jobcenterNote.id)).toMatchObject({
      readAt: null,
    });
    // Processing the withdrawal again drops nothing more and writes no second entry.
    const [event] = await hubQuery(
      `SELECT id, type FROM hub.outbox WHERE type = 'consent.withdrawn' AND aggregate_id = $1`,
      [consentId],
    );
    const process = createEventsProcessor(
      app.container,
      hubEventHandlers(app.container.subgraphs.hub.services, app.container.subgraphs.hub.dataSource),
    );
    await hubQuery(`UPDATE hub.outbox SET acked_at = NULL WHERE id = $1`, [event.id]);
    await process({ name: event.type, data: { eventId: event.id, source: 'hub' } } as any);
    expect(await audit()).toHaveLength(1);
    expect((await vhs()).map((n: any) => n.id).sort()).toEqual(after.map((n: any) => n.id).sort());
    expect((await app.container.audit.verify()).ok).toBe(true);
  });
  it('an event from before a withdrawal that is handled only after it leaves nothing for a recipient without a basis', async () => {
    const late = await register('Nour', 'Saleh');
    const consentId = await recordConsentViaApi(app, 'rheine-social', {
      personId: late,
      purpose: 'integration_course_referral',
      recipients: ['vhs-rheine'],
      categories: ['identity'],
      evidenceRef: 'Einwilligung 2026/78',
    });
    const { id } = await createReferralViaApi(app, 'rheine-social', {
      personId: late,
      receiver: 'vhs-rheine',
      purpose: 'integration_course_referral',
      referralType: 'integration_course',
    });
    await arrives('vhs-rheine', 'referral.requested', id);
    const [event] = await hubQuery(
      `SELECT id, type FROM hub.outbox WHERE aggregate_id = $1 AND payload->>'to' = 'requested'`,
      [id],
    );
    // As if the event were still waiting in a backlog: its notification does not exist yet.
    await hubQuery('DELETE FROM hub.notification WHERE event_id = $1', [event.id]);

    await app.gql('rheine-social', `mutation($id: ID!) { withdrawConsent(input: { consentId: $id }) { active } }`, {
      id: consentId,
    });
    await eventually(
      async () =>
        (
          await hubQuery(
            `SELECT 1 FROM hub.outbox WHERE type = 'consent.withdrawn' AND aggregate_id = $1 AND acked_at IS NOT NULL`,
            [consentId],
          )
        ).length,
      15000,
    );
    // Now the old event is handled.
    const process = createEventsProcessor(
      app.container,
      hubEventHandlers(app.container.subgraphs.hub.services, app.container.subgraphs.hub.dataSource),
    );
    await hubQuery('UPDATE hub.outbox SET acked_at = NULL WHERE id = $1', [event.id]);
    await process({ name: event.type, data: { eventId: event.id, source: 'hub' } } as any);
    expect(await hubQuery('SELECT partner FROM hub.notification WHERE event_id = $1', [event.id])).toEqual([]);
    const entries = await hubQuery(
      `SELECT detail, basis FROM audit.entry WHERE subject = 'notifications' AND request_id = $1`,
      [event.id],
    );
    expect(entries).toEqual([
      {
        detail: { record: 'notification', reason: 'consent_withdrawn', recipient: 'vhs-rheine', count: 1 },
        basis: `consent:${consentId}`,
      },
    ]);
  });
});
