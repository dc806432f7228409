import { importedPersonId } from '../../src/import/person-import.ids';
import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { importRow } from '../factories/import-file.factory';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runPersonImport } from '../../src/import/person-import.run';
import { importCsv, importService, personByAzr, sql, writeCounts } from './import-support';

/**
 * The import's row semantics through the service (the CLI test covers the command): a refused
 * row writes nothing, a changed row records exactly its changes, a half-written row is completed.
 */
describe('person import: rows', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ gateway: false });
  });
  afterAll(() => app?.stop());

  const personCount = async () => (await sql(app, 'city', 'SELECT count(*)::int AS n FROM city.person'))[0].n;
  const identifierCount = async () =>
    (await sql(app, 'hub', 'SELECT count(*)::int AS n FROM hub.person_identifier'))[0].n;

  it('a row failing validation writes nothing: no person, no identifier, no event', async () => {
    const taken = await importCsv(app, [
      importRow(500, { azrBase: 300_000_000_000 }),
      importRow(501, { azrBase: 300_000_000_000, overrides: { city_resident_id: 'RH-501' } }),
    ]);
    expect(taken.summary).toEqual({ created: 2, updated: 0, unchanged: 0, failed: 0 });
    const before = { persons: await personCount(), identifiers: await identifierCount(), ...(await writeCounts(app)) };

    const { summary, errors } = await importCsv(app, [
      // Sound but for its residence status: the person alone would be registrable.
      importRow(1, { azrBase: 300_000_000_000, overrides: { residence_status: 'refugee' } }),
      // A municipality key of the right form that no municipality has (found only by looking it up).
      importRow(2, { azrBase: 300_000_000_000, overrides: { municipality_key: '05566999' } }),
      // Outside the partner's jurisdiction (Münster).
      importRow(3, { azrBase: 300_000_000_000, overrides: { municipality_key: '05515000' } }),
      // Its AZR number belongs to one person, its city resident id to another.
      importRow(500, { azrBase: 300_000_000_000, overrides: { city_resident_id: 'RH-501' } }),
      // Several fields wrong at once: all of them are reported.
      importRow(4, {
        azrBase: 300_000_000_000,
        overrides: { birth_date: '2001-02-30', nationalities: 'Syria', sex: 'x' },
      }),
    ]);
    expect(summary).toEqual({ created: 0, updated: 0, unchanged: 0, failed: 5 });
    // Rows run side by side: the report is in the order they finished.
    expect(errors.sort()).toEqual([
      '2,residence_status,not a known residence status code',
      '3,municipality_key,unknown municipality key',
      '4,municipality_key,outside the partner’s jurisdiction',
      '5,city_resident_id,the identifiers of this row belong to different persons',
      '6,birth_date,not a valid date (YYYY-MM-DD)',
      '6,nationalities,must be ISO 3166-1 alpha-2 codes',
      '6,sex,"must be one of female, male, diverse, unknown"',
    ]);
    expect({ persons: await personCount(), identifiers: await identifierCount(), ...(await writeCounts(app)) }).toEqual(
      before,
    );
    for (const i of [1, 2, 3, 4]) expect(await personByAzr(app, String(300_000_000_000 + i))).toBeUndefined();
  });

  it('a second file with changes records exactly those: a move, a residence status, an identifier', async () => {
    const base = [10, 11, 12].map((i) => importRow(i, { azrBase: 400_000_000_000 }));
    expect((await importCsv(app, base)).summary).toEqual({ created: 3, updated: 0, unchanged: 0, failed: 0 });
    const ids = await Promise.all(base.map((r) => personByAzr(app, r.azr_number!)));
    const before = await writeCounts(app);

    const changed = [
      { ...base[0], street: 'Neuenkirchener Straße', house_number: '7' },
      { ...base[1], residence_status: 'settlement_permit', residence_valid_from: '2025-06-01' },
      { ...base[2], city_resident_id: 'RH-0012' },
    ];
    expect((await importCsv(app, changed)).summary).toEqual({ created: 0, updated: 3, unchanged: 0, failed: 0 });
    const events = await sql(
      app,
      'city',
      `SELECT type, person_id FROM city.outbox WHERE person_id = ANY($1) AND type <> 'person.registered'
        ORDER BY occurred_at`,
      [ids],
    );
    const byPerson = (id: string | undefined, rows: any[]) => rows.filter((e) => e.person_id === id).map((e) => e.type);
    expect(byPerson(ids[0], events)).toEqual(['person.residence_status_recorded', 'person.moved']);
    expect(byPerson(ids[1], events)).toEqual(['person.residence_status_recorded', 'person.residence_status_recorded']);
    expect(byPerson(ids[2], events)).toEqual(['person.residence_status_recorded']);
    const hubEvents = await sql(
      app,
      'hub',
      `SELECT payload->>'system' AS system, person_id FROM hub.outbox WHERE type = 'person.identifier_added' AND person_id = ANY($1)`,
      [ids],
    );
    expect(
      byPerson(
        ids[2],
        hubEvents.map((e) => ({ ...e, type: e.system })),
      ),
    ).toEqual(['azr_number', 'city_resident_id']);
    const after = await writeCounts(app);
    expect({ city: after.cityEvents - before.cityEvents, hub: after.hubEvents - before.hubEvents }).toEqual({
      city: 2,
      hub: 1,
    });
    // The same file again: nothing changes.
    expect((await importCsv(app, changed)).summary).toEqual({ created: 0, updated: 0, unchanged: 3, failed: 0 });
    expect(await writeCounts(app)).toEqual(after);
  });

  it('a row half-written by an interrupted run is completed, not duplicated', async () => {
    const row = importRow(20, { azrBase: 500_000_000_000, overrides: { city_resident_id: 'RH-0020' } });
    // As if the run stopped right after the registration: the person exists under its derived id,
    // without residence status or identifiers.
    const id = importedPersonId('rheine-abh', 'azr_number', row.azr_number!);
    await asHub(app, () =>
      app.container.subgraphs.city.services.persons.register(
        {
          subject: 'test',
          partner: 'rheine-abh',
          scopes: ['*'],
          jurisdiction: ['05566076'],
          purpose: null,
          requestId: 't',
        },
        { givenName: row.given_name!, familyName: row.family_name!, municipalityKey: '05566076' },
        { id },
      ),
    );
    const persons = await personCount();
    expect((await importCsv(app, [row])).summary).toEqual({ created: 0, updated: 1, unchanged: 0, failed: 0 });
    expect(await personCount()).toBe(persons);
    expect(await personByAzr(app, row.azr_number!)).toBe(id);
    const registered = await sql(
      app,
      'city',
      `SELECT count(*)::int AS n FROM city.outbox WHERE person_id = $1 AND type = 'person.registered'`,
      [id],
    );
    expect(registered[0].n).toBe(1);
    expect((await importCsv(app, [row])).summary).toEqual({ created: 0, updated: 0, unchanged: 1, failed: 0 });
  });

  it('--dry-run counts what would happen and writes nothing', async () => {
    const before = await writeCounts(app);
    const rows = [importRow(30, { azrBase: 600_000_000_000 }), importRow(10, { azrBase: 400_000_000_000 })];
    expect((await importCsv(app, rows, { dryRun: true })).summary).toEqual({
      created: 1,
      updated: 1,
      unchanged: 0,
      failed: 0,
    });
    expect(await writeCounts(app)).toEqual(before);
  });

  it('a partner without persons:write, or unknown, imports nothing', async () => {
    await expect(importCsv(app, [importRow(40)], { partner: 'rheine-asylblg' })).rejects.toThrow(
      'Partner rheine-asylblg is not registered for the scope persons:write',
    );
    await expect(importCsv(app, [importRow(40)], { partner: 'nobody' })).rejects.toThrow('Unknown partner "nobody"');
  });

  it('JSON lines: the same keys, lists as arrays; a line that is not JSON is reported by its line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-import-'));
    const file = path.join(dir, 'persons.jsonl');
    const row = {
      ...importRow(50, { azrBase: 610_000_000_000 }),
      nationalities: ['SY', 'TR'],
      languages: ['ar', 'en'],
      name_variants: null,
    };
    fs.writeFileSync(
      file,
      `${JSON.stringify(row)}\n{"given_name": \n\n${JSON.stringify({ ...row, languages: [5] })}\n`,
    );
    try {
      const summary = await runPersonImport(importService(app), {
        file,
        format: 'jsonl',
        partner: 'rheine-abh',
        errorsFile: `${file}.errors.csv`,
        dryRun: false,
        concurrency: 1,
        clock: app.container.clock,
        progress: { tty: false, write: () => undefined },
      });
      expect(summary).toEqual({ created: 1, updated: 0, unchanged: 0, failed: 2 });
      expect(fs.readFileSync(`${file}.errors.csv`, 'utf8')).toBe(
        'line,field,reason\n2,row,not valid JSON\n4,languages,must be a list of text\n',
      );
      const id = await personByAzr(app, row.azr_number!);
      const [person] = await sql(app, 'city', 'SELECT nationalities, languages FROM city.person WHERE id = $1', [id]);
      expect(person).toEqual({ nationalities: ['SY', 'TR'], languages: ['ar', 'en'] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the shipped example file imports without a refused row', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-import-'));
    try {
      const summary = await runPersonImport(importService(app), {
        file: path.join(__dirname, '..', '..', 'examples', 'rheine', 'persons.example.csv'),
        format: 'csv',
        partner: 'rheine-abh',
        errorsFile: path.join(dir, 'errors.csv'),
        dryRun: false,
        concurrency: 2,
        clock: app.container.clock,
        progress: { tty: false, write: () => undefined },
      });
      expect(summary).toEqual({ created: 5, updated: 0, unchanged: 0, failed: 0 });
      // The first three share household F1.
      const households = await sql(
        app,
        'city',
        `SELECT count(DISTINCT household_id)::int AS n FROM city.person WHERE family_name = 'Beispiel' AND household_id IS NOT NULL`,
      );
      expect(households[0].n).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
