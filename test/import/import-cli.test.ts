import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flushPrefix, eventually, startTestApp, TestApp } from '../helpers/app';
import { cliEnv, LotseProcess, ROOT, runCli } from '../helpers/lotse-process';
import { importRow, importRows, writeImportCsv } from '../factories/import-file.factory';
import { sql, writeCounts } from './import-support';

/**
 * `lotse import persons` as an operator runs it (the built CLI against the test database): a
 * file of 1,000 invented persons imported twice, a refused row, an interrupted run resumed.
 */
describe('lotse import persons (built CLI)', () => {
  let app: TestApp;
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  const queuePrefix = `lotse-test-import-${process.pid}`;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist/src/import/person-import.cli.js')))
      throw new Error('dist/ has no import module: run "npm run build" first');
    app = await startTestApp({ gateway: false });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-import-cli-'));
    env = cliEnv(app, tmp, { queuePrefix, shareSecret: true, appRole: true });
  });
  afterAll(async () => {
    await flushPrefix(queuePrefix);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    await app?.stop();
  });

  const identifiers = async (base: number, count: number) =>
    sql(
      app,
      'hub',
      `SELECT value, count(*)::int AS n, count(DISTINCT person_id)::int AS persons FROM hub.person_identifier
        WHERE system = 'azr_number' AND value BETWEEN $1 AND $2 GROUP BY value`,
      [String(base), String(base + count - 1)],
    );

  it('1,000 persons imported twice: 1,000 persons, nothing duplicated, the bad date reported and not written', async () => {
    const file = path.join(tmp, 'persons.csv');
    const base = 700_000_000_000;
    const bad = importRow(1000, { azrBase: base, overrides: { birth_date: '2001-02-30' } });
    // The bad row in the middle (line 502: the header is line 1).
    const rows = [...importRows(500, { azrBase: base }), bad, ...importRows(500, { from: 500, azrBase: base })];
    await writeImportCsv(file, rows);

    const first = await runCli(['import', 'persons', file, '--as', 'rheine-abh'], env, 240_000);
    expect({ code: first.code, stdout: first.stdout.trim() }).toEqual({
      code: 1,
      stdout: 'created 1000, updated 0, unchanged 0, failed 1',
    });
    expect(fs.readFileSync(`${file}.errors.csv`, 'utf8')).toBe(
      'line,field,reason\n502,birth_date,not a valid date (YYYY-MM-DD)\n',
    );
    // Not a TTY: plain progress lines, counts only.
    expect(first.stderr).toMatch(/imported 1001\/1001 rows \(\d+\/s, 1 failed\)/);
    const after = await writeCounts(app);

    const second = await runCli(['import', 'persons', file, '--as', 'rheine-abh'], env, 240_000);
    expect({ code: second.code, stdout: second.stdout.trim() }).toEqual({
      code: 1,
      stdout: 'created 0, updated 0, unchanged 1000, failed 1',
    });
    expect(await writeCounts(app)).toEqual(after);

    const ids = await identifiers(base, 1001);
    expect(ids).toHaveLength(1000);
    expect(ids.filter((r) => r.n !== 1 || r.persons !== 1)).toEqual([]);
    const persons = await sql(app, 'city', `SELECT count(*)::int AS n FROM city.person WHERE family_name = ANY($1)`, [
      rows.map((r) => r.family_name),
    ]);
    expect(persons[0].n).toBe(1000);
    expect(ids.some((r) => r.value === bad.azr_number)).toBe(false);
  }, 480_000);

  it('an interrupted run, run again, ends with every row imported once', async () => {
    const file = path.join(tmp, 'resume.csv');
    const base = 710_000_000_000;
    const count = 600;
    await writeImportCsv(file, importRows(count, { azrBase: base }));
    const child = new LotseProcess(
      [path.join(ROOT, 'bin', 'lotse.js'), 'import', 'persons', file, '--as', 'rheine-abh'],
      env,
    );
    // Killed hard (no chance to finish a row) once some rows are in.
    await eventually(async () => (await identifiers(base, count)).length >= 100 || undefined, 120_000);
    await child.stop('SIGKILL', 10_000);
    const done = (await identifiers(base, count)).length;
    expect(done).toBeLessThan(count);

    const rerun = await runCli(['import', 'persons', file, '--as', 'rheine-abh'], env, 240_000);
    expect(rerun.code).toBe(0);
    const m = /^created (\d+), updated (\d+), unchanged (\d+), failed 0$/.exec(rerun.stdout.trim());
    expect(m).not.toBeNull();
    const [created, updated, unchanged] = m!.slice(1).map(Number);
    expect(created + updated + unchanged).toBe(count);
    expect(unchanged).toBeGreaterThanOrEqual(done - 10);
    const ids = await identifiers(base, count);
    expect(ids).toHaveLength(count);
    expect(ids.filter((r) => r.n !== 1 || r.persons !== 1)).toEqual([]);
    const holders = await sql(app, 'hub', `SELECT person_id FROM hub.person_identifier WHERE value = ANY($1)`, [
      ids.map((r) => r.value),
    ]);
    const registered = await sql(
      app,
      'city',
      `SELECT count(*)::int AS n, count(DISTINCT person_id)::int AS persons FROM city.outbox
        WHERE type = 'person.registered' AND person_id = ANY($1)`,
      [holders.map((r) => r.person_id)],
    );
    expect(registered[0]).toEqual({ n: count, persons: count });
  }, 480_000);

  it('usage mistakes and an unfit partner exit 2 and import nothing', async () => {
    const file = path.join(tmp, 'usage.csv');
    await writeImportCsv(file, [importRow(1, { azrBase: 720_000_000_000 })]);
    const noPartner = await runCli(['import', 'persons', file], env);
    expect({ code: noPartner.code, stderr: noPartner.stderr.trim() }).toEqual({
      code: 2,
      stderr: 'lotse import needs --as PARTNER (the partner the import acts as) (see: lotse import --help)',
    });
    const unknown = await runCli(['import', 'persons', file, '--as', 'nobody'], env, 60_000);
    expect({ code: unknown.code, stderr: unknown.stderr.trim() }).toEqual({
      code: 2,
      stderr: 'lotse import: Unknown partner "nobody"',
    });
    const badColumn = path.join(tmp, 'columns.csv');
    fs.writeFileSync(badColumn, 'given_name,family_name,municipality_key,azr\nA,B,05566076,1\n');
    const columns = await runCli(['import', 'persons', badColumn, '--as', 'rheine-abh'], env, 60_000);
    expect({ code: columns.code, stderr: columns.stderr.trim() }).toEqual({
      code: 2,
      stderr: 'lotse import: unknown columns: azr',
    });
    expect(await identifiers(720_000_000_000, 2)).toEqual([]);
  });
});
