import { Logger as TypeOrmLogger } from 'typeorm';
import { EventOf, isEventOf } from '../../src/events/event-types';
import { OutboxEvent } from '../../src/events/outbox.entity';
import { hubEventHandlers } from '../../src/subgraphs/hub/hub.consumers';
import { Recipient } from '../../src/subgraphs/hub/notification/notification.routing';
import { startTestApp, TestApp } from '../helpers/app';
import { FAST_WEBHOOKS } from '../webhooks/fixtures';
import { createReferralViaApi, createWebhookEndpoint, registerPerson } from '../factories';

/**
 * What the events worker's handlers cost in SQL: the statements they send, in order, seen by a
 * query logger. No workers run, so the only statements are those of the handler under test.
 */
describe('events worker statements', () => {
  let app: TestApp;
  let personId: string;
  let log: string[] | null = null;

  beforeAll(async () => {
    app = await startTestApp({ env: FAST_WEBHOOKS });
    personId = (await registerPerson(app, 'rheine-social', { givenName: 'Samira', familyName: 'Haddad' })).id;
    const spy: TypeOrmLogger = {
      logQuery: (q) => void log?.push(q.replace(/\s+/g, ' ').trim()),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    (app.container.subgraphs.hub.dataSource as unknown as { logger: TypeOrmLogger }).logger = spy;
  });
  afterAll(() => app?.stop());

  const hub = () => app.container.subgraphs.hub;
  const record = async <T>(fn: () => Promise<T>): Promise<string[]> => {
    log = [];
    try {
      await fn();
      return log;
    } finally {
      log = null;
    }
  };
  /** The referral's status_changed events, oldest first (draft, then requested). */
  const stepsOf = async (referralId: string): Promise<Array<EventOf<'referral.status_changed'>>> => {
    const rows = await hub()
      .dataSource.getRepository(OutboxEvent)
      .find({ where: { aggregateId: referralId, type: 'referral.status_changed' }, order: { occurredAt: 'ASC' } });
    return rows.filter((r): r is EventOf<'referral.status_changed'> => isEventOf(r, 'referral.status_changed'));
  };
  /** rheine-social hands a case to the jobcenter: a seeded agreement gives the referral deadlines. */
  const handover = async (): Promise<string> =>
    (
      await createReferralViaApi(app, 'rheine-social', {
        personId,
        receiver: 'jobcenter-steinfurt',
        purpose: 'benefit_administration',
        referralType: 'benefit_handover',
      })
    ).id;
  const handlers = () => hubEventHandlers(hub().services, hub().dataSource);

  it('writes a referral step’s biography entry and settles its deadlines in one transaction', async () => {
    const id = await handover();
    const [, sent] = await stepsOf(id);
    expect(sent.payload.to).toBe('requested');
    const sql = await record(() => handlers()['referral.status_changed'](sent, 'hub'));
    const begin = sql.indexOf('START TRANSACTION');
    const commit = sql.indexOf('COMMIT');
    const insert = sql.findIndex((q) => q.startsWith('INSERT INTO hub.biography_entry'));
    const lock = sql.findIndex((q) => q.startsWith('SELECT id FROM hub.referral WHERE id = $1 FOR UPDATE'));
    expect(begin).toBeGreaterThanOrEqual(0);
    expect(insert).toBeGreaterThan(begin);
    expect(lock).toBeGreaterThan(begin);
    expect(commit).toBeGreaterThan(Math.max(insert, lock));
    expect(sql.filter((q) => q === 'COMMIT')).toHaveLength(1);
    const [entries] = await hub().dataSource.query(
      'SELECT count(*)::int AS n FROM hub.biography_entry WHERE event_id = $1',
      [sent.id],
    );
    expect(entries.n).toBe(1);
    const deadlines = await hub().dataSource.query('SELECT kind FROM hub.referral_deadline WHERE referral_id = $1', [
      id,
    ]);
    expect(deadlines.length).toBeGreaterThan(0);
  });

  it('starts the timers of deadlines it just created without asking Redis about them', async () => {
    const sla = app.container.queues.sla;
    const asked = jest.spyOn(sla, 'getJobState');
    try {
      const id = await handover();
      const [, sent] = await stepsOf(id);
      await handlers()['referral.status_changed'](sent, 'hub');
      const kinds: Array<{ kind: string }> = await hub().dataSource.query(
        'SELECT kind FROM hub.referral_deadline WHERE referral_id = $1 ORDER BY kind',
        [id],
      );
      expect(kinds.length).toBeGreaterThan(0);
      expect(asked).not.toHaveBeenCalled();
      for (const { kind } of kinds) expect(await sla.getJobState(`${id}.${kind}`)).toBe('delayed');
      asked.mockClear();
      // Handled again (a redelivered event): the deadlines exist, so their timers are checked.
      await handlers()['referral.status_changed'](sent, 'hub');
      expect(asked).toHaveBeenCalledTimes(kinds.length);
    } finally {
      asked.mockRestore();
    }
  });

  it('does not lock or settle a referral for its draft step, which moves no deadline', async () => {
    const id = await handover();
    const [draft] = await stepsOf(id);
    expect(draft.payload.to).toBe('draft');
    const sql = await record(() => handlers()['referral.status_changed'](draft, 'hub'));
    expect(sql.filter((q) => q.includes('FOR UPDATE') || q.includes('referral_deadline'))).toEqual([]);
    const [entries] = await hub().dataSource.query(
      'SELECT count(*)::int AS n FROM hub.biography_entry WHERE event_id = $1',
      [draft.id],
    );
    expect(entries.n).toBe(1);
  });

  it('fans an event out to every endpoint of every recipient in the same two statements', async () => {
    for (const partner of ['vhs-rheine', 'fbs-rheine'])
      for (const n of [1, 2])
        await createWebhookEndpoint(app, partner, {
          url: `http://127.0.0.1:9/${partner}/${n}`,
          eventTypes: ['referral.requested'],
        });
    const id = await handover();
    const [, sent] = await stepsOf(id);
    const recipient = (partner: string): Recipient => ({
      partner,
      type: 'referral.requested',
      eventId: sent.id,
      personId,
      referralId: id,
      category: 'identity',
      occurredAt: sent.occurredAt,
    });
    const webhooks = hub().services.webhooks;
    let created = 0;
    const one = await record(async () => {
      created = await webhooks.fanOut(sent, 'hub', [recipient('vhs-rheine')]);
    });
    expect(created).toBe(2);
    const [, other] = await stepsOf(await handover());
    const two = await record(async () => {
      created = await webhooks.fanOut(other, 'hub', [
        { ...recipient('vhs-rheine'), eventId: other.id },
        { ...recipient('fbs-rheine'), eventId: other.id },
      ]);
    });
    expect(created).toBe(4);
    expect(two).toHaveLength(one.length);
    expect(one).toHaveLength(2);
    // Handled again: nothing new.
    expect(await webhooks.fanOut(sent, 'hub', [recipient('vhs-rheine')])).toBe(0);
    const jobs = await app.container.queues.webhooks.getJobCounts('wait', 'delayed', 'prioritized');
    expect(Object.values(jobs).reduce((a, b) => a + b, 0)).toBe(6);
  });
});
