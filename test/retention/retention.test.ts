/**
 * Retention against the real database and Redis, with a controlled clock: data is created "in
 * 2020" and "in 2029", the clock moves to 2030, and a run must erase or pseudonymise exactly what
 * the rules say, record each erasure in the audit log by pseudonym only, and leave the audit
 * chain verifying. Tests run in order and share the data.
 * The CLI part runs the BUILT program (`npm run build` first; `npm test` does it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, Queue } from 'bullmq';
import { IsNull } from 'typeorm';
import { Client } from 'pg';
import { loadConfig, ConfigError } from '../../src/config';
import { isKnownEvent } from '../../src/events/event-types';
import { OutboxEvent } from '../../src/events/outbox.entity';
import { RetentionRuleError } from '../../src/retention/retention.rules';
import { RetentionTaskSummary } from '../../src/retention/retention.types';
import { CityPersonRetentionTask, ERASED_NAME } from '../../src/retention/tasks/city-person.task';
import { systemActor } from '../../src/shared/actor';
import { Clock } from '../../src/shared/time';
import { assertJobHandlers, createQueue, jobNames } from '../../src/jobs/job.registry';
import { maintenanceQueue, MaintenanceJobData } from '../../src/jobs/queues';
import {
  ensureRetentionSchedule,
  maintenanceHandlers,
  RETENTION_SCHEDULER_ID,
  startMaintenanceWorker,
} from '../../workers/retention.worker';
import { eventually, flushPrefix, startTestApp, TestApp } from '../helpers/app';
import { cliEnv, ROOT, runCli } from '../helpers/lotse-process';
import { ResidenceStatusCode } from '../../src/subgraphs/city/residence/residence.types';
import type { RecordConsentInput } from '../../src/subgraphs/hub/consent/consent.types';
import { recordConsent, recordResidence, registerPerson } from '../factories';
import { asHub } from '../helpers/system';

jest.setTimeout(120_000);

let current = new Date('2020-01-15T10:00:00.000Z');
const clock: Clock = { now: () => new Date(current.getTime()) };
const setClock = (iso: string) => {
  current = new Date(iso);
};

const T0 = '2020-01-15T10:00:00.000Z';
const T1 = '2029-06-01T10:00:00.000Z';
const T_RUN = '2030-03-01T10:00:00.000Z';

let app: TestApp;
const social = () => ({ ...systemActor(), partner: 'rheine-social' });
const abh = () => ({ ...systemActor(), partner: 'rheine-abh' });

/** Own connection as the database superuser: sees everything, as an auditor would. */
async function sql<T = any>(query: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: app.db.url });
  await client.connect();
  try {
    return (await client.query(query, params)).rows as T[];
  } finally {
    await client.end();
  }
}
const one = async (query: string, params: unknown[] = []) => (await sql(query, params))[0];

/** What the events worker does, synchronously: every unacknowledged outbox row becomes a biography entry. */
async function consumeOutbox(): Promise<void> {
  const { subgraphs } = app.container;
  for (const store of app.container.outboxStores) {
    const ds = subgraphs[store.source as keyof typeof subgraphs].dataSource;
    const rows = await ds
      .getRepository(OutboxEvent)
      .find({ where: { ackedAt: IsNull() }, order: { occurredAt: 'ASC' } });
    for (const row of rows) {
      if (isKnownEvent(row)) await subgraphs.hub.services.biography.record(row, store.source);
      await store.ack(row.id);
    }
  }
}

async function register(familyName: string, municipalityKey = '05566076') {
  return registerPerson(app, social(), {
    givenName: 'Amina',
    familyName,
    birthDate: '1990-05-01',
    municipalityKey,
    nameVariants: [`${familyName}a`],
    address: { street: 'Emsstraße', houseNumber: '1', postalCode: '48431', locality: 'Rheine', district: 'Dorenkamp' },
  });
}

const residence = (personId: string, status: ResidenceStatusCode, validFrom: string) =>
  recordResidence(app, abh(), { personId, status, validFrom });

const consent = (personId: string, purpose: string, extra: Partial<RecordConsentInput> = {}) =>
  recordConsent(app, social(), {
    personId,
    purpose,
    recipients: ['caritas-rheine'],
    categories: ['identity', 'contact'],
    evidenceRef: 'Akte 4711, Blatt 3',
    ...extra,
  });

const withdraw = (consentId: string) => app.container.subgraphs.hub.services.consents.withdraw(social(), { consentId });

const ids: Record<string, string> = {};
const consents: Record<string, string> = {};

/** Everything that changes in a run: row counts, the person columns retention touches, the audit head. */
async function snapshot() {
  return {
    biography: await sql('SELECT event_id FROM hub.biography_entry ORDER BY event_id'),
    consents: await sql('SELECT id FROM hub.consent ORDER BY id'),
    persons: await sql(
      'SELECT id, given_name, family_name, birth_date, street, search_names, updated_at FROM city.person ORDER BY id',
    ),
    audit: await one('SELECT count(*)::int AS n, max(seq)::int AS head FROM audit.entry'),
  };
}

const byTask = (summaries: RetentionTaskSummary[]) => Object.fromEntries(summaries.map((s) => [s.task, s]));

beforeAll(async () => {
  app = await startTestApp({ gateway: false, clock });

  // 2020: A is naturalised, B moves to Münster (outside every partner's jurisdiction), C stays
  // with an expired consent, F moves within the district of Steinfurt (still served).
  setClock(T0);
  const a = await register('Alpha');
  const b = await register('Bravo');
  const c = await register('Charlie');
  const f = await register('Foxtrot');
  Object.assign(ids, { a: a.id, b: b.id, c: c.id, f: f.id });
  await residence(a.id, ResidenceStatusCode.naturalised, '2020-01-10');
  await residence(c.id, ResidenceStatusCode.settlement_permit, '2019-06-01');
  await asHub(app, () =>
    app.container.subgraphs.city.services.persons.move(social(), {
      personId: b.id,
      municipalityKey: '05515000',
      address: { locality: 'Münster' },
    }),
  );
  await asHub(app, () =>
    app.container.subgraphs.city.services.persons.move(social(), {
      personId: f.id,
      municipalityKey: '05566008',
      address: { locality: 'Emsdetten' },
    }),
  );
  consents.a = (await consent(a.id, 'case_management')).id;
  await withdraw(consents.a);
  consents.b = (await consent(b.id, 'case_management')).id; // active, no end
  consents.cExpired = (await consent(c.id, 'case_management', { validUntil: new Date('2021-01-01T00:00:00Z') })).id;
  await consumeOutbox();

  // 2029: D is naturalised recently; D withdraws a consent; C withdraws a statistics consent.
  setClock(T1);
  const d = await register('Delta');
  ids.d = d.id;
  await residence(d.id, ResidenceStatusCode.naturalised, '2029-05-01');
  consents.d = (await consent(d.id, 'case_management')).id;
  await withdraw(consents.d);
  consents.cStatistics = (await consent(c.id, 'statistics')).id;
  await withdraw(consents.cStatistics);
  await consumeOutbox();

  setClock(T_RUN);
});
afterAll(async () => {
  await app?.stop();
});

describe('rules', () => {
  it('the migration seeds a complete, valid set of demo rules', async () => {
    const rules = await app.container.retention.rules();
    expect(rules.filter((r) => r.recordType === 'biography_entry')).toHaveLength(9);
    expect(
      rules
        .filter((r) => r.recordType === 'biography_entry')
        .every((r) => r.retainDays === 3650 && r.action === 'erase' && r.purpose === null),
    ).toBe(true);
    expect(rules.find((r) => r.recordType === 'consent')).toMatchObject({
      category: 'identity',
      purpose: null,
      retainDays: 1095,
      action: 'erase',
    });
    expect(rules.find((r) => r.recordType === 'person')).toMatchObject({
      category: 'identity',
      purpose: null,
      retainDays: 1095,
      action: 'pseudonymise',
    });
    for (const r of rules) expect(r.statute.length && r.description.length).toBeTruthy();
  });

  it('the database refuses a period of 0 days, an unknown action and a second rule for the same key', async () => {
    const insert = (recordType: string, category: string, purpose: string | null, days: number, action: string) =>
      sql(
        `INSERT INTO hub.retention_rule (record_type, category, purpose, retain_days, action, description, statute) VALUES ($1, $2, $3, $4, $5, 'x', 'x')`,
        [recordType, category, purpose, days, action],
      );
    await expect(insert('consent', 'identity', 'statistics', 0, 'erase')).rejects.toThrow(/check constraint/);
    await expect(insert('consent', 'identity', 'statistics', 10, 'shred')).rejects.toThrow(/check constraint/);
    await expect(insert('webhook', 'identity', null, 10, 'erase')).rejects.toThrow(/check constraint/);
    await expect(insert('consent', 'identity', null, 10, 'erase')).rejects.toThrow(/retention_rule_unique/);
  });

  it('refuses to run, erasing nothing, while a rule does not fit its task or the vocabulary', async () => {
    const before = await snapshot();
    const bad = await sql<{ id: string }>(
      `INSERT INTO hub.retention_rule (record_type, category, purpose, retain_days, action, description, statute) VALUES
        ('consent', 'identity', 'case_management', 10, 'pseudonymise', 'x', 'x'),
        ('person', 'identity', 'statistics', 10, 'pseudonymise', 'x', 'x'),
        ('biography_entry', 'hobbies', NULL, 10, 'erase', 'x', 'x'),
        ('consent', 'health', NULL, 10, 'erase', 'x', 'x')
       RETURNING id`,
    );
    try {
      const err = await app.container.retention.run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(RetentionRuleError);
      const problems = (err as RetentionRuleError).problems.join('\n');
      expect(problems).toMatch(/hub.consent supports erase, not pseudonymise/);
      expect(problems).toMatch(/city.person records have no purpose/);
      expect(problems).toMatch(/biography_entry\/hobbies.*unknown data category/);
      expect(problems).toMatch(/hub.consent records have no category health/);
      await expect(app.container.retention.run({ dryRun: true })).rejects.toBeInstanceOf(RetentionRuleError);
      expect(await snapshot()).toEqual(before);
    } finally {
      await sql('DELETE FROM hub.retention_rule WHERE id = ANY($1::uuid[])', [bad.map((r) => r.id)]);
    }
  });

  it("takes the DPO's changes: a shorter period for one category, a purpose-specific rule that beats the general one", async () => {
    // Residence entries only 200 days; statistics consents 30 days after their end.
    await sql(
      `UPDATE hub.retention_rule SET retain_days = 200 WHERE record_type = 'biography_entry' AND category = 'residence'`,
    );
    await sql(`INSERT INTO hub.retention_rule (record_type, category, purpose, retain_days, action, description, statute)
               VALUES ('consent', 'identity', 'statistics', 30, 'erase', 'Statistics consents: 30 days after their end (test)', 'Art. 89 DSGVO')`);
    expect((await app.container.retention.rules()).filter((r) => r.recordType === 'consent')).toHaveLength(2);
  });
});

describe('a run', () => {
  let dry: RetentionTaskSummary[];
  let before: Awaited<ReturnType<typeof snapshot>>;

  it('dry run: counts what is due and writes nothing', async () => {
    before = await snapshot();
    dry = await app.container.retention.run({ dryRun: true });
    expect(await snapshot()).toEqual(before);
    const t = byTask(dry);
    // 2020: A 4 entries, B 3, C 3, F 2; 2029: D's residence entry (200-day rule).
    expect(t['hub.biography_entry']).toMatchObject({
      dryRun: true,
      erased: 13,
      pseudonymised: 0,
      persons: 5,
      batches: 0,
      auditEntries: 0,
    });
    // A's withdrawn (2020), C's expired (2021) and C's statistics consent (purpose rule: 30 days).
    expect(t['hub.consent']).toMatchObject({ dryRun: true, erased: 3, pseudonymised: 0, persons: 2 });
    // A naturalised in 2020, B moved to Münster in 2020.
    expect(t['city.person']).toMatchObject({ dryRun: true, erased: 0, pseudonymised: 2, persons: 2 });
  });

  it("erases and pseudonymises exactly what is due, in batches, and reports the dry run's counts", async () => {
    const done = await app.container.retention.run({ batchSize: 2 });
    const t = byTask(done);
    for (const s of dry)
      expect(t[s.task]).toMatchObject({
        erased: s.erased,
        pseudonymised: s.pseudonymised,
        persons: s.persons,
        dryRun: false,
      });
    expect(t['hub.biography_entry'].batches).toBe(7); // 13 rows, 2 per transaction
    expect(t['city.person'].batches).toBe(1);

    // Biography: only the 2029 entries remain, less D's residence entry.
    const left = await sql<{ person_id: string; type: string }>(
      'SELECT person_id, type FROM hub.biography_entry ORDER BY person_id, type',
    );
    expect(left).toEqual(
      [
        { person_id: ids.c, type: 'consent.given' },
        { person_id: ids.c, type: 'consent.withdrawn' },
        { person_id: ids.d, type: 'consent.given' },
        { person_id: ids.d, type: 'consent.withdrawn' },
        { person_id: ids.d, type: 'person.registered' },
      ].sort((x, y) => (x.person_id + x.type).localeCompare(y.person_id + y.type)),
    );

    // Consents: B's active one and D's withdrawn in 2029 (general rule: 3 years) remain.
    expect((await sql('SELECT id FROM hub.consent')).map((r) => r.id).sort()).toEqual([consents.b, consents.d].sort());

    // Persons: A and B pseudonymised, keeping id, municipality, household and residence history.
    const persons = await sql(`SELECT * FROM city.person WHERE id = ANY($1::uuid[]) ORDER BY family_name`, [
      [ids.a, ids.b, ids.c, ids.d, ids.f],
    ]);
    const byId = Object.fromEntries(persons.map((p) => [p.id, p]));
    for (const id of [ids.a, ids.b]) {
      expect(byId[id]).toMatchObject({
        given_name: ERASED_NAME,
        family_name: ERASED_NAME,
        name_variants: [],
        search_names: [],
        birth_date: null,
        street: null,
        house_number: null,
        postal_code: null,
        locality: null,
        district: null,
      });
    }
    expect(byId[ids.a].municipality_key).toBe('05566076');
    expect(byId[ids.b].municipality_key).toBe('05515000');
    // Nothing searchable is left: the name index follows search_names.
    const indexed = await sql('SELECT DISTINCT person_id FROM city.person_name WHERE person_id = ANY($1::uuid[])', [
      [ids.a, ids.b, ids.c],
    ]);
    expect(indexed.map((r) => r.person_id)).toEqual([ids.c]);
    expect(await one('SELECT count(*)::int AS n FROM city.residence_status WHERE person_id = $1', [ids.a])).toEqual({
      n: 1,
    });
    for (const id of [ids.c, ids.d, ids.f]) {
      expect(byId[id].given_name).toBe('Amina');
      expect(byId[id].birth_date).not.toBeNull();
      expect(byId[id].locality).not.toBeNull(); // F moved: Emsdetten
      expect(byId[id].search_names.length).toBeGreaterThan(0);
    }
  });

  it('leaves the audit chain verifying, with one erasure entry per person and rule by pseudonym only', async () => {
    const audit = app.container.audit;
    const verified = await audit.verify();
    expect(verified.ok).toBe(true);
    expect(verified.rows).toBe(
      before.audit.n + (await one(`SELECT count(*)::int AS n FROM audit.entry WHERE kind = 'erasure'`)).n,
    );

    const entries = await sql(`SELECT * FROM audit.entry WHERE kind = 'erasure' ORDER BY seq`);
    expect(entries.length).toBeGreaterThan(0);
    expect(new Set(entries.map((e) => e.request_id)).size).toBe(1);
    for (const e of entries) {
      // Background work names its system context in the audit log.
      expect(e).toMatchObject({ partner: 'lotse', subject: 'system:retention', operation: 'retention' });
      expect(e.person_ref).toMatch(/^[0-9a-f]{64}$/);
      expect(e.basis).toMatch(/^retention_rule:[0-9a-f-]{36}$/);
      expect(Object.keys(e.detail).sort()).toEqual(['action', 'count', 'record', 'retainDays', 'task']);
    }
    // Per person: what was done, summed over batches.
    const sum = (personId: string, task: string, category: string) =>
      entries
        .filter(
          (e) =>
            e.person_ref === audit.pseudonym(personId) && e.detail.task === task && e.categories.includes(category),
        )
        .reduce((n, e) => n + e.detail.count, 0);
    expect(sum(ids.a, 'hub.biography_entry', 'identity')).toBe(3); // registered, consent given, withdrawn
    expect(sum(ids.a, 'hub.biography_entry', 'residence')).toBe(1);
    expect(sum(ids.a, 'hub.consent', 'identity')).toBe(1);
    expect(sum(ids.a, 'city.person', 'identity')).toBe(1);
    expect(sum(ids.b, 'city.person', 'identity')).toBe(1);
    expect(sum(ids.d, 'hub.biography_entry', 'residence')).toBe(1);
    expect(sum(ids.c, 'hub.consent', 'identity')).toBe(2);
    expect(sum(ids.f, 'hub.biography_entry', 'contact')).toBe(1);
    expect(
      entries.find((e) => e.person_ref === audit.pseudonym(ids.a) && e.detail.task === 'city.person').detail,
    ).toMatchObject({ action: 'pseudonymise', record: 'person', retainDays: 1095 });
    const stats = entries.find((e) => e.person_ref === audit.pseudonym(ids.c) && e.purpose === 'statistics');
    expect(stats.detail).toMatchObject({ task: 'hub.consent', action: 'erase', count: 1, retainDays: 30 });

    // No raw person id anywhere in the audit log (also not without dashes), erasure entries included.
    const text = (await one(`SELECT string_agg(e::text, E'\\n') AS t FROM audit.entry e`)).t.toLowerCase();
    for (const id of Object.values(ids)) {
      expect(text).not.toContain(id.toLowerCase());
      expect(text).not.toContain(id.replace(/-/g, '').toLowerCase());
    }
    // Art. 15: the erasure shows in the person's access report.
    expect((await audit.accessReport(ids.a)).some((r) => r.kind === 'erasure')).toBe(true);
  });

  it('a second run erases nothing and appends nothing', async () => {
    const head = await snapshot();
    const again = await app.container.retention.run();
    for (const s of again) expect(s).toMatchObject({ erased: 0, pseudonymised: 0, persons: 0, auditEntries: 0 });
    expect(await snapshot()).toEqual(head);
    for (const s of await app.container.retention.run({ dryRun: true }))
      expect(s).toMatchObject({ erased: 0, pseudonymised: 0 });
  });

  it('the moved-away criterion is off while no served area is known (an empty partner register erases nothing)', async () => {
    // A new person moved to Münster in 2020 would be due; without areas only naturalisation counts.
    setClock(T0);
    const g = await register('Golf');
    await asHub(app, () =>
      app.container.subgraphs.city.services.persons.move(social(), { personId: g.id, municipalityKey: '05515000' }),
    );
    setClock(T_RUN);
    const rules = (await app.container.retention.rules()).filter((r) => r.recordType === 'person');
    const city = app.container.subgraphs.city.dataSource;
    expect(
      await asHub(app, () => new CityPersonRetentionTask(city, async () => []).countDue(clock.now(), rules)),
    ).toMatchObject({ pseudonymise: 0 });
    expect(
      await asHub(app, () => new CityPersonRetentionTask(city, async () => ['05566']).countDue(clock.now(), rules)),
    ).toMatchObject({ pseudonymise: 1, persons: 1 });
    // Münster itself served: nobody has moved away.
    expect(
      await asHub(app, () =>
        new CityPersonRetentionTask(city, async () => ['05566', '05515']).countDue(clock.now(), rules),
      ),
    ).toMatchObject({ pseudonymise: 0 });
    ids.g = g.id;
    await consumeOutbox();
  });
});

describe('maintenance worker', () => {
  let queue: Queue<MaintenanceJobData>;
  beforeAll(() => {
    queue = createQueue(maintenanceQueue, app.container.redis, app.queuePrefix, app.container.log);
  });
  afterAll(async () => {
    await queue?.close();
  });

  it('refuses to boot when a job name has no handler, or a handler has no job name', async () => {
    const handlers = Object.fromEntries(jobNames(maintenanceQueue).map((n) => [n, async () => undefined]));
    expect(() => assertJobHandlers('maintenance', jobNames(maintenanceQueue), handlers)).not.toThrow();
    expect(() => assertJobHandlers('maintenance', jobNames(maintenanceQueue), {})).toThrow(
      /maintenance worker: no handler for retention/,
    );
    expect(() =>
      assertJobHandlers('maintenance', jobNames(maintenanceQueue), { ...handlers, vacuum: async () => undefined }),
    ).toThrow(/unknown job names vacuum/);
    await expect(startMaintenanceWorker(app.container, { handlers: {} })).rejects.toThrow(/no handler for retention/);
    // A pattern that passes the configuration's syntax check but cannot fire fails the boot too.
    const badSchedule = { ...app.container, config: { ...app.container.config, retentionSchedule: '99 3 * * *' } };
    await expect(startMaintenanceWorker(badSchedule)).rejects.toThrow(
      /cannot set up the retention schedule "99 3 \* \* \*"/,
    );
  });

  it('creates the job scheduler at start, and again after Redis lost everything', async () => {
    await app.startWorkers();
    const scheduler = await queue.getJobScheduler(RETENTION_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ name: 'retention', pattern: '15 3 * * *', tz: 'Europe/Berlin' });
    expect(scheduler!.next).toBeGreaterThan(Date.now());
    // The next job is waiting (delayed) for 03:15 Berlin time.
    const next = new Date(scheduler!.next!);
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(next);
    expect(berlin).toBe('03:15');

    await app.workers!.close();
    await flushPrefix(app.queuePrefix);
    expect(await queue.getJobScheduler(RETENTION_SCHEDULER_ID)).toBeUndefined();
    await app.startWorkers();
    expect(await queue.getJobScheduler(RETENTION_SCHEDULER_ID)).toMatchObject({ pattern: '15 3 * * *' });
  });

  it('re-creates a lost scheduler while running (periodic check)', async () => {
    const extra = await startMaintenanceWorker(app.container, { scheduleCheckMs: 100 });
    try {
      await queue.removeJobScheduler(RETENTION_SCHEDULER_ID);
      await eventually(async () => queue.getJobScheduler(RETENTION_SCHEDULER_ID), 10_000);
    } finally {
      await extra.close();
    }
  });

  it('a job added by hand runs through the worker and erases what is due', async () => {
    // G (moved to Münster in 2020) is due now that the partners' areas are known.
    const job = await queue.add('retention', {});
    const finished = await eventually(async () => {
      const j = await Job.fromId(queue, job.id!);
      return j?.finishedOn || j?.failedReason ? j : undefined;
    }, 20_000);
    expect(finished.failedReason).toBeUndefined();
    const result = finished.returnvalue as { summaries: RetentionTaskSummary[] };
    const t = byTask(result.summaries);
    expect(t['city.person']).toMatchObject({ pseudonymised: 1, persons: 1 });
    // G's two biography entries are from 2020: erased too.
    expect(t['hub.biography_entry']).toMatchObject({ erased: 2, persons: 1 });
    // The job's result is counts only.
    expect(JSON.stringify(result)).not.toContain(ids.g);
    expect(await one('SELECT given_name FROM city.person WHERE id = $1', [ids.g])).toEqual({ given_name: ERASED_NAME });
    expect((await app.container.audit.verify()).ok).toBe(true);
  });

  it('a job fails at once, without retries, while the rules are wrong', async () => {
    const [bad] = await sql<{
      id: string;
    }>(`INSERT INTO hub.retention_rule (record_type, category, purpose, retain_days, action, description, statute)
      VALUES ('consent', 'identity', 'case_management', 10, 'pseudonymise', 'x', 'x') RETURNING id`);
    try {
      const job = await queue.add('retention', {});
      const failed = await eventually(async () => {
        const j = await Job.fromId(queue, job.id!);
        return j?.finishedOn ? j : undefined;
      }, 20_000);
      expect(failed.failedReason).toMatch(/retention rules refused/);
      expect(failed.attemptsMade).toBe(1);
    } finally {
      await sql('DELETE FROM hub.retention_rule WHERE id = $1', [bad.id]);
    }
  });

  it('RETENTION_ENABLED=false: the scheduler is removed and a scheduled job does nothing', async () => {
    const disabled = { ...app.container, config: { ...app.container.config, retentionEnabled: false } };
    const before = await snapshot();
    await ensureRetentionSchedule(queue, disabled);
    expect(await queue.getJobScheduler(RETENTION_SCHEDULER_ID)).toBeUndefined();
    const result = await maintenanceHandlers(disabled).retention(
      { id: 'manual', name: 'retention', data: {} } as Job<MaintenanceJobData>,
      { log: app.container.log },
    );
    expect(result).toEqual({ skipped: 'disabled' });
    expect(await snapshot()).toEqual(before);
    // Restore for the rest of the file.
    await ensureRetentionSchedule(queue, app.container);
    expect(await queue.getJobScheduler(RETENTION_SCHEDULER_ID)).toBeDefined();
  });
});

describe('concurrent runs', () => {
  it('two runs at once share the work: nothing is erased or audited twice', async () => {
    // Five persons with entries from 2020, due now.
    setClock(T0);
    const fresh: string[] = [];
    for (const name of ['Hotel', 'India', 'Juliett', 'Kilo', 'Lima']) fresh.push((await register(name)).id);
    await consumeOutbox();
    setClock(T_RUN);
    const erasuresBefore = (await one(`SELECT count(*)::int AS n FROM audit.entry WHERE kind = 'erasure'`)).n;
    const [x, y] = await Promise.all([
      app.container.retention.run({ batchSize: 1 }),
      app.container.retention.run({ batchSize: 1 }),
    ]);
    const erased = byTask(x)['hub.biography_entry'].erased + byTask(y)['hub.biography_entry'].erased;
    expect(erased).toBe(5);
    expect(
      await one('SELECT count(*)::int AS n FROM hub.biography_entry WHERE person_id = ANY($1::uuid[])', [fresh]),
    ).toEqual({ n: 0 });
    // One entry per person: each row was erased (and audited) by exactly one of the runs.
    const refs = await sql(
      `SELECT person_ref FROM audit.entry WHERE kind = 'erasure' AND detail->>'task' = 'hub.biography_entry'`,
    );
    expect((await one(`SELECT count(*)::int AS n FROM audit.entry WHERE kind = 'erasure'`)).n - erasuresBefore).toBe(5);
    for (const id of fresh)
      expect(refs.filter((r) => r.person_ref === app.container.audit.pseudonym(id))).toHaveLength(1);
    expect((await app.container.audit.verify()).ok).toBe(true);
  });
});

describe('configuration', () => {
  it('schedules daily at 03:15 and is enabled by default; rejects a pattern that is not cron', () => {
    const base = { LOTSE_ENV: 'test' };
    expect(loadConfig(base)).toMatchObject({ retentionEnabled: true, retentionSchedule: '15 3 * * *' });
    expect(loadConfig({ ...base, RETENTION_ENABLED: 'false', RETENTION_SCHEDULE: '0 2 * * 0' })).toMatchObject({
      retentionEnabled: false,
      retentionSchedule: '0 2 * * 0',
    });
    expect(() => loadConfig({ ...base, RETENTION_SCHEDULE: 'daily' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, RETENTION_SCHEDULE: '15 3 * *' })).toThrow(
      /RETENTION_SCHEDULE must be a cron pattern/,
    );
    expect(() => loadConfig({ ...base, RETENTION_ENABLED: 'maybe' })).toThrow(
      /RETENTION_ENABLED must be true or false/,
    );
  });
});

describe('lotse retention (built CLI)', () => {
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  const queuePrefix = `lotse-test-cli-${process.pid}`;
  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'dist/src/retention/retention.service.js')))
      throw new Error('dist/ has no retention module: run "npm run build" first');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-retention-'));
    env = cliEnv(app, tmp, { queuePrefix });
  });
  afterAll(async () => {
    await flushPrefix(queuePrefix);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('run --dry-run prints one JSON line per task, counts only, and writes nothing', async () => {
    const before = await snapshot();
    const res = await runCli(['retention', 'run', '--dry-run'], env, 60_000);
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.task)).toEqual([
      'hub.biography_entry',
      'hub.consent',
      'city.person',
      'hub.notification',
      'hub.webhook_delivery',
      'city.client_case',
      'city.arrival_visit',
      'city.feedback_person_link',
    ]);
    for (const l of lines)
      expect(Object.keys(l).sort()).toEqual([
        'auditEntries',
        'batches',
        'dryRun',
        'erased',
        'persons',
        'pseudonymised',
        'recordType',
        'task',
      ]);
    expect(lines.every((l) => l.dryRun === true)).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a real run while disabled, and anything but "run"', async () => {
    const disabled = await runCli(['retention', 'run'], { ...env, RETENTION_ENABLED: 'false' }, 60_000);
    expect(disabled.code).toBe(2);
    expect(disabled.stderr).toMatch(/retention is disabled/);
    const usage = await runCli(['retention'], env, 60_000);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/lotse retention needs: run \[--dry-run\]/);
  });
});
