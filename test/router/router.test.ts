import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { Container, createContainer } from '../../src/container';
import { signDevToken } from '../../src/gateway/dev-key';
import { createLogger } from '../../src/shared/logger';
import { startSubgraphServer } from '../../src/subgraph-server';
import { registerPersonViaApi } from '../factories';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { HiveRouter, startHiveRouter } from '../helpers/hive-router';
import { RemoteGateway, startRemoteGateway } from '../helpers/remote-gateway';
import { configProblems, PRODUCTION_ENV } from '../helpers/production';
import { asSuperuser } from '../helpers/superuser';
import { REDIS_URL } from '../setup/pg';

const SUBGRAPHS = ['city', 'jobcenter', 'courses', 'hub'] as const;
type Servers = Array<Awaited<ReturnType<typeof startSubgraphServer>>>;

// city (person, address, residence), jobcenter (Person.jobcenter), hub (Person.identifiers).
const PERSON = `query PersonView($id: ID!) { person(id: $id) { id givenName familyName address { district } residenceStatus { status } jobcenter { customerNumber } identifiers { system } } }`;
// A list whose entities the other subgraphs resolve in _entities batches.
const SEARCH = `query Search { persons(filter: { name: "Haidari" }) { totalCount edges { node { familyName jobcenter { customerNumber person { givenName } } identifiers { system } } } } }`;
const CONSENT = `mutation GiveConsent($id: ID!) { recordConsent(input: { personId: $id, purpose: "case_management", recipients: ["caritas-rheine"], categories: ["identity"], evidenceRef: "Akte 2025/114" }) { purpose recipients categories active recordedBy } }`;
const SECRETS = /Samira|Haidari|Schotthock|recognised_refugee|845D777777/;

interface Sent {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: any[] };
  requestId: string;
}

/**
 * Any Federation-2 router in front: Hive Gateway serves the committed supergraph over Lotse's
 * subgraph processes with the partners' own tokens only (SUBGRAPH_PARTNER_TOKENS=true, no internal
 * secret in the router). Answers, field-level decisions and audit entries are those of Lotse's
 * own gateway over the same subgraph processes; a request without a valid, active partner's token
 * gets nothing from them.
 */
describe('a Federation router in front of the subgraph processes', () => {
  let app: TestApp;
  let lotse: RemoteGateway;
  let hive: HiveRouter;
  let personId: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { SUBGRAPH_PARTNER_TOKENS: 'true' } });
    personId = await registerPersonViaApi(app, 'rheine-social', {
      givenName: 'Samira',
      familyName: 'Haidari',
      address: { district: 'Schotthock' },
    });
    for (const [partner, mutation] of [
      [
        'rheine-abh',
        `mutation($id: ID!) { recordResidenceStatus(input: { personId: $id, status: recognised_refugee, validFrom: "2025-05-01" }) { id } }`,
      ],
      [
        'jobcenter-steinfurt',
        `mutation($id: ID!) { openJobcenterRecord(input: { personId: $id, customerNumber: "845D777777", municipalityKey: "05566076", startedOn: "2025-06-01" }) { id } }`,
      ],
    ]) {
      expect((await app.gql(partner, mutation, { id: personId })).body.errors).toBeUndefined();
    }
    // Lotse's gateway and Hive over the same four subgraph processes.
    lotse = await startRemoteGateway(app, [...SUBGRAPHS], app.internalSecret);
    hive = await startHiveRouter(urlsOf(SUBGRAPHS.map((name) => lotse.subgraphs[name]!)));
  });
  afterAll(async () => {
    await hive?.close();
    await lotse?.close();
    await app?.stop();
  });

  const urlsOf = (servers: Servers) => Object.fromEntries(SUBGRAPHS.map((name, i) => [name, servers[i].url]));

  async function post(
    url: string,
    opts: { token?: string; purpose?: string; query: string; variables?: object; headers?: Record<string, string> },
  ): Promise<Sent> {
    const requestId = randomUUID();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-request-id': requestId,
      ...opts.headers,
    };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.purpose) headers['lotse-purpose'] = opts.purpose;
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: opts.query, variables: opts.variables }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Sent['body'], requestId };
  }

  /** The audit entries one request wrote, without what differs by nature (seq, time, request id, chain hashes). */
  const auditOf = (requestId: string) =>
    asSuperuser(app.db.url, async (c) => {
      const { rows } = await c.query(
        `SELECT kind, partner, subject, person_ref, categories, fields, purpose, basis, operation
           FROM audit.entry WHERE request_id = $1`,
        [requestId],
      );
      return rows.map((r) => JSON.stringify(r)).sort();
    });

  /** Errors as a client reads them; Hive adds the subgraph's name (serviceName), which is no decision. */
  const errorsOf = (body: Sent['body']) =>
    (body.errors ?? [])
      .map(({ extensions: { serviceName: _s, ...extensions } = {}, ...e }: any) => JSON.stringify({ ...e, extensions }))
      .sort();

  /** One operation through Lotse's gateway and through Hive, as the same partner and purpose. */
  async function both(partner: string, query: string, purpose?: string) {
    const token = await app.token(partner);
    const viaLotse = await post(`${lotse.url}/graphql`, { token, purpose, query, variables: { id: personId } });
    const viaHive = await post(hive.url, { token, purpose, query, variables: { id: personId } });
    return { viaLotse, viaHive };
  }

  const OPERATIONS: Record<string, string> = { PersonView: PERSON, Search: SEARCH, GiveConsent: CONSENT };
  // `audited`: whether the operation reads or is denied personal data (a person the partner may not
  // know of is not even denied: no entry), so that no comparison is one of two empty audits by accident.
  it.each([
    ['rheine-social', 'PersonView', undefined, true],
    ['jobcenter-steinfurt', 'PersonView', 'benefit_administration', true],
    ['jobcenter-steinfurt', 'PersonView', 'integration_course_referral', true],
    ['caritas-rheine', 'PersonView', undefined, false],
    ['jobcenter-steinfurt', 'Search', undefined, true],
    ['rheine-social', 'Search', undefined, true],
    ['rheine-social', 'GiveConsent', undefined, true],
    ['caritas-rheine', 'PersonView', undefined, true],
  ])(
    '%s: %s (purpose %s) is answered and audited as by Lotse’s gateway',
    async (partner, operation, purpose, audits) => {
      const { viaLotse, viaHive } = await both(partner, OPERATIONS[operation], purpose);
      expect(viaHive.status).toBe(viaLotse.status);
      expect(viaHive.body.data).toEqual(viaLotse.body.data);
      expect(errorsOf(viaHive.body)).toEqual(errorsOf(viaLotse.body));
      const audited = await auditOf(viaLotse.requestId);
      expect(await auditOf(viaHive.requestId)).toEqual(audited);
      expect(audited.length > 0).toBe(audits);
    },
  );

  it('the field-level decisions behind Hive: the denied fields are null with FORBIDDEN naming the category', async () => {
    const { viaHive } = await both('jobcenter-steinfurt', PERSON, 'integration_course_referral');
    expect(viaHive.body.data!.person).toMatchObject({
      givenName: 'Samira',
      residenceStatus: { status: 'recognised_refugee' },
      address: null,
      jobcenter: null,
    });
    expect(
      viaHive.body.errors!.map((e) => [e.path.join('.'), e.extensions.code, e.extensions.category]).sort(),
    ).toEqual([
      ['person.address', 'FORBIDDEN', 'contact'],
      ['person.jobcenter', 'FORBIDDEN', 'benefits'],
    ]);
    const kinds = (await auditOf(viaHive.requestId)).map((r) => JSON.parse(r)).map((r) => [r.kind, r.fields.join()]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['denied', 'Person.address'],
        ['denied', 'Person.jobcenter'],
        ['read', 'Person.residenceStatus'],
      ]),
    );
  });

  /** Refused at the subgraphs: Hive answers an error and no personal data; nothing was read, nothing audited. */
  async function expectRefusedBehindHive(sent: Sent, code: string) {
    expect(sent.body.data?.person ?? null).toBeNull();
    expect(JSON.stringify(sent.body)).not.toMatch(SECRETS);
    expect(sent.body.errors!.map((e) => e.extensions.code)).toContain(code);
    expect(await auditOf(sent.requestId)).toEqual([]);
  }

  it('refuses as the gateway does: no token, a token of another audience, a purpose the partner may not state', async () => {
    const city = lotse.subgraphs.city!.url;
    const wrongAudience = await signDevToken(app.devKey, 'urn:lotse:dev', 'urn:someone:else', {
      partner: 'rheine-social',
      scopes: ['persons:read'],
    });
    const token = await app.token('jobcenter-steinfurt');
    for (const [opts, status, code] of [
      [{}, 401, 'UNAUTHENTICATED'],
      [{ token: wrongAudience }, 401, 'UNAUTHENTICATED'],
      [{ token, purpose: 'youth_welfare' }, 403, 'FORBIDDEN'],
    ] as const) {
      const request = { ...opts, query: PERSON, variables: { id: personId } };
      await expectRefusedBehindHive(await post(hive.url, request), code);
      // The subgraph itself answers with the gateway's status, challenge and error.
      const direct = await post(city, request);
      const gateway = await post(`${lotse.url}/graphql`, request);
      expect([direct.status, gateway.status]).toEqual([status, status]);
      expect(direct.headers.get('www-authenticate')).toBe(gateway.headers.get('www-authenticate'));
      expect(direct.body).toEqual(gateway.body);
    }
    const audience = await post(city, { token: wrongAudience, query: PERSON, variables: { id: personId } });
    expect(audience.headers.get('www-authenticate')).toContain('error_description="audience"');
  });

  it('a deactivated partner is refused at the subgraphs behind Hive, and served again once reactivated', async () => {
    const token = await app.token('rheine-social');
    const setActive = (active: boolean) =>
      asSuperuser(app.db.url, (c) =>
        c.query('UPDATE hub.partner SET active = $1 WHERE slug = $2', [active, 'rheine-social']),
      );
    const viaHive = () => post(hive.url, { token, query: PERSON, variables: { id: personId } });
    expect((await viaHive()).body.data!.person.givenName).toBe('Samira');
    await setActive(false);
    try {
      // The subgraph processes hear of the change at once (LISTEN); bounded wait all the same.
      const refused = await eventually(async () => {
        const sent = await viaHive();
        return sent.body.data?.person ? undefined : sent;
      }, 5000);
      await expectRefusedBehindHive(refused, 'UNAUTHENTICATED');
      expect(refused.body.errors![0].message).toMatch(/deactivated/);
    } finally {
      await setActive(true);
    }
    await eventually(async () => (await viaHive()).body.data?.person?.givenName === 'Samira', 5000);
  });

  it('the gateway’s signed identity wins over a token beside it: a forged identity is refused even with a valid token', async () => {
    const sent = await post(lotse.subgraphs.city!.url, {
      token: await app.token('rheine-social'),
      query: PERSON,
      variables: { id: personId },
      headers: { 'x-lotse-identity': 'forged.identity.token' },
    });
    expect(sent.status).toBe(401);
    expect(sent.body.errors![0]).toMatchObject({ message: 'A gateway identity is required' });
    expect(await auditOf(sent.requestId)).toEqual([]);
  });

  it('keys the audit entries of all a router’s subgraph calls by the one request id it propagates', async () => {
    // No x-request-id from the client: Hive makes one, sends it to every subgraph and back to the client.
    const res = await fetch(hive.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await app.token('jobcenter-steinfurt')}`,
        'lotse-purpose': 'benefit_administration',
      },
      body: JSON.stringify({ query: PERSON, variables: { id: personId } }),
    });
    expect(((await res.json()) as Sent['body']).errors).toBeUndefined();
    const requestId = res.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const fields = (await auditOf(requestId)).map((r) => JSON.parse(r).fields.join());
    // city, jobcenter and hub each wrote under the one id.
    expect(fields).toEqual(
      expect.arrayContaining([
        'Person.familyName,Person.givenName',
        'JobcenterRecord.customerNumber,Person.jobcenter',
        'Person.identifiers',
      ]),
    );
  });

  describe('processes of other configurations over the same database', () => {
    const others: Array<{ container: Container; servers: Servers; hive?: HiveRouter }> = [];
    afterAll(async () => {
      for (const o of others) {
        await o.hive?.close();
        for (const s of o.servers) await s.close();
        await o.container.close();
      }
    });

    async function subgraphProcesses(env: Record<string, string>) {
      const container = await createContainer(
        loadConfig({
          LOTSE_ENV: 'test',
          DATABASE_URL: app.db.url,
          REDIS_URL,
          LOTSE_QUEUE_PREFIX: app.queuePrefix,
          LOTSE_INTERNAL_SECRET: app.internalSecret,
          DATABASE_APP_ROLE: 'lotse_app',
          DB_POOL_SIZE: '2',
          ...env,
        }),
        { databaseUrl: app.db.url, redisUrl: REDIS_URL, log: createLogger('silent') },
      );
      const other: (typeof others)[number] = { container, servers: [] };
      others.push(other);
      for (const name of SUBGRAPHS)
        other.servers.push(
          await startSubgraphServer(container, name, { port: 0, host: '127.0.0.1', devKey: app.devKey }),
        );
      return other;
    }

    it('switched off (the default): a router with partner tokens gets nothing', async () => {
      const off = await subgraphProcesses({});
      off.hive = await startHiveRouter(urlsOf(off.servers));
      const token = await app.token('rheine-social');
      await expectRefusedBehindHive(
        await post(off.hive.url, { token, query: PERSON, variables: { id: personId } }),
        'UNAUTHENTICATED',
      );
      const direct = await post(off.servers[0].url, { token, query: PERSON, variables: { id: personId } });
      expect(direct.status).toBe(401);
      expect(direct.body.errors![0].message).toBe('A gateway identity is required');
    });

    it('an identity provider that cannot be reached is 503 with Retry-After, never an answer', async () => {
      // A port nothing listens on: the key set cannot be fetched.
      const unreachable = await subgraphProcesses({
        SUBGRAPH_PARTNER_TOKENS: 'true',
        AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
        AUTH_DEV_KEY: 'false',
      });
      const token = await app.token('rheine-social');
      const sent = await post(unreachable.servers[0].url, { token, query: PERSON, variables: { id: personId } });
      expect(sent.status).toBe(503);
      expect(sent.headers.get('retry-after')).toBe('5');
      expect(sent.body).toEqual({
        errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) })],
      });
      expect(await auditOf(sent.requestId)).toEqual([]);
    });
  });
});

describe('SUBGRAPH_PARTNER_TOKENS', () => {
  it('is off by default, allowed in production, and validated with the other settings', () => {
    expect(loadConfig({ LOTSE_ENV: 'test' }).subgraphPartnerTokens).toBe(false);
    expect(loadConfig({ ...PRODUCTION_ENV, SUBGRAPH_PARTNER_TOKENS: 'true' }).subgraphPartnerTokens).toBe(true);
    expect(configProblems({ LOTSE_ENV: 'test', SUBGRAPH_PARTNER_TOKENS: 'sometimes', PORT: 'x' })).toEqual([
      expect.stringContaining('PORT'),
      'SUBGRAPH_PARTNER_TOKENS must be true or false, got "sometimes"',
    ]);
  });
});
