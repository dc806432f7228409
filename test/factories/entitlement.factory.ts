import type { IssueEntitlementInput } from '../../src/subgraphs/courses/entitlement/entitlement.types';
import { EntitlementCourseKind } from '../../src/subgraphs/courses/entitlement/entitlement.types';
import { ForPerson, WithGql } from './factory.support';

/** Every field of an Entitlement a test may look at. */
export const ENTITLEMENT_FIELDS = `id courseKind basis status issuingBody issuerKind hoursGranted hoursUsed issuedAt
  registeredProvider registeredAt lastActivityAt municipalityKey
  obligingBodies { partner kind addedBy }
  steps { action fromStatus toStatus byPartner reasonCode providerFrom providerTo }`;

/** The purpose under which issuers and providers see entitlements (their course_participation bases). */
export const COURSE_PURPOSE = 'integration_course_referral';

/** An entitlement to issue: an integration course entitlement, unless overridden. */
export const entitlementInput = (input: ForPerson<IssueEntitlementInput>): IssueEntitlementInput => ({
  courseKind: EntitlementCourseKind.integration_course,
  ...input,
});

/** Issues an entitlement through the API as `partner`; returns the whole answer (data and errors). */
export async function issueEntitlementViaApi(app: WithGql, partner: string, input: ForPerson<IssueEntitlementInput>) {
  const res = await app.gql(
    partner,
    `mutation($input: IssueEntitlementInput!) { issueEntitlement(input: $input) { ${ENTITLEMENT_FIELDS} } }`,
    { input: entitlementInput(input) },
    { purpose: COURSE_PURPOSE },
  );
  return { entitlement: res.body.data?.issueEntitlement ?? null, errors: res.body.errors ?? null };
}

/** Runs one of the entitlement mutations as `partner` (under the course purpose). */
export async function entitlementMutation(
  app: WithGql,
  partner: string,
  field: 'addObligingBody' | 'withdrawEntitlement' | 'transferEntitlement' | 'registerEntitlement',
  input: Record<string, unknown>,
) {
  const type = `${field[0].toUpperCase()}${field.slice(1)}Input`;
  const res = await app.gql(
    partner,
    `mutation($input: ${type}!) { ${field}(input: $input) { ${ENTITLEMENT_FIELDS} } }`,
    { input },
    { purpose: COURSE_PURPOSE },
  );
  return { entitlement: res.body.data?.[field] ?? null, errors: res.body.errors ?? null };
}

/** `Person.entitlements` as `partner` sees it. */
export async function entitlementsOf(app: WithGql, partner: string, personId: string, purpose = COURSE_PURPOSE) {
  const res = await app.gql(
    partner,
    `query($id: ID!) { person(id: $id) { id entitlements { ${ENTITLEMENT_FIELDS} } } }`,
    { id: personId },
    { purpose },
  );
  return { entitlements: res.body.data?.person?.entitlements ?? null, errors: res.body.errors ?? null };
}
