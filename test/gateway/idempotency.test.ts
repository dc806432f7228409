import { Client } from 'pg';
import { requestHash } from '../../src/gateway/idempotency';
import { sha256Hex } from '../../src/gateway/trusted-documents';
import { startTestApp, TestApp } from '../helpers/app';

/** Idempotency-Key on mutations (src/gateway/idempotency.ts), against real PostgreSQL. */
describe('Idempotency-Key', () => {
  let app: TestApp;
  let db: Client;
  const REGISTER =
    'mutation { registerPerson(input: { givenName: "A", familyName: "B", municipalityKey: "05566076" }) { id } }';
  const REGISTER_VARS = 'mutation Register($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }';
  let keySeq = 0;
  const newKey = () => `test-key-${Date.now()}-${++keySeq}`;

  beforeAll(async () => {
    app = await startTestApp();
    // As the database owner (superuser): sees every row, and may change the app role's rights.
    db = new Client({ connectionString: app.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.stop();
  });

  async function post(partner: string | null, body: unknown, key?: string) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    };
    if (partner) headers.authorization = `Bearer ${await app.token(partner)}`;
    if (key !== undefined) headers['idempotency-key'] = key;
    const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
  }
  const persons = async () => Number((await db.query('SELECT count(*) AS n FROM city.person')).rows[0].n);
  const keyRow = async (partner: string, key: string) =>
    (await db.query('SELECT * FROM idempotency.request WHERE partner = $1 AND key = $2', [partner, key])).rows[0];

  it('replays the stored response for the same key: one person, identical bytes, Idempotent-Replayed', async () => {
    const key = newKey();
    const before = await persons();
    const first = await post('rheine-social', { query: REGISTER }, key);
    expect(first.status).toBe(200);
    expect(first.json.errors).toBeUndefined();
    expect(first.json.data.registerPerson.id).toBeTruthy();
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const second = await post('rheine-social', { query: REGISTER }, key);
    expect(second.status).toBe(first.status);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await persons()).toBe(before + 1);

    const row = await keyRow('rheine-social', key);
    expect(row).toMatchObject({ status: 'completed', response_status: 200, response_body: first.text });
    expect(row.request_hash).toMatch(/^[0-9a-f]{64}$/);
    // At least 24 hours.
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(24 * 3600 * 1000);
  });

  it('refuses the same key with different variables or a different document (422), creating nothing', async () => {
    const key = newKey();
    const input = { givenName: 'A', familyName: 'B', municipalityKey: '05566076' };
    const first = await post('rheine-social', { query: REGISTER_VARS, variables: { input } }, key);
    expect(first.status).toBe(200);
    const before = await persons();

    const other = await post(
      'rheine-social',
      { query: REGISTER_VARS, variables: { input: { ...input, givenName: 'C' } } },
      key,
    );
    expect(other.status).toBe(422);
    expect(other.json).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'IDEMPOTENCY_KEY_REUSED' } }],
    });
    const otherDocument = await post('rheine-social', { query: REGISTER }, key);
    expect(otherDocument.status).toBe(422);
    expect(await persons()).toBe(before);

    // Key order of the variables does not make another request.
    const reordered = await post(
      'rheine-social',
      { query: REGISTER_VARS, variables: { input: { municipalityKey: '05566076', familyName: 'B', givenName: 'A' } } },
      key,
    );
    expect(reordered.status).toBe(200);
    expect(reordered.text).toBe(first.text);
    expect(reordered.headers.get('idempotent-replayed')).toBe('true');
  });

  it('lets 50 concurrent requests with one key create exactly one person', async () => {
    const key = newKey();
    const before = await persons();
    const token = await app.token('rheine-social');
    const responses = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const res = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
          body: JSON.stringify({ query: REGISTER }),
        });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as any };
      }),
    );
    expect(await persons()).toBe(before + 1);
    const ok = responses.filter((r) => r.status === 200);
    const busy = responses.filter((r) => r.status === 409);
    expect(ok.length + busy.length).toBe(50);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    const ids = new Set(ok.map((r) => r.json.data?.registerPerson?.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toBeTruthy();
    for (const r of busy) {
      expect(r.json.errors[0].extensions.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
      expect(r.retryAfter).toBe('1');
    }
    // Afterwards the key replays that one result.
    const later = await post('rheine-social', { query: REGISTER }, key);
    expect(later.json.data.registerPerson.id).toBe([...ids][0]);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
  });

  it('forgets a key after 24 hours: the request runs again; expired rows are purged', async () => {
    const key = newKey();
    const first = await post('rheine-social', { query: REGISTER }, key);
    await db.query(
      `UPDATE idempotency.request SET created_at = now() - interval '25 hours', expires_at = now() - interval '1 hour' WHERE partner = $1 AND key = $2`,
      ['rheine-social', key],
    );
    const before = await persons();
    const again = await post('rheine-social', { query: REGISTER }, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.json.data.registerPerson.id).not.toBe(first.json.data.registerPerson.id);
    expect(await persons()).toBe(before + 1);
    expect(await keyRow('rheine-social', key)).toMatchObject({ status: 'completed', response_body: again.text });

    // The purge deletes expired rows only.
    await db.query(
      `UPDATE idempotency.request SET created_at = now() - interval '49 hours', expires_at = now() - interval '25 hours' WHERE partner = $1 AND key = $2`,
      ['rheine-social', key],
    );
    const live = (await db.query(`SELECT count(*) AS n FROM idempotency.request WHERE expires_at > now()`)).rows[0].n;
    expect(await app.container.idempotency.purgeExpired()).toBe(1);
    expect(await keyRow('rheine-social', key)).toBeUndefined();
    expect((await db.query(`SELECT count(*) AS n FROM idempotency.request WHERE expires_at > now()`)).rows[0].n).toBe(
      live,
    );
  });

  it('answers 409 while a claim runs and lets the same request take over a claim abandoned for over 60 s', async () => {
    const key = newKey();
    const hash = requestHash({ query: REGISTER, variables: {}, operationName: null });
    const claim = (age: string) =>
      db.query(
        `INSERT INTO idempotency.request (partner, key, request_hash, status, created_at, expires_at) VALUES ('rheine-social', $1, $2, 'in_progress', now() - $3::interval, now() + interval '24 hours')`,
        [key, hash, age],
      );
    await claim('5 seconds');
    const busy = await post('rheine-social', { query: REGISTER }, key);
    expect(busy.status).toBe(409);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.json).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS' } }],
    });
    // A different request is refused even when the claim is abandoned.
    await db.query(`DELETE FROM idempotency.request WHERE key = $1`, [key]);
    await claim('2 minutes');
    expect(
      (
        await post(
          'rheine-social',
          {
            query: REGISTER_VARS,
            variables: { input: { givenName: 'A', familyName: 'B', municipalityKey: '05566076' } },
          },
          key,
        )
      ).status,
    ).toBe(422);
    const before = await persons();
    const takeover = await post('rheine-social', { query: REGISTER }, key);
    expect(takeover.status).toBe(200);
    expect(takeover.json.data.registerPerson.id).toBeTruthy();
    expect(await persons()).toBe(before + 1);
    expect(await keyRow('rheine-social', key)).toMatchObject({ status: 'completed', response_body: takeover.text });
  });

  it('scopes keys per partner', async () => {
    const key = newKey();
    const before = await persons();
    const social = await post('rheine-social', { query: REGISTER }, key);
    const abh = await post('rheine-abh', { query: REGISTER }, key);
    expect(abh.status).toBe(200);
    expect(abh.json.errors).toBeUndefined();
    expect(abh.headers.get('idempotent-replayed')).toBeNull();
    expect(abh.json.data.registerPerson.id).not.toBe(social.json.data.registerPerson.id);
    expect(await persons()).toBe(before + 2);
    // Another partner's different request under the same key string is no reuse either.
    const abhOther = await post(
      'rheine-abh',
      { query: REGISTER_VARS, variables: { input: { givenName: 'X', familyName: 'Y', municipalityKey: '05566076' } } },
      `${key}-2`,
    );
    expect(abhOther.status).toBe(200);
    expect((await post('rheine-social', { query: REGISTER }, key)).text).toBe(social.text);
  });

  it('ignores the key on queries', async () => {
    const key = newKey();
    const query = '{ persons(first: 1) { totalCount } }';
    const first = await post('rheine-social', { query }, key);
    const second = await post('rheine-social', { query }, key);
    for (const r of [first, second]) {
      expect(r.status).toBe(200);
      expect(r.json.data.persons.totalCount).toBeGreaterThan(0);
      expect(r.headers.get('idempotent-replayed')).toBeNull();
    }
    expect(await keyRow('rheine-social', key)).toBeUndefined();
    // A mutation may still use that key afterwards.
    expect((await post('rheine-social', { query: REGISTER }, key)).status).toBe(200);
    // And a query with a key a mutation used runs as a query.
    const afterwards = await post('rheine-social', { query }, key);
    expect(afterwards.json.data.persons.totalCount).toBeGreaterThan(0);
    expect(afterwards.headers.get('idempotent-replayed')).toBeNull();
  });

  it('releases the key when the mutation fails with an internal error, so the client can retry', async () => {
    const key = newKey();
    const before = await persons();
    await db.query('REVOKE INSERT ON city.person FROM lotse_app');
    let failed;
    try {
      failed = await post('rheine-social', { query: REGISTER }, key);
    } finally {
      await db.query('GRANT INSERT ON city.person TO lotse_app');
    }
    expect(failed.json.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(failed.json.data?.registerPerson ?? null).toBeNull();
    expect(await keyRow('rheine-social', key)).toBeUndefined();
    expect(await persons()).toBe(before);

    const retry = await post('rheine-social', { query: REGISTER }, key);
    expect(retry.status).toBe(200);
    expect(retry.json.errors).toBeUndefined();
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await persons()).toBe(before + 1);
    // The successful retry is what the key now stands for.
    const replay = await post('rheine-social', { query: REGISTER }, key);
    expect(replay.text).toBe(retry.text);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('stores GraphQL errors of an executed mutation (e.g. FORBIDDEN) and replays them', async () => {
    const key = newKey();
    // caritas-rheine may not write persons: the operation executes and fails with FORBIDDEN.
    const first = await post('caritas-rheine', { query: REGISTER }, key);
    expect(first.json.errors[0].extensions.code).toBe('FORBIDDEN');
    const second = await post('caritas-rheine', { query: REGISTER }, key);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('does not store a request refused before execution (invalid document)', async () => {
    const key = newKey();
    const invalid = await post(
      'rheine-social',
      { query: 'mutation { registerPerson(input: { givenName: "A" }) { id } }' },
      key,
    );
    expect(invalid.status).toBe(400);
    expect(await keyRow('rheine-social', key)).toBeUndefined();
  });

  it('refuses malformed keys and leaves unauthenticated requests to the usual 401', async () => {
    for (const key of ['', 'x'.repeat(256)]) {
      const res = await post('rheine-social', { query: REGISTER }, key);
      expect(res.status).toBe(400);
      expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    }
    expect((await post('rheine-social', { query: REGISTER }, 'x'.repeat(255))).status).toBe(200);
    const anonymous = await post(null, { query: REGISTER }, newKey());
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('treats a persisted reference and its text as the same request', async () => {
    const document =
      'mutation RegisterAB { registerPerson(input: { givenName: "A", familyName: "B", municipalityKey: "05566076" }) { id } }';
    const hash = sha256Hex(document);
    await app.container.subgraphs.hub.services.trustedDocuments.register('rheine-social', [
      { hash, name: 'RegisterAB', document },
    ]);
    const key = newKey();
    const before = await persons();
    const byReference = await post('rheine-social', { documentId: `sha256:${hash}` }, key);
    expect(byReference.status).toBe(200);
    expect(byReference.json.data.registerPerson.id).toBeTruthy();
    const byText = await post('rheine-social', { query: document }, key);
    expect(byText.text).toBe(byReference.text);
    expect(byText.headers.get('idempotent-replayed')).toBe('true');
    expect(await persons()).toBe(before + 1);
  });
});
