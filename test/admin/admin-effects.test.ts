import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { recordResidence, registerPerson } from '../factories';
import { flushPrefix, startTestApp, TestApp } from '../helpers/app';
import { cliEnv, ROOT, runCli } from '../helpers/lotse-process';

/**
 * What an operator's change does at once: a revoked legal basis allows nothing on the next
 * request, a deactivated partner's token is refused, and `lotse register` (read from the database
 * on each run) shows the change.
 */
describe('admin API changes take effect at once', () => {
  let app: TestApp;
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  const queuePrefix = `lotse-test-admin-cli-${process.pid}`;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist/src/subgraphs/hub/admin/configuration.service.js')))
      throw new Error('dist/ has no admin module: run "npm run build" first');
    app = await startTestApp();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-admin-'));
    env = cliEnv(app, tmp, { queuePrefix });
  });
  afterAll(async () => {
    await flushPrefix(queuePrefix);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    await app?.stop();
  });

  const BASIS = {
    recipientPartner: 'rheine-social',
    category: 'residence',
    purpose: 'case_management',
    statute: '§ 5 Testgesetz zur Beratung',
    description: 'Residence status for counselling',
  };
  const upsertBasis = (input: Record<string, unknown>) =>
    app.gql(
      'rheine-it',
      `mutation($input: UpsertLegalBasisInput!) { upsertLegalBasis(input: $input) { changed after { id } } }`,
      { input },
    );
  const revoke = (id: string) =>
    app.gql('rheine-it', `mutation($id: ID!) { revokeLegalBasis(id: $id) { changed after { revokedAt } } }`, { id });

  it('a revoked legal basis: a read it allowed is denied on the next request', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    await recordResidence(app, 'rheine-abh', { personId: person.id });
    const read = () =>
      app.gql(
        'rheine-social',
        `query($id: ID!) { person(id: $id) { residenceStatus { status } } }`,
        { id: person.id },
        {
          purpose: 'case_management',
        },
      );
    const without = await read();
    expect(without.body.data.person.residenceStatus).toBeNull();
    expect(without.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', category: 'residence' });

    const created = await upsertBasis({ ...BASIS, statute: '§ 5 Testgesetz (policy)', category: 'residence' });
    expect(created.body.errors).toBeUndefined();
    const allowed = await read();
    expect(allowed.body).toEqual({ data: { person: { residenceStatus: { status: 'recognised_refugee' } } } });

    const revoked = await revoke(created.body.data.upsertLegalBasis.after.id);
    expect(revoked.body.data.revokeLegalBasis).toMatchObject({
      changed: true,
      after: { revokedAt: expect.any(String) },
    });
    const denied = await read();
    expect(denied.body.data.person.residenceStatus).toBeNull();
    expect(denied.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', category: 'residence' });
    // Revoking again changes nothing; a revoked basis is not listed as in force.
    expect((await revoke(created.body.data.upsertLegalBasis.after.id)).body.data.revokeLegalBasis.changed).toBe(false);
    const listed = await app.gql('rheine-it', '{ legalBases(filter: { recipientPartner: "rheine-social" }) { id } }');
    expect(listed.body.data.legalBases.map((b: { id: string }) => b.id)).not.toContain(
      created.body.data.upsertLegalBasis.after.id,
    );
  });

  it("a deactivated partner's token is refused on the next request", async () => {
    const token = await app.token('caritas-rheine');
    const status = async () =>
      (
        await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ viewer { partner { slug } } }' }),
        })
      ).status;
    expect(await status()).toBe(200);
    const res = await app.gql(
      'rheine-it',
      `mutation { deactivatePartner(slug: "caritas-rheine") { changed after { active } } }`,
    );
    expect(res.body.data.deactivatePartner).toEqual({ changed: true, after: { active: false } });
    // The gateway drops its cached entry when the commit's notification arrives (milliseconds).
    const start = Date.now();
    let got = await status();
    while (got !== 401 && Date.now() - start < 1000) got = await status();
    expect(got).toBe(401);
  });

  it('lotse register shows a basis added through the API, and marks it when it is revoked', async () => {
    const statute = '§ 7 Testgesetz (register)';
    const line = (out: string) => out.split('\n').find((l) => l.includes(statute));
    const before = await runCli(['register'], env, 60_000);
    expect(before.code).toBe(0);
    expect(line(before.stdout)).toBeUndefined();

    const created = await upsertBasis({ ...BASIS, statute, category: 'health', validFrom: '2026-01-01' });
    expect(created.body.errors).toBeUndefined();
    const added = await runCli(['register'], env, 60_000);
    expect(line(added.stdout)).toContain('| rheine-social | case_management | health |');
    expect(line(added.stdout)).toMatch(/\| 2026-01-01 – open \|$/);

    await revoke(created.body.data.upsertLegalBasis.after.id);
    const after = await runCli(['register'], env, 60_000);
    expect(line(after.stdout)).toMatch(/\| 2026-01-01 – open, revoked \d{4}-\d{2}-\d{2}: not in force \|$/);
    // Three CLI processes, each booting a container: on a shared machine that can take a while.
  }, 180_000);

  it('lotse token mints a development token for the demo operator with admin:manage', async () => {
    const res = await runCli(['token', '--partner', 'rheine-it'], env, 60_000);
    expect(res.code).toBe(0);
    const claims = decodeJwt(res.stdout.trim());
    expect(claims).toMatchObject({ partner: 'rheine-it' });
    expect(String(claims.scope)).toContain('admin:manage');
  }, 60_000);
});
