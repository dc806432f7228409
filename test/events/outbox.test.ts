import { UnrecoverableError, Worker } from 'bullmq';
import { createRedisConnection } from '../../src/shared/redis';
import { queueKeyPrefix } from '../../src/shared/redis.keys';
import { startTestApp, TestApp, eventually, flushPrefix } from '../helpers/app';
import { registerPerson } from '../factories';
import type { RegisterPersonInput } from '../../src/subgraphs/city/person/person.types';
import { systemActor } from '../../src/shared/actor';
import { EVENT_TYPES } from '../../src/events/event-types';
import { assertJobHandlers } from '../../src/jobs/job.registry';
import { asHub } from '../helpers/system';

// As the hub: outside a context city.person shows no rows, and "unchanged" would always hold.
const count = async (app: TestApp, sql: string, params: unknown[] = []) =>
  (await asHub(app, () => app.container.subgraphs.city.dataSource.query(sql, params)))[0].n as number;

describe('transactional outbox', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ gateway: false });
  });
  afterAll(() => app?.stop());

  const register = (familyName: string, extra: Partial<RegisterPersonInput> = {}) =>
    registerPerson(app, 'rheine-social', { givenName: 'Amina', familyName, ...extra });
  /** Whether the city's outbox row is acknowledged (the job does it after every consumer). */
  const acknowledged = async (id: string): Promise<boolean> => {
    const [row] = await app.container.subgraphs.city.dataSource.query(
      `SELECT acked_at FROM city.outbox WHERE id = $1`,
      [id],
    );
    return row.acked_at !== null;
  };

  it('a failed transaction leaves neither the change nor its event', async () => {
    const persons = await count(app, 'SELECT count(*)::int AS n FROM city.person');
    const events = await count(app, 'SELECT count(*)::int AS n FROM city.outbox');
    // The household does not exist: the service fails inside its transaction, after validation.
    await expect(register('Yusuf', { householdId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    // A failure after the outbox row was written rolls both back.
    const ds = app.container.subgraphs.city.dataSource;
    await expect(
      ds.transaction(async (em) => {
        await app.container.outbox.append(em, systemActor(), {
          type: 'person.registered',
          personId: null,
          aggregateType: 'Person',
          aggregateId: '00000000-0000-4000-8000-000000000001',
          payload: { personId: 'x', municipalityKey: '05566076', householdId: null },
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await count(app, 'SELECT count(*)::int AS n FROM city.person')).toBe(persons);
    expect(await count(app, 'SELECT count(*)::int AS n FROM city.outbox')).toBe(events);
  });

  it('refuses to append outside a transaction', async () => {
    const em = app.container.subgraphs.city.dataSource.manager;
    await expect(
      app.container.outbox.append(em, systemActor(), {
        type: 'person.registered',
        personId: null,
        aggregateType: 'Person',
        aggregateId: '00000000-0000-4000-8000-000000000002',
        payload: { personId: 'x', municipalityKey: '05566076', householdId: null },
      }),
    ).rejects.toThrow(/inside a transaction/);
  });

  it('a write by the hub itself names the system context it ran in, in the audit log', async () => {
    const person = await register('Karimi');
    const audited = async (eventId: string) =>
      (
        await app.container.subgraphs.hub.dataSource.query(
          `SELECT subject, partner FROM audit.entry WHERE detail->>'eventId' = $1`,
          [eventId],
        )
      )[0];
    const write = (actor = systemActor()) =>
      app.container.subgraphs.city.dataSource.transaction((em) =>
        app.container.outbox.append(em, actor, {
          type: 'person.moved',
          personId: person.id,
          aggregateType: 'Person',
          aggregateId: person.id,
          payload: {
            personId: person.id,
            fromMunicipalityKey: '05566076',
            toMunicipalityKey: '05566076',
            district: null,
          },
        }),
      );
    const inQueue = await app.container.rowSecurity.system('queue:events', () => write());
    expect(await audited(inQueue)).toEqual({ subject: 'system:queue:events', partner: 'lotse' });
    // A rule's own subject (or a partner's) is kept as it is.
    const byRule = await app.container.rowSecurity.system('queue:rules', () =>
      write({ ...systemActor(), partner: 'rheine-social', subject: 'rule:moved' }),
    );
    expect(await audited(byRule)).toEqual({ subject: 'rule:moved', partner: 'rheine-social' });
  });

  it('a committed event is delivered even when Redis lost it after publishing', async () => {
    const person = await register('Haddad');
    const [row] = await app.container.subgraphs.city.dataSource.query(
      `SELECT id FROM city.outbox WHERE person_id = $1`,
      [person.id],
    );
    // Published to Redis, then Redis loses everything before any worker ran.
    expect(await app.container.relay.tick()).toBeGreaterThanOrEqual(1);
    expect(await app.container.queues.events.getJob(row.id)).toBeDefined();
    await flushPrefix(app.queuePrefix);
    expect(await app.container.queues.events.getJob(row.id)).toBeUndefined();
    // Not re-sent before the redelivery delay; re-sent after it.
    expect(await app.container.relay.tick(60000)).toBe(0);
    expect(await app.container.relay.tick(0)).toBeGreaterThanOrEqual(1);
    const workers = await app.startWorkers();
    try {
      await eventually(
        async () => (await app.container.subgraphs.hub.services.biography.newestFor([person.id], 10)).length === 1,
      );
      // Acknowledged after every consumer, of which the biography is only the first.
      await eventually(() => acknowledged(row.id));
    } finally {
      // Also when it failed: workers left running would take the next test's jobs.
      await workers.close();
    }
    // Acknowledged events are never published again.
    expect(await app.container.relay.tick(0)).toBe(0);
  });

  it('publishing the same event twice adds one job (event id = job id)', async () => {
    const person = await register('Nouri');
    await app.container.relay.tick(0);
    await app.container.relay.tick(0);
    const [row] = await app.container.subgraphs.city.dataSource.query(
      `SELECT id FROM city.outbox WHERE person_id = $1`,
      [person.id],
    );
    const counts = await app.container.queues.events.getJobCounts('wait', 'active', 'completed', 'delayed');
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const jobs = await app.container.queues.events.getJobs(['wait', 'active', 'completed', 'delayed']);
    expect(jobs.filter((j) => j.id === row.id)).toHaveLength(1);
    expect(Object.keys(jobs.find((j) => j.id === row.id)!.data).sort()).toEqual(['eventId', 'source']);
  });

  it('an event whose job used up its attempts gets a new round when it is redelivered', async () => {
    const person = await register('Sadiq');
    const [row] = await app.container.subgraphs.city.dataSource.query(
      `SELECT id FROM city.outbox WHERE person_id = $1`,
      [person.id],
    );
    const { events } = app.container.queues;
    await app.container.relay.tick(0);
    // A worker whose every attempt fails (as when its database is down past the last backoff).
    const connection = createRedisConnection(app.container.redisUrl);
    const failing = new Worker(
      events.name,
      async () => {
        throw new UnrecoverableError('database unreachable');
      },
      { connection, prefix: queueKeyPrefix(app.container.config.queuePrefix) },
    );
    try {
      await eventually(async () => (await events.getJobState(row.id)) === 'failed');
    } finally {
      await failing.close();
      connection.disconnect();
    }
    // Before the redelivery delay nothing happens; redelivery moves the failed job back to waiting.
    await app.container.relay.tick(60000);
    expect(await events.getJobState(row.id)).toBe('failed');
    await app.container.relay.tick(0);
    expect(await events.getJobState(row.id)).toBe('waiting');
    const workers = await app.startWorkers();
    try {
      const biography = () => app.container.subgraphs.hub.services.biography.newestFor([person.id], 10);
      await eventually(async () => (await biography()).some((e) => e.eventId === row.id));
      await eventually(() => acknowledged(row.id));
    } finally {
      await workers.close();
    }
  });

  it('publishes every unacknowledged event at once when its Redis connection is ready again', async () => {
    const person = await register('Rahimi');
    const [row] = await app.container.subgraphs.city.dataSource.query(
      `SELECT id FROM city.outbox WHERE person_id = $1`,
      [person.id],
    );
    const { relay, queues, redis } = app.container;
    relay.start();
    try {
      await eventually(async () => (await queues.events.getJob(row.id)) !== undefined);
      // Redis lost it; the next redelivery would be a minute away.
      await queues.events.remove(row.id);
      expect(await relay.tick()).toBe(0);
      redis.emit('ready');
      await eventually(async () => (await queues.events.getJob(row.id)) !== undefined);
    } finally {
      await relay.stop();
    }
  });
});

describe('events worker boot', () => {
  it('refuses to boot when an event type has no handler', () => {
    const handlers = Object.fromEntries(EVENT_TYPES.map((t) => [t, async () => undefined]));
    expect(() => assertJobHandlers('events', EVENT_TYPES, handlers)).not.toThrow();
    const { ['person.moved']: _dropped, ...missing } = handlers;
    expect(() => assertJobHandlers('events', EVENT_TYPES, missing)).toThrow(/no handler for person.moved/);
    expect(() =>
      assertJobHandlers('events', EVENT_TYPES, { ...handlers, 'person.unknown': async () => undefined }),
    ).toThrow(/unknown job names person.unknown/);
  });
});
