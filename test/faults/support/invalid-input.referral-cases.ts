import {
  c,
  code,
  Fixtures,
  input,
  InvalidCase,
  JOBCENTER,
  SOCIAL,
  transition,
  UNKNOWN,
  VHS,
} from './invalid-input.case-support';

/** Referrals and transfers: unknown ids, impossible dates, and every transition the state machine refuses. */
export function referralCases(f: Fixtures): InvalidCase[] {
  const [social, vhs, jc] = [SOCIAL, VHS, JOBCENTER];
  const REFERRAL = input('CreateReferralInput', 'createReferral', '{ id }');
  const TRANSFER = input('CreateTransferInput', 'createTransfer', '{ id }');
  const referral = {
    personId: f.personId,
    receiver: 'vhs-rheine',
    purpose: 'integration_course_referral',
    referralType: 'integration_course',
    send: true,
  };
  return [
    c('createReferral', 'unknown person', {
      partner: jc,
      query: REFERRAL,
      variables: { input: { ...referral, personId: UNKNOWN } },
      ...code('NOT_FOUND', 'personId'),
    }),
    c('createReferral', 'impossible due date', {
      partner: jc,
      query: REFERRAL,
      variables: { input: { ...referral, dueOn: '2023-02-30' } },
      ...code('BAD_USER_INPUT', 'dueOn'),
    }),
    c('createReferral', 'unknown receiver', {
      partner: jc,
      query: REFERRAL,
      variables: { input: { ...referral, receiver: 'no-such-partner' } },
      ...code('BAD_USER_INPUT', 'receiver'),
    }),
    c('sendReferral', 'unknown referral', {
      partner: jc,
      query: transition('sendReferral', jc, UNKNOWN),
      ...code('NOT_FOUND', 'id'),
    }),
    c('sendReferral', 'already sent', {
      partner: jc,
      query: transition('sendReferral', jc, f.requestedId),
      ...code('CONFLICT', 'id'),
    }),
    c('acknowledgeReferral', 'a completed referral', {
      partner: vhs,
      query: transition('acknowledgeReferral', vhs, f.completedId),
      ...code('CONFLICT', 'id'),
    }),
    c('acceptReferral', 'a completed (closed) referral', {
      partner: vhs,
      query: transition('acceptReferral', vhs, f.completedId),
      ...code('CONFLICT', 'id'),
    }),
    c('acceptReferral', 'as the sender', {
      partner: jc,
      query: transition('acceptReferral', jc, f.requestedId),
      ...code('CONFLICT', 'id'),
    }),
    c('startReferral', 'not accepted yet', {
      partner: vhs,
      query: transition('startReferral', vhs, f.requestedId),
      ...code('CONFLICT', 'id'),
    }),
    c('holdReferral', 'not in progress', {
      partner: vhs,
      query: transition('holdReferral', vhs, f.requestedId),
      ...code('CONFLICT', 'id'),
    }),
    c('rejectReferral', 'a completed referral', {
      partner: vhs,
      query: transition('rejectReferral', vhs, f.completedId, ', reason: no_capacity'),
      ...code('CONFLICT', 'id'),
    }),
    c('completeReferral', 'not in progress', {
      partner: vhs,
      query: transition('completeReferral', vhs, f.requestedId, ', outcome: got_help'),
      ...code('CONFLICT', 'id'),
    }),
    c('failReferral', 'not accepted', {
      partner: vhs,
      query: transition('failReferral', vhs, f.requestedId, ', reason: not_reachable'),
      ...code('CONFLICT', 'id'),
    }),
    c('cancelReferral', 'a completed referral', {
      partner: jc,
      query: transition('cancelReferral', jc, f.completedId),
      ...code('CONFLICT', 'id'),
    }),
    c('redirectReferral', 'a completed referral', {
      partner: jc,
      query: transition('redirectReferral', jc, f.completedId, ', receiver: "fbs-rheine"'),
      ...code('CONFLICT', 'id'),
    }),
    c('redirectReferral', 'unknown referral', {
      partner: jc,
      query: transition('redirectReferral', jc, UNKNOWN, ', receiver: "fbs-rheine"'),
      ...code('NOT_FOUND', 'id'),
    }),
    c('createTransfer', 'unknown person', {
      partner: 'rheine-youth',
      purpose: 'youth_welfare',
      query: TRANSFER,
      variables: {
        input: { personId: UNKNOWN, receiver: social, purpose: 'case_management', referralType: 'youth_to_adult' },
      },
      ...code('NOT_FOUND', 'personId'),
    }),
    c('createTransfer', 'impossible due date', {
      partner: 'rheine-youth',
      purpose: 'youth_welfare',
      query: TRANSFER,
      variables: {
        input: {
          personId: f.otherPersonId,
          receiver: social,
          purpose: 'case_management',
          referralType: 'youth_to_adult',
          dueOn: '2023-02-30',
        },
      },
      ...code('BAD_USER_INPUT', 'dueOn'),
    }),
    c('acceptTransfer', 'already accepted', {
      partner: social,
      purpose: 'case_management',
      query: transition('acceptTransfer', social, f.acceptedTransferId),
      ...code('CONFLICT', 'id'),
    }),
    c('acceptTransfer', 'unknown transfer', {
      partner: social,
      purpose: 'case_management',
      query: transition('acceptTransfer', social, UNKNOWN),
      ...code('NOT_FOUND', 'id'),
    }),
    c('rejectTransfer', 'already accepted', {
      partner: social,
      purpose: 'case_management',
      query: transition('rejectTransfer', social, f.acceptedTransferId, ', reason: not_responsible'),
      ...code('CONFLICT', 'id'),
    }),
  ];
}
