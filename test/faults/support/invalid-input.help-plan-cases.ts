import { c, code, input, InvalidCase, SOCIAL, UNKNOWN } from './invalid-input.case-support';

/** The help plan and the eUMA track (docs/case-management-help-plan.md): unknown cases, malformed codes, past days, names as worker references. */
export function helpPlanCases(): InvalidCase[] {
  const ADD = input('AddHelpPlanItemInput', 'addHelpPlanItem', '{ id }');
  const CONFIRM = input('ConfirmWorkingAllianceInput', 'confirmWorkingAlliance', '{ id }');
  const purpose = 'case_management';
  return [
    c('addHelpPlanItem', 'unknown case', {
      partner: SOCIAL,
      purpose,
      query: ADD,
      variables: { input: { caseId: UNKNOWN, service: 'language_course', provider: 'vhs-rheine' } },
      ...code('NOT_FOUND', 'caseId'),
    }),
    c('addHelpPlanItem', 'a service that is no code', {
      partner: SOCIAL,
      purpose,
      query: ADD,
      variables: { input: { caseId: UNKNOWN, service: 'Deutschkurs B1!', provider: 'vhs-rheine' } },
      ...code('BAD_USER_INPUT', 'service'),
    }),
    c('addHelpPlanItem', 'a due day in the past', {
      partner: SOCIAL,
      purpose,
      query: ADD,
      variables: {
        input: { caseId: UNKNOWN, service: 'language_course', provider: 'vhs-rheine', dueOn: '2020-01-01' },
      },
      ...code('BAD_USER_INPUT', 'dueOn'),
    }),
    c('confirmWorkingAlliance', 'unknown case', {
      partner: SOCIAL,
      purpose,
      query: CONFIRM,
      variables: { input: { caseId: UNKNOWN, workerRef: 'cm-4', allianceSignedOn: '2026-01-05' } },
      ...code('NOT_FOUND', 'caseId'),
    }),
    c('confirmWorkingAlliance', 'a name as worker reference', {
      partner: SOCIAL,
      purpose,
      query: CONFIRM,
      variables: { input: { caseId: UNKNOWN, workerRef: 'Anna Schmidt', allianceSignedOn: '2026-01-05' } },
      ...code('BAD_USER_INPUT', 'workerRef'),
    }),
  ];
}
