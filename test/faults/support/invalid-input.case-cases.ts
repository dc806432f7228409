import { c, code, input, InvalidCase, SOCIAL, UNKNOWN } from './invalid-input.case-support';

/**
 * Case management (docs/case-management.md): each step's input is checked before the case is
 * looked up, so a refused field is named even for a case that does not exist; unknown ids are NOT_FOUND.
 */
export function caseCases(f: { personId: string }): InvalidCase[] {
  const purpose = 'case_management';
  const OPEN = input('OpenCaseInput', 'openCase', '{ id }');
  const ASSESS = input('RecordAssessmentInput', 'recordAssessment', '{ id }');
  const AGREE = input('AgreeGoalInput', 'agreeGoal', '{ id }');
  const UPDATE = input('UpdateGoalInput', 'updateGoal', '{ id }');
  const SCHEDULE = input('ScheduleAppointmentInput', 'scheduleAppointment', '{ id }');
  const RECORD = input('RecordAppointmentInput', 'recordAppointment', '{ id }');
  const CLOSE = input('CloseCaseInput', 'closeCase', '{ id }');
  const REOPEN = input('ReopenCaseInput', 'reopenCase', '{ id }');
  return [
    c('openCase', 'a worker reference that is a name', {
      partner: SOCIAL,
      purpose,
      query: OPEN,
      variables: { input: { personId: f.personId, workerRef: 'Anna Schmidt', allianceSignedOn: '2026-01-05' } },
      ...code('BAD_USER_INPUT', 'workerRef'),
    }),
    c('recordAssessment', 'more than 20 problems', {
      partner: SOCIAL,
      purpose,
      query: ASSESS,
      variables: {
        input: {
          caseId: UNKNOWN,
          domain: 'language',
          problems: Array.from({ length: 21 }, (_, i) => `p${i}`),
          resources: [],
          assessedOn: '2026-01-05',
        },
      },
      ...code('BAD_USER_INPUT', 'problems'),
    }),
    c('recordAssessment', 'unknown case', {
      partner: SOCIAL,
      purpose,
      query: ASSESS,
      variables: {
        input: {
          caseId: UNKNOWN,
          domain: 'work',
          problems: [],
          resources: [],
          situation: 'employed',
          assessedOn: '2026-01-05',
        },
      },
      ...code('NOT_FOUND', 'caseId'),
    }),
    c('agreeGoal', 'a target before the agreement', {
      partner: SOCIAL,
      purpose,
      query: AGREE,
      variables: {
        input: { caseId: UNKNOWN, domain: 'language', wording: 'B1', agreedOn: '2026-01-05', targetOn: '2025-12-01' },
      },
      ...code('BAD_USER_INPUT', 'targetOn'),
    }),
    c('updateGoal', 'back to a proposal', {
      partner: SOCIAL,
      purpose,
      query: UPDATE,
      variables: { input: { goalId: UNKNOWN, status: 'proposed' } },
      ...code('BAD_USER_INPUT', 'status'),
    }),
    c('updateGoal', 'unknown goal', {
      partner: SOCIAL,
      purpose,
      query: UPDATE,
      variables: { input: { goalId: UNKNOWN, status: 'reached' } },
      ...code('NOT_FOUND', 'goalId'),
    }),
    c('scheduleAppointment', 'a time long past', {
      partner: SOCIAL,
      purpose,
      query: SCHEDULE,
      variables: { input: { caseId: UNKNOWN, scheduledAt: '2020-01-01T10:00:00Z' } },
      ...code('BAD_USER_INPUT', 'scheduledAt'),
    }),
    c('recordAppointment', 'cancelled without by whom', {
      partner: SOCIAL,
      purpose,
      query: RECORD,
      variables: { input: { appointmentId: UNKNOWN, status: 'cancelled' } },
      ...code('BAD_USER_INPUT', 'cancelledBy'),
    }),
    c('recordAppointment', 'unknown appointment', {
      partner: SOCIAL,
      purpose,
      query: RECORD,
      variables: { input: { appointmentId: UNKNOWN, status: 'kept' } },
      ...code('NOT_FOUND', 'appointmentId'),
    }),
    c('startMonitoring', 'unknown case', {
      partner: SOCIAL,
      purpose,
      query: `mutation { startMonitoring(caseId: "${UNKNOWN}") { id } }`,
      ...code('NOT_FOUND', 'caseId'),
    }),
    c('closeCase', 'no closure kind', {
      partner: SOCIAL,
      purpose,
      query: CLOSE,
      variables: { input: { caseId: UNKNOWN } },
      ...code('BAD_USER_INPUT', 'kind'),
    }),
    c('closeCase', 'an unknown reason code', {
      partner: SOCIAL,
      purpose,
      query: CLOSE,
      variables: { input: { caseId: UNKNOWN, kind: 'unplanned_by_client', reason: 'he just left' } },
      ...code('BAD_USER_INPUT', 'reason'),
    }),
    c('reopenCase', 'an unknown reason code', {
      partner: SOCIAL,
      purpose,
      query: REOPEN,
      variables: { input: { caseId: UNKNOWN, reason: 'why not' } },
      ...code('BAD_USER_INPUT', 'reason'),
    }),
    c('reopenCase', 'unknown case', {
      partner: SOCIAL,
      purpose,
      query: REOPEN,
      variables: { input: { caseId: UNKNOWN, reason: 'new_need' } },
      ...code('NOT_FOUND', 'caseId'),
    }),
  ];
}
