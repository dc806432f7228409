import { c, code, input, InvalidCase, SOCIAL, UNKNOWN } from './invalid-input.case-support';

/**
 * Employer enquiries (docs/employer-service.md) and client feedback (docs/feedback.md): empty or
 * overlong texts, unknown enquiries, a consent that is no id, scores off the scale.
 */
export function enquiryFeedbackCases(): InvalidCase[] {
  const ASK = input('EmployerEnquiryInput', 'employerEnquiry', '{ id status }');
  const TAKE = input('EnquiryRefInput', 'takeEnquiry', '{ id status }');
  const ANSWER = input('AnswerEnquiryInput', 'answerEnquiry', '{ id status }');
  const CLOSE = input('EnquiryRefInput', 'closeEnquiry', '{ id status }');
  const FEEDBACK = input('SubmitFeedbackInput', 'submitFeedback', '{ id }');
  const employer = { partner: 'elektro-brinkmann', purpose: 'employer_service' };
  return [
    c('employerEnquiry', 'an empty question', {
      ...employer,
      query: ASK,
      variables: { input: { topic: 'WORKPLACE', question: '   ' } },
      ...code('BAD_USER_INPUT', 'question'),
    }),
    c('employerEnquiry', 'an employee consent that names nobody', {
      ...employer,
      query: ASK,
      variables: { input: { topic: 'RESIDENCE_LAW', question: 'Arbeitserlaubnis?', employeeConsentId: UNKNOWN } },
      ...code('BAD_USER_INPUT', 'employeeConsentId'),
    }),
    c('takeEnquiry', 'unknown enquiry', {
      partner: SOCIAL,
      purpose: 'employer_service',
      query: TAKE,
      variables: { input: { enquiryId: UNKNOWN } },
      ...code('NOT_FOUND', 'enquiryId'),
    }),
    c('answerEnquiry', 'an answer over 4000 characters', {
      partner: 'rheine-abh',
      purpose: 'employer_service',
      query: ANSWER,
      variables: { input: { enquiryId: UNKNOWN, answer: 'x'.repeat(4001) } },
      ...code('BAD_USER_INPUT', 'answer'),
    }),
    c('closeEnquiry', 'an enquiry id that is no id', {
      ...employer,
      query: CLOSE,
      variables: { input: { enquiryId: 'enquiry-1' } },
      ...code('BAD_USER_INPUT', 'enquiryId'),
    }),
    c('submitFeedback', 'a score off the scale', {
      partner: SOCIAL,
      query: FEEDBACK,
      variables: { input: { offer: 'ARRIVAL_COUNSELLING', helpful: 6, understood: 3 } },
      ...code('BAD_USER_INPUT', 'helpful'),
    }),
    c('submitFeedback', 'a comment over 500 characters', {
      partner: SOCIAL,
      query: FEEDBACK,
      variables: { input: { offer: 'OTHER', helpful: 3, understood: 3, comment: 'x'.repeat(501) } },
      ...code('BAD_USER_INPUT', 'comment'),
    }),
  ];
}
