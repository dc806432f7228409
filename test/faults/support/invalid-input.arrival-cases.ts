import { c, code, input, InvalidCase, SOCIAL, UNKNOWN } from './invalid-input.case-support';

/** Arrival visits (docs/arrival-counselling.md): malformed ids and days, unknown visits, missing facts. */
export function arrivalCases(personId: string): InvalidCase[] {
  const PLAN = input('PlanArrivalVisitInput', 'planArrivalVisit', '{ id status }');
  const RECORD = input('RecordArrivalVisitInput', 'recordArrivalVisit', '{ id status }');
  const FOLLOW_UP = input('RecordFollowUpInput', 'recordFollowUp', '{ id status }');
  const purpose = 'arrival_counselling';
  // A year ahead: a valid day, whenever the suite runs.
  const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  return [
    c('planArrivalVisit', 'a planned day in the past', {
      partner: SOCIAL,
      purpose,
      query: PLAN,
      variables: { input: { personId, plannedOn: '2020-01-01' } },
      ...code('BAD_USER_INPUT', 'plannedOn'),
    }),
    c('planArrivalVisit', 'unknown person', {
      partner: SOCIAL,
      purpose,
      query: PLAN,
      variables: { input: { personId: UNKNOWN, plannedOn: nextYear } },
      ...code('NOT_FOUND', 'personId'),
    }),
    c('recordArrivalVisit', 'took place without the day', {
      partner: SOCIAL,
      purpose,
      query: RECORD,
      variables: { input: { visitId: UNKNOWN, tookPlace: true } },
      ...code('BAD_USER_INPUT', 'heldOn'),
    }),
    c('recordArrivalVisit', 'unknown visit', {
      partner: SOCIAL,
      purpose,
      query: RECORD,
      variables: { input: { visitId: UNKNOWN, tookPlace: false, notHeldReason: 'not_reached' } },
      ...code('NOT_FOUND', 'visitId'),
    }),
    c('recordFollowUp', 'a contact without its day', {
      partner: SOCIAL,
      purpose,
      query: FOLLOW_UP,
      variables: { input: { visitId: UNKNOWN, contact: 'DISTRICT_OFFICE' } },
      ...code('BAD_USER_INPUT', 'contactedOn'),
    }),
    c('recordFollowUp', 'unknown visit', {
      partner: SOCIAL,
      purpose,
      query: FOLLOW_UP,
      variables: { input: { visitId: UNKNOWN, contact: 'NONE' } },
      ...code('NOT_FOUND', 'visitId'),
    }),
  ];
}
