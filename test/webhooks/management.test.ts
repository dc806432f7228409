import { SecretBox } from '../../src/subgraphs/hub/webhook/webhook.secret-box';
import { startTestApp, TestApp } from '../helpers/app';

const ENDPOINT =
  'id url description eventTypes enabled disabledReason createdAt secrets { id createdAt expiresAt prefix }';
const CREATE = `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { ${ENDPOINT} } secret } }`;

/**
 * Managing endpoints over GraphQL, and where they may point. This app keeps the production
 * defaults for addresses (no private networks) and allows only some hosts.
 */
describe('webhook endpoints over GraphQL', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: 'localhost,*.example.org,93.184.216.34' } });
  });
  afterAll(() => app?.stop());

  const create = (partner: string, input: Record<string, unknown>) => app.gql(partner, CREATE, { i: input });
  const PUBLIC = 'https://93.184.216.34/hooks/lotse';

  it('create, list, update, rotate and delete an endpoint; the secret is shown once and then only its prefix', async () => {
    const created = await create('vhs-rheine', {
      url: PUBLIC,
      eventTypes: ['referral.requested', 'referral.cancelled'],
      description: 'Course booking',
    });
    const { endpoint, secret } = created.body.data.createWebhookEndpoint;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(endpoint).toMatchObject({
      url: PUBLIC,
      description: 'Course booking',
      eventTypes: ['referral.requested', 'referral.cancelled'],
      enabled: true,
      disabledReason: null,
    });
    expect(endpoint.secrets).toEqual([
      { id: expect.any(String), createdAt: expect.any(String), expiresAt: null, prefix: secret.slice(0, 10) },
    ]);

    const listed = await app.gql('vhs-rheine', `{ webhookEndpoints { totalCount edges { node { ${ENDPOINT} } } } }`);
    expect(listed.body.data.webhookEndpoints.totalCount).toBe(1);
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(10));

    const updated = await app.gql(
      'vhs-rheine',
      `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { eventTypes: ["referral.requested"], description: null, enabled: false }) { ${ENDPOINT} } }`,
      { id: endpoint.id },
    );
    expect(updated.body.data.updateWebhookEndpoint).toMatchObject({
      eventTypes: ['referral.requested'],
      description: null,
      enabled: false,
      disabledReason: 'disabled by the partner',
    });

    const rotated = await app.gql(
      'vhs-rheine',
      `mutation($id: ID!) { rotateWebhookSecret(endpointId: $id) { secret endpoint { secrets { prefix expiresAt } } } }`,
      { id: endpoint.id },
    );
    const r = rotated.body.data.rotateWebhookSecret;
    expect(r.secret).not.toBe(secret);
    expect(r.endpoint.secrets.map((s: any) => s.prefix)).toEqual([r.secret.slice(0, 10), secret.slice(0, 10)]);
    // Default overlap: 24 hours.
    const expires = Date.parse(r.endpoint.secrets[1].expiresAt) - Date.now();
    expect(expires).toBeGreaterThan(23.9 * 3600_000);
    expect(expires).toBeLessThanOrEqual(24 * 3600_000);
    const noOverlap = await app.gql(
      'vhs-rheine',
      `mutation($id: ID!) { rotateWebhookSecret(endpointId: $id, overlapHours: 0) { secret endpoint { secrets { prefix } } } }`,
      { id: endpoint.id },
    );
    expect(noOverlap.body.data.rotateWebhookSecret.endpoint.secrets.map((s: any) => s.prefix)).toEqual([
      noOverlap.body.data.rotateWebhookSecret.secret.slice(0, 10),
    ]);
    const tooLong = await app.gql(
      'vhs-rheine',
      `mutation($id: ID!) { rotateWebhookSecret(endpointId: $id, overlapHours: 1000) { secret } }`,
      { id: endpoint.id },
    );
    expect(tooLong.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'overlapHours' });

    const deleted = await app.gql('vhs-rheine', `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, {
      id: endpoint.id,
    });
    expect(deleted.body.data.deleteWebhookEndpoint).toBe(true);
    expect(
      (await app.gql('vhs-rheine', `{ webhookEndpoints { totalCount } }`)).body.data.webhookEndpoints.totalCount,
    ).toBe(0);
  });

  it("another partner's endpoint does not exist for you (NOT_FOUND); a partner without webhooks:manage is refused", async () => {
    const mine = (await create('vhs-rheine', { url: PUBLIC, eventTypes: ['referral.requested'] })).body.data
      .createWebhookEndpoint.endpoint;
    const ops = [
      [`mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: false }) { id } }`, { id: mine.id }],
      [`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: mine.id }],
      [`mutation($id: ID!) { rotateWebhookSecret(endpointId: $id) { secret } }`, { id: mine.id }],
      [`mutation($id: ID!) { replayDeadLetters(endpointId: $id) }`, { id: mine.id }],
      [`query($id: ID!) { webhookDeliveries(filter: { endpointId: $id }) { totalCount } }`, { id: mine.id }],
      [`mutation { redeliverWebhook(id: "msg_01KAV7R3J9Q6W2ZB8N5XGT4HCE") { id } }`, {}],
    ] as const;
    for (const [query, vars] of ops) {
      const r = await app.gql('fbs-rheine', query, vars);
      expect(r.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    expect(
      (await app.gql('fbs-rheine', `{ webhookEndpoints { totalCount } }`)).body.data.webhookEndpoints.totalCount,
    ).toBe(0);
    // Still there, unchanged, for its owner.
    const still = await app.gql('vhs-rheine', `{ webhookEndpoints { edges { node { id enabled } } } }`);
    expect(still.body.data.webhookEndpoints.edges.map((e: any) => e.node)).toContainEqual({
      id: mine.id,
      enabled: true,
    });

    const dpo = await app.gql('rheine-dpo', `{ webhookEndpoints { totalCount } }`);
    expect(dpo.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'webhooks:manage' });
    const dpoCreate = await create('rheine-dpo', { url: PUBLIC, eventTypes: ['referral.requested'] });
    expect(dpoCreate.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'webhooks:manage' });
    await app.gql('vhs-rheine', `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: mine.id });
  });

  it('pages through endpoints with first/after', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await create('caritas-rheine', { url: `${PUBLIC}/${i}`, eventTypes: ['referral.requested'] })).body.data
          .createWebhookEndpoint.endpoint.id,
      );
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const r: any = await app.gql(
        'caritas-rheine',
        `query($after: String) { webhookEndpoints(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
        { after },
      );
      const c = r.body.data.webhookEndpoints;
      expect(c.totalCount).toBe(5);
      seen.push(...c.edges.map((e: any) => e.node.id));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids);
    const bad = await app.gql('caritas-rheine', `{ webhookEndpoints(first: 101) { totalCount } }`);
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('unknown event types are refused, naming them', async () => {
    const r = await create('vhs-rheine', {
      url: PUBLIC,
      eventTypes: ['referral.requested', 'person.registered', 'referral.exploded'],
    });
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eventTypes' });
    expect(r.body.errors[0].message).toContain('person.registered, referral.exploded');
    const empty = await create('vhs-rheine', { url: PUBLIC, eventTypes: [] });
    expect(empty.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eventTypes' });
  });

  it('refuses every bad field of an endpoint at once, creating or changing it, and writes nothing', async () => {
    const bad = { url: 'hooks', eventTypes: ['referral.exploded'], description: 'x'.repeat(501) };
    const r = await create('vhs-rheine', bad);
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'url',
      fields: ['url', 'eventTypes', 'description'],
    });
    const listed = await app.gql('vhs-rheine', '{ webhookEndpoints { totalCount } }');
    expect(listed.body.data.webhookEndpoints.totalCount).toBe(0);

    const ep = (await create('vhs-rheine', { url: PUBLIC, eventTypes: ['referral.requested'] })).body.data
      .createWebhookEndpoint.endpoint;
    const changed = await app.gql(
      'vhs-rheine',
      `mutation($id: ID!, $i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $i) { url } }`,
      { id: ep.id, i: bad },
    );
    expect(changed.body.errors[0].extensions).toMatchObject({ fields: ['url', 'eventTypes', 'description'] });
    await app.gql('vhs-rheine', `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: ep.id });
  });

  it.each([
    [
      'a loopback address, even under an allowed name',
      'http://localhost:8080/hooks',
      /resolves to (127\.0\.0\.1|::1), a private, loopback/,
    ],
    [
      'a host outside WEBHOOK_ALLOWED_HOSTS',
      'https://hooks.attacker.test/x',
      /not among the hosts webhooks may be sent to/,
    ],
    ['the bare domain of a *.example.org pattern', 'https://example.org/x', /not among the hosts/],
    [
      'user name and password in the URL',
      'https://user:pw@93.184.216.34/x',
      /must not contain a user name or password/,
    ],
    ['a scheme other than http(s)', 'ftp://93.184.216.34/x', /must use https/],
    ['not a URL', 'hooks', /not a valid absolute URL/],
  ])('refuses %s', async (_name, url, message) => {
    const r = await create('vhs-rheine', { url, eventTypes: ['referral.requested'] });
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(r.body.errors[0].message).toMatch(message);
  });

  it('checks a changed URL too', async () => {
    const ep = (await create('vhs-rheine', { url: PUBLIC, eventTypes: ['referral.requested'] })).body.data
      .createWebhookEndpoint.endpoint;
    const r = await app.gql(
      'vhs-rheine',
      `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { url: "http://localhost:1/x" }) { url } }`,
      { id: ep.id },
    );
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    await app.gql('vhs-rheine', `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: ep.id });
  });

  it('stores signing secrets sealed: the database holds no usable secret, and another key or an altered value opens nothing', async () => {
    const created = await create('fbs-rheine', { url: PUBLIC, eventTypes: ['referral.requested'] });
    const { endpoint, secret } = created.body.data.createWebhookEndpoint;
    const [row] = await app.container.subgraphs.hub.dataSource.query(
      'SELECT secret FROM hub.webhook_secret WHERE endpoint_id = $1',
      [endpoint.id],
    );
    expect(row.secret).toMatch(/^sealed:v1:/);
    expect(row.secret).not.toContain(secret.slice(6, 20));
    expect(new SecretBox(app.internalSecret).open(row.secret)).toBe(secret);
    expect(() => new SecretBox('another internal secret of enough length').open(row.secret)).toThrow();
    const altered = row.secret.slice(0, -4) + (row.secret.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => new SecretBox(app.internalSecret).open(altered)).toThrow();
    expect(await app.container.subgraphs.hub.services.webhooks.signingSecrets(endpoint.id)).toEqual([secret]);
    await app.gql('fbs-rheine', `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: endpoint.id });
  });
});
