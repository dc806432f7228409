import { ResidenceStatusCode } from '../../src/subgraphs/city/residence/residence.types';
import { startTestApp, TestApp } from '../helpers/app';
import { openJobcenterRecord, recordResidence, registerPerson } from '../factories';

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
    for (const [key, name] of [[RHEINE, 'Rheine'], [RHEINE, 'Rheine'], [EMSDETTEN, 'Emsdetten']]) {
      const p = await registerPerson(app, 'rheine-social', { givenName: 'X', familyName: name, municipalityKey: key });
      await recordResidence(app, 'rheine-abh', { personId: p.id, status: ResidenceStatusCode.tolerated, validFrom: '2024-01-01' });
      await openJobcenterRecord(app, 'jobcenter-steinfurt', { personId: p.id, municipalityKey: key, startedOn: '2024-01-01' });
    }
  });
  afterAll(() => app?.stop());

  const city = () => app.container.subgraphs.city.dataSource;
  const count = async (sql: string) => Number((await city().query(sql))[0].n);
  const as = <T>(jurisdiction: string[], fn: () => Promise<T>) => app.container.rowSecurity.run(jurisdiction, fn);

  it('connects as the non-superuser application role', async () => {
    const [row] = await city().query(`SELECT current_user AS who, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`);
    expect(row).toEqual({ who: 'lotse_app', superuser: false });
  });

  it('an unscoped query sees only the jurisdiction of the request it serves', async () => {
    expect(await as([RHEINE], () => count('SELECT count(*) AS n FROM city.person'))).toBe(2);
    expect(await as([EMSDETTEN], () => count('SELECT count(*) AS n FROM city.person'))).toBe(1);
    expect(await as(['05566'], () => count('SELECT count(*) AS n FROM city.person'))).toBe(3);
    expect(await as(['05515'], () => count('SELECT count(*) AS n FROM city.person'))).toBe(0);
    // Background work acts as the hub itself.
    expect(await count('SELECT count(*) AS n FROM city.person')).toBe(3);
  });

  it('dependent and other subgraphs’ rows follow: residence statuses, jobcenter records', async () => {
    expect(await as([EMSDETTEN], () => count('SELECT count(*) AS n FROM city.residence_status'))).toBe(1);
    const jc = app.container.subgraphs.jobcenter.dataSource;
    expect(await as([EMSDETTEN], async () => Number((await jc.query('SELECT count(*) AS n FROM jobcenter.jobcenter_record'))[0].n))).toBe(1);
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
    await expect(as([RHEINE], () => city().query(`UPDATE city.person SET family_name = 'hijack' WHERE municipality_key = '${EMSDETTEN}'`))).resolves.toBeDefined();
    expect(await count(`SELECT count(*) AS n FROM city.person WHERE family_name = 'hijack'`)).toBe(0);
  });

  it('a request’s connections carry its jurisdiction through the gateway too', async () => {
    const actor = { subject: 's', partner: 'rheine-social', scopes: ['persons:read'], jurisdiction: [EMSDETTEN], purpose: 'case_management', requestId: 'req-rls' };
    // The service's own scoping and the database agree; a person outside is invisible either way.
    const page = await as(actor.jurisdiction, () => app.container.subgraphs.city.services.persons.list(actor, { first: 10 }));
    expect(page.edges.map((e) => e.node.familyName)).toEqual(['Emsdetten']);
  });
});
