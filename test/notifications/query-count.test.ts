import { countQueries } from '../helpers/query-counter';
import { isEventOf } from '../../src/events/event-types';
import { OutboxEvent } from '../../src/events/outbox.entity';
import { startTestApp, TestApp } from '../helpers/app';
import { registerPerson } from '../factories';

/** House rule: no N+1. The referrals behind a page of notifications are read in one batch. */
describe('notification inbox query count', () => {
  let app: TestApp;
  let queries: ReturnType<typeof countQueries>;

  beforeAll(async () => {
    // No workers: nothing else queries while counting. The events are handed to the inbox directly.
    app = await startTestApp();
    const personId = (await registerPerson(app, 'rheine-social', { givenName: 'Lina', familyName: 'Aziz' })).id;
    for (let i = 0; i < 12; i++) {
      const res = await app.gql(
        'rheine-social',
        `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }`,
        {
          input: {
            personId,
            receiver: 'jobcenter-steinfurt',
            purpose: 'benefit_administration',
            referralType: `count_${i}`,
            send: true,
          },
        },
      );
      expect(res.body.errors).toBeUndefined();
    }
    const hub = app.container.subgraphs.hub;
    for (const e of await hub.dataSource
      .getRepository(OutboxEvent)
      .find({ where: { type: 'referral.status_changed' } })) {
      if (isEventOf(e, 'referral.status_changed')) await hub.services.notifications.notify(e);
    }
    queries = countQueries(app);
  });
  afterAll(() => app?.stop());

  async function countFor(first: number): Promise<number> {
    queries.reset();
    const res = await app.gql(
      'jobcenter-steinfurt',
      `query($first: Int) { notifications(first: $first) { totalCount edges { node {
      type referral { id status deadlines { kind } } person { id }
    } } } }`,
      { first },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.notifications.totalCount).toBe(12);
    expect(res.body.data.notifications.edges).toHaveLength(first);
    expect(
      res.body.data.notifications.edges.every((e: any) => e.node.type === 'referral.requested' && e.node.referral),
    ).toBe(true);
    return queries.count;
  }

  it('counts the same for 2 and 12 notifications', async () => {
    await countFor(1); // warm: the gateway caches the partner's registration
    const small = await countFor(2);
    const large = await countFor(12);
    expect(large).toBe(small);
    expect(small).toBeGreaterThanOrEqual(3); // counts, page, referrals: the counter sees the queries at all
  });
});
