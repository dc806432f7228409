/**
 * `lotse apply` and `lotse export` on the BUILT program (`npm run build` first), against a fresh
 * database that is migrated but not seeded: a city configured from nothing by its file, up to a
 * partner's first query. Every run is a child process, as an operator would type it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { Client } from 'pg';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config';
import { Container, createContainer } from '../../src/container';
import { loadOrCreateDevKey } from '../../src/gateway/dev-key';
import { RunningServer, startGatewayServer } from '../../src/server';
import { createLogger } from '../../src/shared/logger';
import { flushPrefix } from '../helpers/app';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { cliEnv, ROOT, runCli } from '../helpers/lotse-process';
import { REDIS_URL } from '../setup/pg';

jest.setTimeout(240_000);

const CITY = path.join(ROOT, 'examples', 'rheine', 'city.yaml');
let db: TestDatabase;
let tmp: string;
let env: NodeJS.ProcessEnv;
let sql: Client;
const queuePrefix = `lotse-test-apply-${crypto.randomBytes(4).toString('hex')}`;

const lotse = (...args: string[]) => runCli(args, env, 90_000);
const count = async (query: string, params: unknown[] = []) => Number((await sql.query(query, params)).rows[0].n);
const auditEntries = () => count('SELECT count(*) AS n FROM audit.entry');
/** Everything `lotse apply` may touch, as one comparable value. */
const configurationState = async () => ({
  partners: (await sql.query('SELECT slug, name, scopes, active FROM hub.partner ORDER BY slug')).rows,
  bases: (
    await sql.query(
      'SELECT recipient_partner, purpose, category, source_partner, revoked_at IS NULL AS in_force FROM hub.legal_basis ORDER BY 1, 2, 3, 4',
    )
  ).rows,
  agreements: (
    await sql.query('SELECT receiver, referral_type, valid_until FROM hub.cooperation_agreement ORDER BY 1, 2')
  ).rows,
  rules: (await sql.query('SELECT record_type, category, retain_days FROM hub.retention_rule ORDER BY 1, 2')).rows,
  audit: await auditEntries(),
});
/** A copy of the demo file with `edit` applied, written into the test's directory. */
function variant(name: string, edit: (text: string) => string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, edit(fs.readFileSync(CITY, 'utf8')));
  return file;
}
/** The YAML block of one list entry, from its first line to the blank line after it. */
const entryBlock = (text: string, firstLine: string) => {
  const start = text.indexOf(firstLine);
  if (start < 0) throw new Error(`${firstLine} not in the file`);
  return text.slice(start, text.indexOf('\n\n', start) + 2);
};

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist/src/configuration/configuration.cli.js')))
    throw new Error('dist/ has no configuration module: run "npm run build" first');
  db = await createTestDatabase({ empty: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-apply-'));
  env = cliEnv({ db }, tmp, { queuePrefix });
  sql = new Client({ connectionString: db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await flushPrefix(queuePrefix);
  await db?.drop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('lotse apply on an empty database', () => {
  let container: Container | undefined;
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.close();
    await container?.close();
  });

  it('configures the city from examples/rheine/city.yaml, one line per change and a summary', async () => {
    expect(await count('SELECT count(*) AS n FROM hub.partner')).toBe(0);
    const before = await auditEntries();
    const res = await lotse('apply', '-f', CITY);
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = res.stdout.trim().split('\n');
    expect(lines).toContain('+ partner rheine-abh');
    expect(lines).toContain('+ partner rheine-it');
    expect(lines).toContain('+ legal basis rheine-abh residence_administration/identity');
    expect(lines).toContain('+ agreement jobcenter-steinfurt benefit_handover since 2020-01-01');
    // The retention rules equal the defaults the migrations inserted: nothing to change there.
    expect(lines.filter((l) => l.includes('retention rule'))).toEqual([]);
    const added = lines.filter((l) => l.startsWith('+ ')).length;
    expect(lines.at(-1)).toBe(`${added} added, 0 changed, 0 removed`);
    expect(await count('SELECT count(*) AS n FROM hub.partner WHERE active')).toBe(13);
    expect(await count('SELECT count(*) AS n FROM hub.legal_basis')).toBe(47);
    // Every change audited by the service, one entry each.
    expect(await count(`SELECT count(*) AS n FROM audit.entry WHERE kind = 'configuration'`)).toBe(added);
    expect((await auditEntries()) - before).toBe(added);
  });

  it('after which a partner token runs a query on a gateway over that database', async () => {
    const token = await lotse('token', '--partner', 'rheine-abh');
    expect({ code: token.code, stderr: token.stderr }).toEqual({ code: 0, stderr: '' });
    const config = loadConfig({
      LOTSE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL,
      LOTSE_QUEUE_PREFIX: queuePrefix,
      LOTSE_DATA_DIR: tmp,
      DB_POOL_SIZE: '2',
      DATABASE_APP_ROLE: 'lotse_app',
      LOG_LEVEL: 'silent',
    });
    container = await createContainer(config, {
      databaseUrl: db.url,
      redisUrl: REDIS_URL,
      log: createLogger('silent'),
    });
    server = await startGatewayServer(container, {
      port: 0,
      host: '127.0.0.1',
      devKey: await loadOrCreateDevKey(tmp),
    });
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.stdout.trim()}` },
      body: JSON.stringify({ query: '{ viewer { partner { slug kind } } partners { slug } }' }),
    });
    const body = (await res.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer.partner).toEqual({ slug: 'rheine-abh', kind: 'immigration_office' });
    expect(body.data.partners.map((p: { slug: string }) => p.slug)).toContain('jobcenter-steinfurt');
  });

  it('and lotse register lists its legal bases', async () => {
    const res = await lotse('register', '--json');
    expect(res.code).toBe(0);
    const rows = JSON.parse(res.stdout) as Array<{ recipientPartner: string; statute: string }>;
    expect(rows).toHaveLength(47);
    expect(rows).toContainEqual(expect.objectContaining({ recipientPartner: 'rheine-abh', statute: '§ 86 AufenthG' }));
  });

  it('applying the same file again changes nothing and writes no audit entry', async () => {
    const before = await configurationState();
    const res = await lotse('apply', '-f', CITY);
    expect({ code: res.code, stdout: res.stdout, stderr: res.stderr }).toEqual({
      code: 0,
      stdout: 'nothing to change\n',
      stderr: '',
    });
    expect(await configurationState()).toEqual(before);
  });
});

describe('lotse apply --dry-run and refusals', () => {
  it('--dry-run prints the diff and writes nothing', async () => {
    const file = variant('renamed.yaml', (t) =>
      t
        .replace('name: Volkshochschule Rheine', 'name: VHS Rheine')
        .replace('scopes: [partners:read, audit:read]', 'scopes: [partners:read]'),
    );
    const before = await configurationState();
    const res = await lotse('apply', '-f', file, '--dry-run');
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    expect(res.stdout.trim().split('\n')).toEqual([
      '~ partner rheine-dpo: scopes -audit:read',
      '~ partner vhs-rheine: name "Volkshochschule Rheine" → "VHS Rheine"',
      '0 added, 2 changed, 0 removed (dry run, nothing written)',
    ]);
    expect(await configurationState()).toEqual(before);
  });

  it('a file with one invalid entry is refused with its place, and none of its valid entries is written', async () => {
    const text = fs.readFileSync(CITY, 'utf8');
    const caritas = entryBlock(text, '  - slug: caritas-rheine');
    const newPartner = caritas.replace('slug: caritas-rheine', 'slug: diakonie-rheine');
    const file = variant('unknown-purpose.yaml', (t) =>
      t
        .replace(caritas, caritas + newPartner)
        .replace('name: Volkshochschule Rheine', 'name: VHS Rheine')
        .replace('purpose: employer_service', 'purpose: employer_services'),
    );
    const line = fs.readFileSync(file, 'utf8').split('\n').indexOf('    purpose: employer_services') + 1;
    const before = await configurationState();
    const res = await lotse('apply', '-f', file);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `${file}:${line}:14 legalBases[0].purpose: "employer_services" is not one of: case_management,`,
    );
    expect(res.stderr).toContain('nothing was written');
    expect(res.stdout).toBe('');
    expect(await configurationState()).toEqual(before);
  });

  it("the service's refusal of a later entry rolls back the entries before it, naming entry and field", async () => {
    const text = fs.readFileSync(CITY, 'utf8');
    const caritas = entryBlock(text, '  - slug: caritas-rheine');
    // Valid for the schema, refused by the service: no such municipality in the register.
    const newPartner = caritas
      .replace('slug: caritas-rheine', 'slug: diakonie-rheine')
      .replace('jurisdiction: ["05566076"]', 'jurisdiction: ["05566999"]');
    const file = variant('unknown-area.yaml', (t) =>
      t.replace(caritas, caritas + newPartner).replace('name: Agentur für Arbeit Rheine', 'name: Arbeitsagentur'),
    );
    const line = fs.readFileSync(file, 'utf8').split('\n').indexOf('    jurisdiction: ["05566999"]') + 1;
    const before = await configurationState();
    const res = await lotse('apply', '-f', file);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `${file}:${line}:19 partners[2].jurisdiction: partner diakonie-rheine: Unknown jurisdiction prefixes`,
    );
    expect(res.stderr).toContain('nothing was written');
    // partners[0] (the renamed agency) came first in the same transaction: rolled back with the rest.
    expect(await configurationState()).toEqual(before);
  });
});

describe('lotse apply --prune', () => {
  let dropped: string;
  beforeAll(() => {
    dropped = variant('dropped.yaml', (t) => {
      const bases = t.slice(t.indexOf('legalBases:'), t.indexOf('cooperationAgreements:'));
      const fbsBases = bases.split('\n\n').filter((b) => b.includes('recipientPartner: fbs-rheine'));
      let out = t.replace(entryBlock(t, '  - slug: caritas-rheine'), '');
      for (const b of fbsBases) out = out.replace(`${b}\n\n`, '');
      return out;
    });
  });

  it('without --yes lists what would go, refuses (exit 2) and writes nothing', async () => {
    const before = await configurationState();
    const res = await lotse('apply', '-f', dropped, '--prune');
    expect(res.code).toBe(2);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toContain('- partner caritas-rheine (deactivated)');
    expect(lines).toContain('- legal basis fbs-rheine integration_course_referral/course_participation (revoked)');
    expect(lines.filter((l) => l.startsWith('- legal basis fbs-rheine'))).toHaveLength(5);
    expect(lines.at(-1)).toBe('0 added, 0 changed, 6 removed (not applied)');
    expect(res.stderr).toMatch(/--prune would remove 6 entries .*run again with --yes/);
    expect(await configurationState()).toEqual(before);
  });

  it('with --yes deactivates the partner and revokes the bases the file dropped', async () => {
    const res = await lotse('apply', '-f', dropped, '--prune', '--yes');
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    expect(res.stdout.trim().split('\n').at(-1)).toBe('0 added, 0 changed, 6 removed');
    expect((await sql.query(`SELECT active FROM hub.partner WHERE slug = 'caritas-rheine'`)).rows).toEqual([
      { active: false },
    ]);
    expect(
      await count(
        `SELECT count(*) AS n FROM hub.legal_basis WHERE recipient_partner = 'fbs-rheine' AND revoked_at IS NULL`,
      ),
    ).toBe(0);
    // Nothing else went.
    expect(await count('SELECT count(*) AS n FROM hub.partner WHERE active')).toBe(12);
    expect(await count('SELECT count(*) AS n FROM hub.legal_basis WHERE revoked_at IS NULL')).toBe(42);
    expect((await lotse('apply', '-f', dropped, '--prune', '--yes')).stdout).toBe('nothing to change\n');
  });

  it('a section the file leaves out is not pruned', async () => {
    const text = fs.readFileSync(dropped, 'utf8');
    const partnersOnly = path.join(tmp, 'partners-only.yaml');
    fs.writeFileSync(partnersOnly, text.slice(0, text.indexOf('\nlegalBases:')));
    const res = await lotse('apply', '-f', partnersOnly, '--prune', '--yes');
    expect({ code: res.code, stdout: res.stdout, stderr: res.stderr }).toEqual({
      code: 0,
      stdout: 'nothing to change\n',
      stderr: '',
    });
    expect(await count('SELECT count(*) AS n FROM hub.legal_basis WHERE revoked_at IS NULL')).toBe(42);
  });
});

describe('lotse export', () => {
  it('writes the configuration in the same format: valid against the schema, and applying it changes nothing', async () => {
    const out = path.join(tmp, 'exported.yaml');
    const res = await lotse('export', '-o', out);
    expect(res.code).toBe(0);
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', 'city-config.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
    const exported = parseYaml(fs.readFileSync(out, 'utf8'));
    expect(validate(exported) || validate.errors).toBe(true);
    // Deactivated partners stay in the file (active: false); revoked bases are history, not configuration.
    expect(exported.partners).toContainEqual(expect.objectContaining({ slug: 'caritas-rheine', active: false }));
    expect(exported.legalBases).toHaveLength(42);
    const stdout = await lotse('export');
    expect(stdout.stdout).toBe(fs.readFileSync(out, 'utf8'));

    const before = await configurationState();
    const again = await lotse('apply', '-f', out, '--prune', '--yes');
    expect({ code: again.code, stdout: again.stdout }).toEqual({ code: 0, stdout: 'nothing to change\n' });
    expect(await configurationState()).toEqual(before);
  });
});
