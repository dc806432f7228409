import { c, code, Fixtures, input, InvalidCase, JOBCENTER, UNKNOWN, VHS } from './invalid-input.case-support';

const ABH = 'rheine-abh';

/** The entitlement ledger: a second certificate, bodies that are none, steps a closed entry cannot take. */
export function entitlementCases(f: Fixtures): InvalidCase[] {
  const ISSUE = input('IssueEntitlementInput', 'issueEntitlement', '{ id }');
  const OBLIGE = input('AddObligingBodyInput', 'addObligingBody', '{ id }');
  const WITHDRAW = input('WithdrawEntitlementInput', 'withdrawEntitlement', '{ id }');
  const TRANSFER = input('TransferEntitlementInput', 'transferEntitlement', '{ id }');
  const REGISTER = input('RegisterEntitlementInput', 'registerEntitlement', '{ id }');
  return [
    c('issueEntitlement', 'a second certificate for the same person and course kind', {
      partner: JOBCENTER,
      query: ISSUE,
      variables: { input: { personId: f.personId, courseKind: 'integration_course', basis: 'obligation' } },
      ...code('CONFLICT', 'courseKind'),
    }),
    c('issueEntitlement', 'no hours granted', {
      partner: ABH,
      query: ISSUE,
      variables: { input: { personId: f.otherPersonId, courseKind: 'integration_course', hoursGranted: 0 } },
      ...code('BAD_USER_INPUT', 'hoursGranted'),
    }),
    c('issueEntitlement', 'unknown person', {
      partner: ABH,
      query: ISSUE,
      variables: { input: { personId: UNKNOWN, courseKind: 'integration_course' } },
      ...code('NOT_FOUND', 'personId'),
    }),
    c('addObligingBody', 'a course provider as obliging body', {
      partner: JOBCENTER,
      query: OBLIGE,
      variables: { input: { entitlementId: f.entitlementId, body: VHS, basis: 'obligation' } },
      ...code('BAD_USER_INPUT', 'body'),
    }),
    c('addObligingBody', 'unknown entitlement', {
      partner: JOBCENTER,
      query: OBLIGE,
      variables: { input: { entitlementId: UNKNOWN, body: JOBCENTER, basis: 'obligation' } },
      ...code('NOT_FOUND', 'entitlementId'),
    }),
    c('withdrawEntitlement', 'already withdrawn', {
      partner: ABH,
      query: WITHDRAW,
      variables: { input: { entitlementId: f.withdrawnEntitlementId, reason: 'duplicate' } },
      ...code('CONFLICT', 'entitlementId'),
    }),
    c('transferEntitlement', 'to a partner that is no course provider', {
      partner: ABH,
      query: TRANSFER,
      variables: { input: { entitlementId: f.entitlementId, toProvider: JOBCENTER, reason: 'provider_change' } },
      ...code('BAD_USER_INPUT', 'toProvider'),
    }),
    c('transferEntitlement', 'a withdrawn entitlement', {
      partner: ABH,
      query: TRANSFER,
      variables: { input: { entitlementId: f.withdrawnEntitlementId, toProvider: VHS, reason: 'provider_change' } },
      ...code('CONFLICT', 'entitlementId'),
    }),
    c('registerEntitlement', 'a withdrawn entitlement', {
      partner: VHS,
      query: REGISTER,
      variables: { input: { entitlementId: f.withdrawnEntitlementId } },
      ...code('CONFLICT', 'entitlementId'),
    }),
    c('registerEntitlement', 'unknown entitlement', {
      partner: VHS,
      query: REGISTER,
      variables: { input: { entitlementId: UNKNOWN } },
      ...code('NOT_FOUND', 'entitlementId'),
    }),
  ];
}
