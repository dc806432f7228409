import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '../../src/events/relay';
import { systemActor } from '../../src/shared/actor';
import { createDataSource } from '../../src/shared/database';
import { cityEntities } from '../../src/subgraphs/city/city.subgraph';
import { eventually, startTestApp, TestApp } from '../helpers/app';

/**
 * The relay is woken by commits (LISTEN/NOTIFY), not by its poll: here the poll interval is a
 * minute, so only a wake-up can publish within the bounded waits below.
 */
describe('outbox relay wake-up', () => {
  let app: TestApp;
  /** A second connection pool, as another process (e.g. the API) would write with. */
  let writer: DataSource;

  beforeAll(async () => {
    app = await startTestApp({ gateway: false, env: { OUTBOX_RELAY_INTERVAL_MS: '60000' } });
    writer = createDataSource({
      url: app.db.url,
      schema: 'city',
      entities: [...cityEntities],
      migrations: [],
      poolSize: 1,
      applicationName: 'lotse-test-writer',
    });
    await writer.initialize();
    app.container.relay.start();
    // The first tick at start ran; from now on only wake-ups publish within a minute.
    await eventually(async () => app.container.relay.listenerPid);
  });
  afterAll(async () => {
    await writer?.destroy();
    await app?.stop();
  });

  /** Appends a `person.moved` event through `ds`; `fail` rolls the transaction back after the append. */
  const append = async (ds: DataSource, fail = false): Promise<string> => {
    let id = '';
    const personId = randomUUID();
    await ds
      .transaction(async (em) => {
        id = await app.container.outbox.append(em, systemActor(), {
          type: 'person.moved',
          personId: null,
          aggregateType: 'Person',
          aggregateId: personId,
          payload: { personId, fromMunicipalityKey: '05566076', toMunicipalityKey: '05566076', district: null },
        });
        if (fail) throw new Error('rolled back');
      })
      .catch((err: Error) => {
        if (err.message !== 'rolled back') throw err;
      });
    return id;
  };
  const queued = (id: string) => eventually(async () => app.container.queues.events.getJob(id), 5000, 20);

  it('a committed row is published at once, also when another connection pool wrote it', async () => {
    expect(await queued(await append(app.container.subgraphs.city.dataSource))).toBeDefined();
    expect(await queued(await append(writer))).toBeDefined();
  });

  it('a rolled-back transaction publishes nothing', async () => {
    const rolledBack = await append(writer, true);
    const committed = await append(writer);
    await queued(committed);
    expect(await app.container.queues.events.getJob(rolledBack)).toBeUndefined();
    const rows = await writer.query('SELECT id FROM city.outbox WHERE id = $1', [rolledBack]);
    expect(rows).toHaveLength(0);
  });

  it('listens again after its connection was terminated; what was committed meanwhile is published', async () => {
    const before = app.container.relay.listenerPid!;
    await writer.query('SELECT pg_terminate_backend($1)', [before]);
    // Committed while the listener is (most likely) gone: the reconnect looks at the outbox.
    const inGap = await append(writer);
    const after = await eventually(async () => {
      const pid = app.container.relay.listenerPid;
      return pid && pid !== before ? pid : undefined;
    }, 5000);
    const listening = await writer.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND application_name = 'lotse-relay-listen'`,
      [after],
    );
    expect(listening[0].n).toBe(1);
    expect(await queued(inGap)).toBeDefined();
    // And new commits wake it again.
    expect(await queued(await append(writer))).toBeDefined();
  });

  it('without LISTEN the poll still publishes (the fallback)', async () => {
    const polling = new OutboxRelay(
      app.container.outboxStores,
      app.container.queues.events,
      { intervalMs: 100, redeliverAfterMs: 60000 },
      app.container.log,
      app.container.rowSecurity,
    );
    await app.container.relay.stop();
    polling.start();
    try {
      expect(await queued(await append(writer))).toBeDefined();
    } finally {
      await polling.stop();
    }
  });
});

describe('outbox relay ticks', () => {
  it('never overlap: wake-ups during a tick run exactly one more tick after it', async () => {
    let active = 0;
    let most = 0;
    let ticks = 0;
    let release: () => void = () => undefined;
    const store = {
      source: 'city',
      async publishPending(): Promise<number> {
        ticks++;
        active++;
        most = Math.max(most, active);
        await new Promise<void>((r) => (release = r));
        active--;
        return 0;
      },
    };
    const noLog = { debug: () => undefined, warn: () => undefined } as never;
    const rowSecurity = { system: (_: string, fn: () => Promise<number>) => fn() } as never;
    const relay = new OutboxRelay(
      [store as never],
      {} as never,
      { intervalMs: 60000, redeliverAfterMs: 1 },
      noLog,
      rowSecurity,
    );
    relay.start();
    await eventually(async () => ticks === 1, 1000, 5);
    for (let i = 0; i < 5; i++) relay.wake('city');
    release();
    await eventually(async () => ticks === 2, 1000, 5);
    release();
    // Nothing asked for a third tick: none runs (the poll is a minute away).
    await new Promise((r) => setTimeout(r, 100));
    expect({ ticks, most }).toEqual({ ticks: 2, most: 1 });
    const stopped = relay.stop();
    release();
    await stopped;
  });
  it('a busy outbox that keeps waking the relay does not keep the poll from the others', async () => {
    const calls: Record<string, number> = { city: 0, hub: 0 };
    const store = (source: string) => ({
      source,
      async publishPending(): Promise<number> {
        calls[source]++;
        return 0;
      },
    });
    const noLog = { debug: () => undefined, warn: () => undefined } as never;
    const rowSecurity = { system: (_: string, fn: () => Promise<number>) => fn() } as never;
    const relay = new OutboxRelay(
      [store('city'), store('hub')] as never,
      {} as never,
      { intervalMs: 100, redeliverAfterMs: 1 },
      noLog,
      rowSecurity,
    );
    relay.start();
    await eventually(async () => calls.city === 1 && calls.hub === 1, 1000, 5);
    // The hub is woken every 10 ms, more often than the poll interval.
    const busy = setInterval(() => relay.wake('hub'), 10);
    try {
      await eventually(async () => calls.city >= 3, 2000, 10);
    } finally {
      clearInterval(busy);
      await relay.stop();
    }
    expect(calls.hub).toBeGreaterThan(calls.city);
  });
});
