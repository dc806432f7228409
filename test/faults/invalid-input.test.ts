import { startTestApp, TestApp } from '../helpers/app';
import {
  createWebhookEndpoint,
  openJobcenterRecord,
  recordConsentViaApi,
  registerCourseProvider,
  registerPerson,
  registerPersonViaApi,
  RHEINE_ADDRESS,
} from '../factories';
import { referToVhs } from '../webhooks/fixtures';
import { Fixtures, InvalidCase, invalidCases } from './support/invalid-input.cases';
import { changedTables, fingerprint } from './support/invalid-input.fingerprint';

/**
 * B2: invalid domain input for every mutation of the composed schema (unknown ids, impossible
 * dates, illegal transitions, duplicates) is refused with a code and the field it concerns, and
 * leaves every row of every Lotse schema as it was.
 */
describe('B2 invalid domain input for every mutation', () => {
  let app: TestApp;
  let f: Fixtures;

  /** A mutation that must succeed (fixtures); returns its field's value. */
  async function ok(partner: string, query: string, variables: Record<string, unknown> = {}, purpose?: string) {
    const res = await app.gql(partner, query, variables, { purpose });
    if (res.body.errors) throw new Error(`fixture failed: ${query}: ${JSON.stringify(res.body.errors)}`);
    return Object.values(res.body.data as Record<string, any>)[0];
  }

  beforeAll(async () => {
    // The endpoint points at a closed loopback port: nothing is ever delivered (no workers run either).
    app = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
    const social = 'rheine-social';
    const personId = (await registerPerson(app, social, { address: RHEINE_ADDRESS, birthDate: '1994-03-02' })).id;
    const otherPersonId = await registerPersonViaApi(app, 'rheine-youth');
    const transferPersonId = await registerPersonViaApi(app, 'rheine-youth');
    const endedPersonId = (await registerPerson(app, social, { address: RHEINE_ADDRESS })).id;
    const requestedId = await referToVhs(app, personId);
    const completedId = await referToVhs(app, personId);
    for (const step of ['acceptReferral', 'startReferral'])
      await ok('vhs-rheine', `mutation { ${step}(id: "${completedId}") { id } }`);
    await ok('vhs-rheine', `mutation { completeReferral(id: "${completedId}", outcome: got_help) { id } }`);
    const transfer = await ok(
      'rheine-youth',
      `mutation($input: CreateTransferInput!) { createTransfer(input: $input) { id } }`,
      {
        input: {
          personId: transferPersonId,
          receiver: social,
          purpose: 'case_management',
          referralType: 'youth_to_adult',
        },
      },
      'youth_welfare',
    );
    await ok(social, `mutation { acceptTransfer(id: "${transfer.id}") { id } }`, {}, 'case_management');
    const consentId = await recordConsentViaApi(app, social, { personId });
    const identifierValue = '123456789012';
    await ok(
      'rheine-abh',
      `mutation { addPersonIdentifier(input: { personId: "${personId}", system: azr_number, value: "${identifierValue}" }) { value } }`,
    );
    await openJobcenterRecord(app, 'jobcenter-steinfurt', { personId });
    const ended = await openJobcenterRecord(app, 'jobcenter-steinfurt', { personId: endedPersonId });
    await ok(
      'jobcenter-steinfurt',
      `mutation { changeBenefitStatus(input: { recordId: "${ended.id}", status: ended }) { id } }`,
    );
    const endpointId = (await createWebhookEndpoint(app, 'vhs-rheine', { url: 'http://127.0.0.1:9/hook' })).id;
    const providerId = (await registerCourseProvider(app, 'vhs-rheine')).id;
    const issue = `mutation($input: IssueEntitlementInput!) { issueEntitlement(input: $input) { id } }`;
    const entitlementId = (await ok('rheine-abh', issue, { input: { personId, courseKind: 'integration_course' } })).id;
    const withdrawnEntitlementId = (
      await ok('rheine-abh', issue, { input: { personId: endedPersonId, courseKind: 'integration_course' } })
    ).id;
    await ok(
      'rheine-abh',
      `mutation { withdrawEntitlement(input: { entitlementId: "${withdrawnEntitlementId}", reason: issued_in_error }) { id } }`,
    );
    f = {
      personId,
      requestedId,
      completedId,
      acceptedTransferId: transfer.id,
      consentId,
      endedRecordId: ended.id,
      openRecordPersonId: personId,
      endpointId,
      entitlementId,
      withdrawnEntitlementId,
      providerId,
      identifierValue,
      otherPersonId,
    };
  });
  afterAll(async () => app?.stop());

  it('has a case for every mutation of the composed schema', async () => {
    const res = await app.gql('rheine-social', '{ __schema { mutationType { fields { name } } } }');
    const mutations: string[] = res.body.data.__schema.mutationType.fields.map((m: { name: string }) => m.name);
    const covered = new Set(invalidCases(f).map((c) => c.mutation));
    expect(mutations.filter((m) => !covered.has(m))).toEqual([]);
    expect([...covered].filter((m) => !mutations.includes(m))).toEqual([]);
  });

  /** What is wrong with the answer to one case: nothing when refused with its code and field, no row changed. */
  async function check(c: InvalidCase): Promise<string[]> {
    const before = await fingerprint(app.db.url);
    const res = await app.gql(c.partner, c.query, c.variables, { purpose: c.purpose });
    const changed = changedTables(before, await fingerprint(app.db.url));
    const error = res.body.errors?.[0];
    const got = { code: error?.extensions?.code, field: error?.extensions?.field };
    const problems = [];
    if (res.body.errors?.length !== 1) problems.push(`${res.body.errors?.length ?? 0} errors`);
    if (got.code !== c.code || got.field !== c.field) problems.push(`got ${JSON.stringify(got)}`);
    if (res.body.data && Object.values(res.body.data).some((v) => v !== null)) problems.push('data returned');
    if (changed.length) problems.push(`changed ${changed.join(', ')}`);
    return problems.length
      ? [`${c.mutation} (${c.name}), expected ${c.code}/${c.field}: ${problems.join('; ')} — ${error?.message}`]
      : [];
  }

  it('refuses each with a code and a field, and changes no row', async () => {
    const outcomes: string[] = [];
    for (const c of invalidCases(f)) outcomes.push(...(await check(c)));
    expect(outcomes).toEqual([]);
  });
});
