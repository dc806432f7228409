import { IDENTITY_HEADER } from '../../src/shared/identity';
import { startSubgraphServer } from '../../src/subgraph-server';
import { startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';

/** What a Federation 2 router asks of a subgraph: `_service { sdl }` and `_entities`. */
describe('subgraph federation protocol', () => {
  let app: TestApp;
  let city: Awaited<ReturnType<typeof startSubgraphServer>>;
  let personId: string;
  const actor = {
    subject: 's',
    partner: 'rheine-social',
    scopes: ['persons:read'],
    jurisdiction: ['05566076'],
    purpose: 'case_management',
    requestId: 'req-protocol',
  };

  beforeAll(async () => {
    app = await startTestApp();
    personId = await registerPersonViaApi(app, 'rheine-social', { givenName: 'Yonas', familyName: 'Tesfay' });
    city = await startSubgraphServer(app.container, 'city', { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await city?.close();
    await app?.stop();
  });

  const ask = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(city.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: await app.container.identity.sign(actor, 'city'),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as any;
  };

  it('serves its SDL with the federation link and keys', async () => {
    const { data } = await ask('{ _service { sdl } }');
    expect(data._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    expect(data._service.sdl).toMatch(/type Person @key\(fields: "id"\)/);
    expect(data._service.sdl).not.toContain('_entities');
  });

  it('resolves entity representations, scoped to the actor', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id familyName } } }`;
    const found = await ask(query, {
      r: [
        { __typename: 'Person', id: personId },
        { __typename: 'Person', id: '00000000-0000-4000-8000-000000000000' },
      ],
    });
    // A person the actor may not see is null with NOT_FOUND at its place (the gateway then names the
    // field that referred to it instead of failing to merge a null).
    expect(found.errors.map((e: any) => [e.extensions.code, e.path])).toEqual([['NOT_FOUND', ['_entities', 1]]]);
    expect(found.data._entities).toEqual([{ id: personId, familyName: 'Tesfay' }, null]);
    const unknown = await ask(query, { r: [{ __typename: 'Household', id: personId }] });
    expect(unknown.errors).toBeDefined();
  });

  it('enforces data protection itself: a partner without basis gets no personal data, also when calling directly', async () => {
    const caritas = {
      ...actor,
      partner: 'caritas-rheine',
      purpose: 'case_management',
      requestId: 'req-direct-caritas',
    };
    const res = await fetch(city.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: await app.container.identity.sign(caritas, 'city'),
      },
      body: JSON.stringify({
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id familyName } } }`,
        variables: { r: [{ __typename: 'Person', id: personId }] },
      }),
    });
    const body = (await res.json()) as any;
    // Not even known: the person is outside what caritas may see.
    expect(body.data._entities).toEqual([null]);
    expect(JSON.stringify(body)).not.toContain('Tesfay');
  });
});
