/**
 * accessReport (DSGVO Art. 15) through the gateway: a connection that reaches every entry, and
 * who reads what — the data-protection officer and the person's current case owner the whole
 * report, any other partner only the entries of its own accesses. Asking is audited.
 */
import crypto from 'node:crypto';
import { AuditEntryInput } from '../../src/audit/audit.service';
import { registerPersonViaApi } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

jest.setTimeout(120_000);

let app: TestApp;
let personId: string;

const REPORT = `query($id: ID!, $first: Int, $after: String) {
  accessReport(personId: $id, first: $first, after: $after) {
    totalCount coverage
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { partner kind operation } }
  }
}`;

const entry = (partner: string, over: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  kind: 'read',
  partner,
  subject: 'worker-1',
  requestId: crypto.randomUUID(),
  personId,
  categories: ['identity'],
  purpose: 'case_management',
  basis: 'legal_basis:1',
  ...over,
});

type Report = {
  totalCount: number;
  coverage: 'all' | 'own';
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  edges: Array<{ cursor: string; node: { partner: string; kind: string; operation: string | null } }>;
};

async function report(partner: string, vars: { first?: number; after?: string } = {}): Promise<Report> {
  const res = await app.gql(partner, REPORT, { id: personId, ...vars });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.accessReport as Report;
}

beforeAll(async () => {
  app = await startTestApp();
  personId = await registerPersonViaApi(app, 'rheine-social', { givenName: 'Amina', familyName: 'Yusuf' });
  // 130 accesses by others, more than the newest 100 the report used to reach.
  await app.container.audit.appendNow(
    Array.from({ length: 130 }, (_, i) =>
      entry(i % 2 ? 'jobcenter-steinfurt' : 'rheine-abh', { operation: `Op${String(i).padStart(3, '0')}` }),
    ),
  );
  await app.container.audit.appendNow([entry('caritas-rheine', { kind: 'denied', operation: 'CaritasLook' })]);
});
afterAll(() => app?.stop());

describe('accessReport is a connection', () => {
  it('pages through every entry, newest first, with cursors, however long the report', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let first: Report | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await report('rheine-dpo', { first: 50, after });
      first ??= r;
      expect(r.pageInfo.hasPreviousPage).toBe(Boolean(after));
      seen.push(...r.edges.map((e) => e.node.operation ?? ''));
      if (!r.pageInfo.hasNextPage) break;
      after = r.pageInfo.endCursor!;
    }
    // The oldest entries are reachable; each entry once, newest first.
    const ops = seen.filter((o) => /^Op\d{3}$/.test(o));
    expect(ops).toHaveLength(130);
    expect(ops).toEqual([...ops].sort().reverse());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen[0]).toBe('CaritasLook');
    // registerPerson's write and the denial are in it too.
    expect(first!.totalCount).toBeGreaterThanOrEqual(132);
    expect(first!.coverage).toBe('all');
  });

  it('refuses a page size over 100 and a forged cursor, naming the argument', async () => {
    const big = await app.gql('rheine-dpo', REPORT, { id: personId, first: 101 });
    expect(big.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const forged = await app.gql('rheine-dpo', REPORT, { id: personId, after: 'bm90LWEtY3Vyc29y' });
    expect(forged.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('who reads which entries', () => {
  it('the data-protection officer reads the whole report', async () => {
    const r = await report('rheine-dpo', { first: 100 });
    expect(r.coverage).toBe('all');
    const partners = new Set(r.edges.map((e) => e.node.partner));
    for (const p of ['caritas-rheine', 'jobcenter-steinfurt', 'rheine-abh']) expect(partners).toContain(p);
  });

  it('the advice team, not the case owner, reads only its own entries despite audit:read', async () => {
    const r = await report('rheine-social', { first: 100 });
    expect(r.coverage).toBe('own');
    expect(r.edges.length).toBeGreaterThan(0); // it registered the person
    expect(new Set(r.edges.map((e) => e.node.partner))).toEqual(new Set(['rheine-social']));
  });

  it('any other partner reads the entries of its own accesses, no scope needed', async () => {
    const r = await report('caritas-rheine', { first: 100 });
    expect(r).toMatchObject({ coverage: 'own', totalCount: 1 });
    expect(r.edges.map((e) => e.node)).toEqual([
      { partner: 'caritas-rheine', kind: 'denied', operation: 'CaritasLook' },
    ]);
  });

  it('the current case owner reads the whole report, a former one its own entries again', async () => {
    const hub = app.container.subgraphs.hub.dataSource;
    await hub.query(
      `INSERT INTO hub.case_owner (person_id, partner, since) VALUES ($1, 'jobcenter-steinfurt', now())`,
      [personId],
    );
    const owner = await report('jobcenter-steinfurt', { first: 100 });
    expect(owner.coverage).toBe('all');
    expect(new Set(owner.edges.map((e) => e.node.partner))).toContain('rheine-abh');
    // Also on Person, for the same caller.
    const onPerson = await app.gql(
      'jobcenter-steinfurt',
      `query($id: ID!) { person(id: $id) { accessReport(first: 3) { coverage edges { node { partner } } } } }`,
      { id: personId },
      { purpose: 'benefit_administration' },
    );
    expect(onPerson.body.errors).toBeUndefined();
    expect(onPerson.body.data.person.accessReport).toMatchObject({ coverage: 'all' });
    expect(onPerson.body.data.person.accessReport.edges).toHaveLength(3);

    await hub.query(
      `UPDATE hub.case_owner SET until = now() WHERE person_id = $1 AND partner = 'jobcenter-steinfurt'`,
      [personId],
    );
    const former = await report('jobcenter-steinfurt', { first: 100 });
    expect(former.coverage).toBe('own');
    expect(new Set(former.edges.map((e) => e.node.partner))).toEqual(new Set(['jobcenter-steinfurt']));
  });

  it('the officer whose token lacks audit:read reads only its own entries', async () => {
    const token = await app.token('rheine-dpo', ['partners:read']);
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: REPORT, variables: { id: personId, first: 100 } }),
    });
    const body = (await res.json()) as { data: { accessReport: Report } };
    expect(body.data.accessReport.coverage).toBe('own');
    expect(new Set(body.data.accessReport.edges.map((e) => e.node.partner))).toEqual(new Set(['rheine-dpo']));
  });

  it('asking is audited, with the reason the caller may read what it read', async () => {
    const entries = await app.container.audit.accessReport(personId, { first: 1000 });
    const asks = entries.filter((e) => e.operation === 'accessReport');
    const byPartner = (p: string) => new Set(asks.filter((e) => e.partner === p).map((e) => e.basis));
    expect(byPartner('rheine-dpo')).toEqual(new Set(['data_protection_officer', 'own_entries']));
    expect(byPartner('caritas-rheine')).toEqual(new Set(['own_entries']));
    expect(byPartner('jobcenter-steinfurt')).toEqual(new Set(['case_owner', 'own_entries']));
    expect(byPartner('rheine-social')).toEqual(new Set(['own_entries']));
  });
});
