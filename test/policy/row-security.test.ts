import { ResidenceStatusCode } from '../../src/subgraphs/city/residence/residence.types';
import { startTestApp, TestApp } from '../helpers/app';
import { openJobcenterRecord, personInput, recordResidence, registerPerson } from '../factories';
import pino from 'pino';
import { systemActor } from '../../src/shared/actor';
import { withContextName } from '../../src/shared/logger';
import { RowSecurityContext, rowSecurityClient } from '../../src/shared/row-security';
import { APP_ROLE } from '../../src/shared/row-security.sql';

/**
 * The second line: even a query without any WHERE clause (a service bug) returns only rows of the
 * requesting partner's jurisdiction, because PostgreSQL enforces it for the non-superuser app role.
 */
describe('row-level security', () => {
  let app: TestApp;
  const RHEINE = '05566076';
  const EMSDETTEN = '05566008';

  beforeAll(async () => {
    app = await startTestApp({ gateway: false });
    for (const [key, name] of [
      [RHEINE, 'Rheine'],
      [RHEINE, 'Rheine'],
      [EMSDETTEN, 'Emsdetten'],
    ]) {
      const p = await registerPerson(app, 'rheine-social', { givenName: 'X', familyName: name, municipalityKey: key });
      await recordResidence(app, 'rheine-abh', {
        personId: p.id,
        status: ResidenceStatusCode.tolerated,
        validFrom: '2024-01-01',
      });
      await openJobcenterRecord(app, 'jobcenter-steinfurt', {
        personId: p.id,
        municipalityKey: key,
        startedOn: '2024-01-01',
      });
    }
  });
  afterAll(() => app?.stop());

  const city = () => app.container.subgraphs.city.dataSource;
  const count = async (sql: string) => Number((await city().query(sql))[0].n);
  const as = <T>(jurisdiction: string[], fn: () => Promise<T>) => app.container.rowSecurity.run(jurisdiction, fn);
  const system = <T>(name: string, fn: () => Promise<T>) => app.container.rowSecurity.system(name, fn);

  it('connects as the non-superuser application role', async () => {
    const [row] = await city().query(
      `SELECT current_user AS who, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
    );
    expect(row).toEqual({ who: 'lotse_app', superuser: false });
  });

  it('an unscoped query sees only the jurisdiction of the request it serves', async () => {
    expect(await as([RHEINE], () => count('SELECT count(*) AS n FROM city.person'))).toBe(2);
    expect(await as([EMSDETTEN], () => count('SELECT count(*) AS n FROM city.person'))).toBe(1);
    expect(await as(['05566'], () => count('SELECT count(*) AS n FROM city.person'))).toBe(3);
    expect(await as(['05515'], () => count('SELECT count(*) AS n FROM city.person'))).toBe(0);
    // Background work says so, and then acts as the hub itself.
    expect(await system('test', () => count('SELECT count(*) AS n FROM city.person'))).toBe(3);
  });

  it('outside any request or system context, protected tables show no rows (fail closed)', async () => {
    // The same pooled connections served the system context just before: the setting is reapplied.
    await system('test', () => count('SELECT count(*) AS n FROM city.person'));
    for (const table of ['city.person', 'city.residence_status', 'city.person_name']) {
      expect(await count(`SELECT count(*) AS n FROM ${table}`)).toBe(0);
      expect(await system('test', () => count(`SELECT count(*) AS n FROM ${table}`))).toBeGreaterThan(0);
    }
    const jc = app.container.subgraphs.jobcenter.dataSource;
    expect(Number((await jc.query('SELECT count(*) AS n FROM jobcenter.jobcenter_record'))[0].n)).toBe(0);
    // Writes through a service fail too: the new row would be invisible to its own RETURNING.
    await expect(
      app.container.subgraphs.city.services.persons.register(
        { ...systemActor(), partner: 'rheine-social' },
        personInput({ givenName: 'Y', familyName: 'Outside', municipalityKey: RHEINE }),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(
      await system('test', () => count(`SELECT count(*) AS n FROM city.person WHERE family_name = 'Outside'`)),
    ).toBe(0);
    // Tables without a jurisdiction policy are unaffected.
    const hub = app.container.subgraphs.hub.dataSource;
    expect(Number((await hub.query('SELECT count(*) AS n FROM hub.partner'))[0].n)).toBeGreaterThan(0);
  });

  it('a query on a protected table outside any context is reported once per table', async () => {
    const rs = new RowSecurityContext();
    const reported: string[] = [];
    const Client = rowSecurityClient(rs, { appRole: APP_ROLE, onOutsideContext: (table) => reported.push(table) });
    const client = new Client({ connectionString: app.db.url });
    await client.connect();
    try {
      for (let i = 0; i < 2; i++) await client.query('SELECT count(*) FROM "city"."person" "p"');
      await client.query('SELECT count(*) FROM courses.course_provider');
      await client.query('SELECT count(*) FROM hub.partner');
      await rs.system('test', () => client.query('SELECT count(*) FROM jobcenter.jobcenter_record'));
      await rs.run([RHEINE], () => client.query('SELECT count(*) FROM city.household'));
      expect(reported).toEqual(['city.person', 'courses.course_provider']);
    } finally {
      await client.end();
    }
  });

  it('log lines written inside a system context carry its name', async () => {
    const rs = app.container.rowSecurity;
    const lines: Array<Record<string, unknown>> = [];
    const log = withContextName(
      pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
      () => rs.systemName(),
    );
    log.info('outside');
    await rs.system('retention', async () =>
      log.child({ component: 'retention' }).info({ task: 'city.person' }, 'inside'),
    );
    await rs.run([RHEINE], async () => log.info('request'));
    expect(lines.map((l) => [l.msg, l.context])).toEqual([
      ['outside', undefined],
      ['inside', 'retention'],
      ['request', undefined],
    ]);
  });

  it('a system context has a name; a request has none, and neither leaks past its callback', async () => {
    const rs = app.container.rowSecurity;
    expect(rs.systemName()).toBeNull();
    expect(await system('retention', async () => rs.systemName())).toBe('retention');
    expect(await system('outer', () => as([RHEINE], async () => rs.systemName()))).toBeNull();
    expect(rs.systemName()).toBeNull();
    expect(rs.current()).toBe('');
  });

  it('dependent and other subgraphs’ rows follow: residence statuses, name index, jobcenter records', async () => {
    expect(await as([EMSDETTEN], () => count('SELECT count(*) AS n FROM city.residence_status'))).toBe(1);
    expect(await as([EMSDETTEN], () => count('SELECT count(DISTINCT person_id) AS n FROM city.person_name'))).toBe(1);
    const jc = app.container.subgraphs.jobcenter.dataSource;
    expect(
      await as([EMSDETTEN], async () =>
        Number((await jc.query('SELECT count(*) AS n FROM jobcenter.jobcenter_record'))[0].n),
      ),
    ).toBe(1);
  });

  it('a prefix that is not an AGS (an empty one would match everything) grants nothing', async () => {
    expect(await as([''], () => count('SELECT count(*) AS n FROM city.person'))).toBe(0);
    expect(await as(["' OR true --"], () => count('SELECT count(*) AS n FROM city.person'))).toBe(0);
  });

  it('cannot be switched off by the application role', async () => {
    // In a transaction, so the setting cannot linger on a pooled connection.
    await expect(
      as([RHEINE], () =>
        city().transaction(async (em) => {
          await em.query('SET LOCAL row_security = off');
          return em.query('SELECT count(*) FROM city.person');
        }),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      as([RHEINE], () =>
        city().query(`UPDATE city.person SET family_name = 'hijack' WHERE municipality_key = '${EMSDETTEN}'`),
      ),
    ).resolves.toBeDefined();
    expect(
      await system('test', () => count(`SELECT count(*) AS n FROM city.person WHERE family_name = 'hijack'`)),
    ).toBe(0);
  });

  it('a request’s connections carry its jurisdiction through the gateway too', async () => {
    const actor = {
      subject: 's',
      partner: 'rheine-social',
      scopes: ['persons:read'],
      jurisdiction: [EMSDETTEN],
      purpose: 'case_management',
      requestId: 'req-rls',
    };
    // The service's own scoping and the database agree; a person outside is invisible either way.
    const page = await as(actor.jurisdiction, () =>
      app.container.subgraphs.city.services.persons.list(actor, { first: 10 }),
    );
    expect(page.edges.map((e) => e.node.familyName)).toEqual(['Emsdetten']);
  });
});
