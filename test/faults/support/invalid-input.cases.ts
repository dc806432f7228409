import {
  c,
  code,
  Fixtures,
  input,
  InvalidCase,
  JOBCENTER,
  RHEINE,
  SOCIAL,
  UNKNOWN,
  VHS,
} from './invalid-input.case-support';
import { adminCases } from './invalid-input.admin-cases';
import { caseCases } from './invalid-input.case-cases';
import { duplicateCases } from './invalid-input.duplicate-cases';
import { enquiryFeedbackCases } from './invalid-input.enquiry-feedback-cases';
import { arrivalCases } from './invalid-input.arrival-cases';
import { entitlementCases } from './invalid-input.entitlement-cases';
import { enrolmentCases } from './invalid-input.enrolment-cases';
import { helpPlanCases } from './invalid-input.help-plan-cases';
import { referralCases } from './invalid-input.referral-cases';

export type { Fixtures, InvalidCase } from './invalid-input.case-support';

/**
 * Every mutation of the composed schema with at least one invalid domain input: unknown ids,
 * impossible dates, illegal transitions, duplicates. A new mutation without a case here fails the test.
 */
export function invalidCases(f: Fixtures): InvalidCase[] {
  const REGISTER = input('RegisterPersonInput', 'registerPerson', '{ id }');
  const MOVE = input('MovePersonInput', 'movePerson', '{ id }');
  const RESIDENCE = input('RecordResidenceStatusInput', 'recordResidenceStatus', '{ id }');
  const COURSE = input('CreateCourseInput', 'createCourse', '{ id }');
  const PROVIDER = input('RegisterCourseProviderInput', 'registerCourseProvider', '{ id }');
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
  const consent = {
    personId: f.personId,
    purpose: 'case_management',
    recipients: ['caritas-rheine'],
    categories: ['identity'],
    evidenceRef: 'Einwilligung invalid-input',
  };
  const [social, vhs, jc] = [SOCIAL, VHS, JOBCENTER];

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
    c('createCourse', 'weekly slots that do not add up to lessonsPerWeek', {
      partner: vhs,
      query: COURSE,
      variables: { input: { ...course, weeklySlots: [{ weekday: 'MO', startsAt: '09:00', lessons: 4 }] } },
      ...code('BAD_USER_INPUT', 'weeklySlots'),
    }),
    c('registerCourseProvider', 'duplicate provider', {
      partner: vhs,
      query: PROVIDER,
      variables: { input: { partnerSlug: vhs, name: 'VHS', municipalityKey: RHEINE } },
      ...code('CONFLICT', 'partnerSlug'),
    }),
    c('addPersonIdentifier', 'an AZR number another person holds', {
      partner: 'rheine-abh',
      query: IDENTIFIER,
      variables: { input: { personId: f.otherPersonId, system: 'azr_number', value: f.identifierValue } },
      ...code('CONFLICT', 'value'),
    }),
    c('addPersonIdentifier', 'unknown person', {
      partner: 'rheine-abh',
      query: IDENTIFIER,
      variables: { input: { personId: UNKNOWN, system: 'azr_number', value: '123456789013' } },
      ...code('NOT_FOUND', 'personId'),
    }),
    c('recordConsent', 'unknown person', {
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
    ...referralCases(f),
    ...enrolmentCases(f),
    ...adminCases(),
    ...duplicateCases(),
    ...caseCases(f),
    ...enquiryFeedbackCases(),
    ...arrivalCases(f.personId),
    ...entitlementCases(f),
    ...helpPlanCases(),
  ];
}
