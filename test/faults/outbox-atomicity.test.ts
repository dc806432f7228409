import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, TestApp } from '../helpers/app';
import { LotseProcess, ROOT } from '../helpers/lotse-process';
import { asHub } from '../helpers/system';
import { eventHandled } from '../helpers/wait';
import { REDIS_URL } from '../setup/pg';
import { registerPerson } from '../factories';
import { systemActor } from '../../src/shared/actor';

/**
 * The child: one committed write through the built program (dist/), then it waits to be killed. No
 * workers and no relay run there, so only a process started later can publish the event.
 */
const dist = (m: string) => JSON.stringify(path.join(ROOT, 'dist', 'src', m));
const CHILD = `
require('reflect-metadata');
const { loadConfig } = require(${dist('config')});
const { createContainer } = require(${dist('container')});
const { systemActor } = require(${dist('shared/actor')});
(async () => {
  const personId = process.env.FAULT_PERSON_ID;
  const container = await createContainer(loadConfig(), {
    databaseUrl: process.env.DATABASE_URL,
    redisUrl: process.env.REDIS_URL,
  });
  const eventId = await container.rowSecurity.system('test', () =>
    container.subgraphs.city.dataSource.transaction((em) =>
      container.outbox.append(em, systemActor(), {
        type: 'person.moved',
        personId,
        aggregateType: 'Person',
        aggregateId: personId,
        payload: { personId, fromMunicipalityKey: '05566076', toMunicipalityKey: '05566076', district: null },
      }),
    ),
  );
  process.stdout.write('committed ' + eventId + '\\n');
  setTimeout(() => process.exit(1), 60000); // bounded, should the parent be gone
})().catch((err) => {
  process.stderr.write(String(err.stack) + '\\n');
  process.exit(2);
});
`;

/**
 * F1: the outbox row, its audit entry and the change commit together. A transaction that fails
 * after Outbox.append leaves nothing to publish; a process killed right after its commit loses
 * nothing, because the next relay finds the row in PostgreSQL.
 */
describe('F1 outbox atomicity', () => {
  let app: TestApp;
  let personId: string;
  let dataDir: string;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'container.js')))
      throw new Error('run `npm run build` first: this test starts a child on dist/');
    app = await startTestApp({ gateway: false });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-f1-'));
    personId = (await registerPerson(app, 'rheine-social', { givenName: 'Lina', familyName: 'Haddad' })).id;
  });
  afterAll(async () => {
    await app?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const moved = () => ({
    type: 'person.moved' as const,
    personId,
    aggregateType: 'Person',
    aggregateId: personId,
    payload: { personId, fromMunicipalityKey: '05566076', toMunicipalityKey: '05566076', district: null },
  });
  const count = (sql: string, id: string) =>
    asHub(app, () => app.container.subgraphs.hub.dataSource.query(sql, [id])).then((r) => r[0].n as number);
  const outboxRows = (id: string) => count('SELECT count(*)::int AS n FROM city.outbox WHERE id = $1', id);
  const auditEntries = (id: string) =>
    count(`SELECT count(*)::int AS n FROM audit.entry WHERE detail->>'eventId' = $1`, id);
  const biographyEntries = (id: string) =>
    count('SELECT count(*)::int AS n FROM hub.biography_entry WHERE event_id = $1', id);

  it('a transaction that throws after Outbox.append leaves no event, no audit entry, and nothing is published', async () => {
    const ds = app.container.subgraphs.city.dataSource;
    let aborted = '';
    await expect(
      asHub(app, () =>
        ds.transaction(async (em) => {
          aborted = await app.container.outbox.append(em, systemActor(), moved());
          throw new Error('fails before commit');
        }),
      ),
    ).rejects.toThrow('fails before commit');
    expect(aborted).not.toBe('');
    const committed = await asHub(app, () =>
      ds.transaction((em) => app.container.outbox.append(em, systemActor(), moved())),
    );
    await app.startWorkers();
    // The later committed event went through every consumer: whatever the aborted one would do, it has done.
    await eventHandled(app, 'city', committed);
    expect(await biographyEntries(committed)).toBe(1);
    expect(await outboxRows(aborted)).toBe(0);
    expect(await auditEntries(aborted)).toBe(0);
    expect(await biographyEntries(aborted)).toBe(0);
    expect(await app.container.queues.events.getJob(aborted)).toBeUndefined();
    await app.workers!.close();
    app.workers = undefined;
  });

  it('a process killed right after its commit loses nothing: the next relay delivers the event once', async () => {
    const child = new LotseProcess(['-e', CHILD], {
      FAULT_PERSON_ID: personId,
      ...process.env,
      LOTSE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: app.db.url,
      DATABASE_APP_ROLE: 'lotse_app',
      REDIS_URL,
      LOTSE_QUEUE_PREFIX: app.queuePrefix,
      LOTSE_DATA_DIR: dataDir,
      LOTSE_INTERNAL_SECRET: app.internalSecret,
    });
    const line = await child.waitForLine((l) => l.startsWith('committed '), 30_000);
    await child.stop('SIGKILL', 5000);
    const eventId = line.slice('committed '.length).trim();
    // Committed, never published: the killed process ran no relay.
    expect(await outboxRows(eventId)).toBe(1);
    expect(await app.container.queues.events.getJob(eventId)).toBeUndefined();

    await app.startWorkers();
    await eventHandled(app, 'city', eventId);
    expect(await biographyEntries(eventId)).toBe(1);
    expect(await auditEntries(eventId)).toBe(1);
  });
});
