import { c, code, Fixtures, input, InvalidCase, UNKNOWN, VHS } from './invalid-input.case-support';

/** Enrolments (courses subgraph): unknown courses and enrolments, impossible days, a drop without a reason. */
export function enrolmentCases(f: Fixtures): InvalidCase[] {
  const ENROL = input('EnrolInput', 'enrol', '{ id }');
  const OFFER = input('OfferSeatInput', 'offerSeat', '{ id }');
  const RESPOND = input('RespondToSeatOfferInput', 'respondToSeatOffer', '{ id }');
  const ATTEND = input('RecordAttendanceInput', 'recordAttendance', '{ sessionOn }');
  const END = input('EndEnrolmentInput', 'endEnrolment', '{ id }');
  return [
    c('enrol', 'unknown course', {
      partner: VHS,
      query: ENROL,
      variables: { input: { courseId: UNKNOWN, personId: f.personId } },
      ...code('NOT_FOUND', 'courseId'),
    }),
    c('enrol', 'neither a person nor a referral', {
      partner: VHS,
      query: ENROL,
      variables: { input: { courseId: UNKNOWN } },
      ...code('BAD_USER_INPUT', 'personId'),
    }),
    c('offerSeat', 'unknown course', {
      partner: VHS,
      query: OFFER,
      variables: { input: { courseId: UNKNOWN } },
      ...code('NOT_FOUND', 'courseId'),
    }),
    c('respondToSeatOffer', 'unknown enrolment', {
      partner: VHS,
      query: RESPOND,
      variables: { input: { enrolmentId: UNKNOWN, accept: true } },
      ...code('NOT_FOUND', 'enrolmentId'),
    }),
    c('recordAttendance', 'impossible day 2026-02-30', {
      partner: VHS,
      query: ATTEND,
      variables: { input: { enrolmentId: UNKNOWN, sessionOn: '2026-02-30', present: true } },
      ...code('BAD_USER_INPUT', 'sessionOn'),
    }),
    c('endEnrolment', 'dropped without a reason', {
      partner: VHS,
      query: END,
      variables: { input: { enrolmentId: UNKNOWN, status: 'dropped' } },
      ...code('BAD_USER_INPUT', 'reason'),
    }),
    c('endEnrolment', 'unknown enrolment', {
      partner: VHS,
      query: END,
      variables: { input: { enrolmentId: UNKNOWN, status: 'completed' } },
      ...code('NOT_FOUND', 'enrolmentId'),
    }),
  ];
}
