/** What the invalid-input cases refer to: one object of each kind, in the state a case needs. */
export interface Fixtures {
  personId: string;
  /** jobcenter-steinfurt → vhs-rheine, sent (requested). */
  requestedId: string;
  /** jobcenter-steinfurt → vhs-rheine, completed by the VHS: closed. */
  completedId: string;
  /** rheine-youth → rheine-social, already accepted. */
  acceptedTransferId: string;
  /** Active: withdrawing it is idempotent, so only a malformed withdrawal is invalid. */
  consentId: string;
  /** An ended jobcenter record: it cannot change any more. */
  endedRecordId: string;
  /** Of the person above, open: a second one is refused. */
  openRecordPersonId: string;
  endpointId: string;
  providerId: string;
  /** An AZR number the person above holds as an identifier. */
  identifierValue: string;
  otherPersonId: string;
}

/** One refused write: who sends what, and the code and field the answer must name. */
export interface InvalidCase {
  mutation: string;
  name: string;
  partner: string;
  purpose?: string;
  query: string;
  variables?: Record<string, unknown>;
  code: string;
  field: string;
  /** Set where Lotse does not refuse the input yet: why (the test expects these to fail). */
  gap?: string;
}

const UNKNOWN = '7c1d6a54-95d1-4c43-9a0e-2b5f0c3e8a11';
/**
 * The hub and the jobcenter keep person ids as references and never ask the city whether the
 * person exists (docs/adr/0007): a well-formed id of nobody is accepted and written.
 */
const UNKNOWN_PERSON_GAP = 'a person id the city does not know is accepted outside the city subgraph';
const RHEINE = '05566076';

/**
 * Every mutation of the composed schema with at least one invalid domain input: unknown ids,
 * impossible dates, illegal transitions, duplicates. A new mutation without a case here fails the test.
 */
export function invalidCases(f: Fixtures): InvalidCase[] {
  const c = (mutation: string, name: string, rest: Omit<InvalidCase, 'mutation' | 'name'>): InvalidCase => ({
    mutation,
    name,
    ...rest,
  });
  const input = (type: string, field: string, select: string) =>
    `mutation($input: ${type}!) { ${field}(input: $input) ${select} }`;
  const REGISTER = input('RegisterPersonInput', 'registerPerson', '{ id }');
  const MOVE = input('MovePersonInput', 'movePerson', '{ id }');
  const RESIDENCE = input('RecordResidenceStatusInput', 'recordResidenceStatus', '{ id }');
  const COURSE = input('CreateCourseInput', 'createCourse', '{ id }');
  const PROVIDER = input('RegisterCourseProviderInput', 'registerCourseProvider', '{ id }');
  const REFERRAL = input('CreateReferralInput', 'createReferral', '{ id }');
  const TRANSFER = input('CreateTransferInput', 'createTransfer', '{ id }');
  const IDENTIFIER = input('AddPersonIdentifierInput', 'addPersonIdentifier', '{ value }');
  const CONSENT = input('RecordConsentInput', 'recordConsent', '{ id }');
  const WITHDRAW = input('WithdrawConsentInput', 'withdrawConsent', '{ id }');
  const ENDPOINT = input('CreateWebhookEndpointInput', 'createWebhookEndpoint', '{ secret }');
  const OPEN = input('OpenJobcenterRecordInput', 'openJobcenterRecord', '{ id }');
  const BENEFIT = input('ChangeBenefitStatusInput', 'changeBenefitStatus', '{ id }');
  const course = {
    providerId: f.providerId,
    title: 'Integrationskurs',
    kind: 'integration_course',
    targetLevel: 'B1',
    startsOn: '2027-03-01',
    schedule: 'Mo–Fr',
    lessonsPerWeek: 20,
    capacity: 20,
    location: 'Rheine',
    municipalityKey: RHEINE,
  };
  const referral = {
    personId: f.personId,
    receiver: 'vhs-rheine',
    purpose: 'integration_course_referral',
    referralType: 'integration_course',
    send: true,
  };
  const consent = {
    personId: f.personId,
    purpose: 'case_management',
    recipients: ['caritas-rheine'],
    categories: ['identity'],
    evidenceRef: 'Einwilligung invalid-input',
  };
  const social = 'rheine-social';
  const vhs = 'vhs-rheine';
  const jc = 'jobcenter-steinfurt';
  const transition = (mutation: string, _partner: string, id: string, extra = '') =>
    `mutation { ${mutation}(id: "${id}"${extra}) { id status } }`;
  const code = (code: string, field: string) => ({ code, field });

  return [
    c('registerPerson', 'impossible birth date', {
      partner: social,
      query: REGISTER,
      variables: { input: { givenName: 'A', familyName: 'B', municipalityKey: RHEINE, birthDate: '2023-02-30' } },
      ...code('BAD_USER_INPUT', 'birthDate'),
    }),
    c('registerPerson', 'unknown household', {
      partner: social,
      query: REGISTER,
      variables: { input: { givenName: 'A', familyName: 'B', municipalityKey: RHEINE, householdId: UNKNOWN } },
      ...code('NOT_FOUND', 'householdId'),
    }),
    c('movePerson', 'unknown person', {
      partner: social,
      query: MOVE,
      variables: { input: { personId: UNKNOWN, municipalityKey: RHEINE } },
      ...code('NOT_FOUND', 'personId'),
    }),
    c('movePerson', 'municipality that does not exist', {
      partner: social,
      query: MOVE,
      variables: { input: { personId: f.personId, municipalityKey: '99999999' } },
      ...code('BAD_USER_INPUT', 'municipalityKey'),
    }),
    c('recordResidenceStatus', 'impossible date 0000-00-00', {
      partner: 'rheine-abh',
      query: RESIDENCE,
      variables: { input: { personId: f.personId, status: 'recognised_refugee', validFrom: '0000-00-00' } },
      ...code('BAD_USER_INPUT', 'validFrom'),
    }),
    c('recordResidenceStatus', 'unknown person', {
      partner: 'rheine-abh',
      query: RESIDENCE,
      variables: { input: { personId: UNKNOWN, status: 'recognised_refugee', validFrom: '2024-01-01' } },
      ...code('NOT_FOUND', 'personId'),
    }),
    c('createCourse', 'unknown provider', {
      partner: vhs,
      query: COURSE,
      variables: { input: { ...course, providerId: UNKNOWN } },
      ...code('NOT_FOUND', 'providerId'),
    }),
    c('createCourse', 'impossible start 9999-99-99', {
      partner: vhs,
      query: COURSE,
      variables: { input: { ...course, startsOn: '9999-99-99' } },
      ...code('BAD_USER_INPUT', 'startsOn'),
    }),
    c('createCourse', 'ends before it starts', {
      partner: vhs,
      query: COURSE,
      variables: { input: { ...course, endsOn: '2027-02-01' } },
      ...code('BAD_USER_INPUT', 'endsOn'),
    }),
    c('registerCourseProvider', 'duplicate provider', {
      partner: vhs,
      query: PROVIDER,
      variables: { input: { partnerSlug: vhs, name: 'VHS', municipalityKey: RHEINE } },
      ...code('CONFLICT', 'partnerSlug'),
    }),
    c('createReferral', 'unknown person', {
      gap: UNKNOWN_PERSON_GAP,
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
      gap: UNKNOWN_PERSON_GAP,
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
    c('addPersonIdentifier', 'a customer number another person holds', {
      partner: 'rheine-abh',
      query: IDENTIFIER,
      variables: { input: { personId: f.otherPersonId, system: 'azr_number', value: f.identifierValue } },
      ...code('CONFLICT', 'value'),
    }),
    c('addPersonIdentifier', 'unknown person', {
      gap: UNKNOWN_PERSON_GAP,
      partner: 'rheine-abh',
      query: IDENTIFIER,
      variables: { input: { personId: UNKNOWN, system: 'azr_number', value: '123456789013' } },
      ...code('NOT_FOUND', 'personId'),
    }),
    c('recordConsent', 'unknown person', {
      gap: UNKNOWN_PERSON_GAP,
      partner: social,
      query: CONSENT,
      variables: { input: { ...consent, personId: UNKNOWN } },
      ...code('NOT_FOUND', 'personId'),
    }),
    c('recordConsent', 'impossible date', {
      partner: social,
      query: CONSENT,
      variables: { input: { ...consent, validUntil: '2023-02-30T10:00:00Z' } },
      ...code('BAD_USER_INPUT', 'validUntil'),
    }),
    c('withdrawConsent', 'a reason with a NUL character', {
      partner: social,
      query: WITHDRAW,
      variables: { input: { consentId: f.consentId, reason: 'a\u0000b' } },
      ...code('BAD_USER_INPUT', 'reason'),
    }),
    c('withdrawConsent', 'unknown consent', {
      partner: social,
      query: WITHDRAW,
      variables: { input: { consentId: UNKNOWN } },
      ...code('NOT_FOUND', 'consentId'),
    }),
    c('markNotificationsRead', 'neither ids nor all', {
      partner: social,
      query: 'mutation { markNotificationsRead }',
      ...code('BAD_USER_INPUT', 'ids'),
    }),
    c('markNotificationsRead', 'more than 100 ids', {
      partner: social,
      query: 'mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }',
      variables: { ids: Array.from({ length: 101 }, () => UNKNOWN) },
      ...code('BAD_USER_INPUT', 'ids'),
    }),
    c('createWebhookEndpoint', 'unknown event type', {
      partner: vhs,
      query: ENDPOINT,
      variables: { input: { url: 'http://127.0.0.1:9/hook', eventTypes: ['no.such.event'] } },
      ...code('BAD_USER_INPUT', 'eventTypes'),
    }),
    c('createWebhookEndpoint', 'not a URL', {
      partner: vhs,
      query: ENDPOINT,
      variables: { input: { url: 'ftp://127.0.0.1/hook', eventTypes: ['referral.requested'] } },
      ...code('BAD_USER_INPUT', 'url'),
    }),
    c('updateWebhookEndpoint', 'unknown endpoint', {
      partner: vhs,
      query: `mutation { updateWebhookEndpoint(id: "${UNKNOWN}", input: { enabled: false }) { id } }`,
      ...code('NOT_FOUND', 'id'),
    }),
    c('updateWebhookEndpoint', 'unknown event type', {
      partner: vhs,
      query: `mutation { updateWebhookEndpoint(id: "${f.endpointId}", input: { eventTypes: ["no.such.event"] }) { id } }`,
      ...code('BAD_USER_INPUT', 'eventTypes'),
    }),
    c('deleteWebhookEndpoint', 'unknown endpoint', {
      partner: vhs,
      query: `mutation { deleteWebhookEndpoint(id: "${UNKNOWN}") }`,
      ...code('NOT_FOUND', 'id'),
    }),
    c('deleteWebhookEndpoint', "another partner's endpoint", {
      partner: social,
      query: `mutation { deleteWebhookEndpoint(id: "${f.endpointId}") }`,
      ...code('NOT_FOUND', 'id'),
    }),
    c('rotateWebhookSecret', 'overlap out of range', {
      partner: vhs,
      query: `mutation { rotateWebhookSecret(endpointId: "${f.endpointId}", overlapHours: 500) { secret } }`,
      ...code('BAD_USER_INPUT', 'overlapHours'),
    }),
    c('rotateWebhookSecret', 'unknown endpoint', {
      partner: vhs,
      query: `mutation { rotateWebhookSecret(endpointId: "${UNKNOWN}") { secret } }`,
      ...code('NOT_FOUND', 'endpointId'),
    }),
    c('redeliverWebhook', 'unknown delivery', {
      partner: vhs,
      query: `mutation { redeliverWebhook(id: "${UNKNOWN}") { id } }`,
      ...code('NOT_FOUND', 'id'),
    }),
    c('replayDeadLetters', 'unknown endpoint', {
      partner: vhs,
      query: `mutation { replayDeadLetters(endpointId: "${UNKNOWN}") }`,
      ...code('NOT_FOUND', 'endpointId'),
    }),
    c('openJobcenterRecord', 'a second open record', {
      partner: jc,
      query: OPEN,
      variables: {
        input: {
          personId: f.openRecordPersonId,
          customerNumber: '845D777777',
          municipalityKey: RHEINE,
          startedOn: '2024-02-01',
        },
      },
      ...code('CONFLICT', 'personId'),
    }),
    c('openJobcenterRecord', 'impossible start date', {
      partner: jc,
      query: OPEN,
      variables: {
        input: {
          personId: f.otherPersonId,
          customerNumber: '845D777778',
          municipalityKey: RHEINE,
          startedOn: '2023-02-30',
        },
      },
      ...code('BAD_USER_INPUT', 'startedOn'),
    }),
    c('openJobcenterRecord', 'unknown person', {
      gap: UNKNOWN_PERSON_GAP,
      partner: jc,
      query: OPEN,
      variables: {
        input: { personId: UNKNOWN, customerNumber: '845D777779', municipalityKey: RHEINE, startedOn: '2024-02-01' },
      },
      ...code('NOT_FOUND', 'personId'),
    }),
    c('changeBenefitStatus', 'an ended record', {
      partner: jc,
      query: BENEFIT,
      variables: { input: { recordId: f.endedRecordId, status: 'receiving' } },
      ...code('CONFLICT', 'recordId'),
    }),
    c('changeBenefitStatus', 'unknown record', {
      partner: jc,
      query: BENEFIT,
      variables: { input: { recordId: UNKNOWN, status: 'receiving' } },
      ...code('NOT_FOUND', 'recordId'),
    }),
  ];
}
