import { DataCategory } from '../policy/policy.vocabulary';

/**
 * Every domain event, with what its outbox row carries. The row stays in PostgreSQL; a queue job
 * carries only { eventId, source } so Redis never holds personal data.
 */
export interface EventPayloads {
  'person.registered': { personId: string; municipalityKey: string; householdId: string | null };
  'person.moved': { personId: string; fromMunicipalityKey: string; toMunicipalityKey: string; district: string | null };
  'person.residence_status_recorded': { personId: string; statusId: string; status: string; validFrom: string };
  'jobcenter.record_opened': { personId: string; recordId: string; customerNumber: string; benefitStatus: string };
  'jobcenter.benefit_status_changed': { personId: string; recordId: string; from: string; to: string };
  'courses.course_created': { courseId: string; providerId: string };
  'person.identifier_added': { personId: string; identifierId: string; system: string; issuedBy: string };
  'consent.given': { personId: string; consentId: string; purpose: string; recipients: string[]; categories: string[] };
  'consent.withdrawn': { personId: string; consentId: string; purpose: string; recipients: string[]; categories: string[] };
  'referral.status_changed': { referralId: string; kind: string; personId: string; from: string | null; to: string; sender: string; receiver: string; referralType: string; reasonCode: string | null };
  // --- agreements: a deadline of a cooperation agreement passed unanswered (src/subgraphs/hub/agreement) ---
  'referral.escalated': { referralId: string; personId: string; kind: string; escalateTo: string | null; receiver: string; referralType: string; agreementId: string; dueAt: string };
  // --- end agreements ---
  // --- rules: automatic handovers (src/rules); ids and codes only ---
  'handover.gap_flagged': { personId: string; rule: string; referralId: string | null; sender: string; receiver: string; dueOn: string; reason: string };
  'handover.unassigned': { personId: string; rule: string; partner: string; partnerKind: string; referralId: string | null; reason: string };
  'arrival.counselling_proposed': { personId: string; householdId: string | null; partner: string; followUpOn: string };
  'arrival.followup_due': { personId: string; householdId: string | null; partner: string; referralId: string | null };
  // --- end rules ---
}

export type EventType = keyof EventPayloads;

export const EVENT_TYPES: EventType[] = [
  'person.registered',
  'person.moved',
  'person.residence_status_recorded',
  'jobcenter.record_opened',
  'jobcenter.benefit_status_changed',
  'courses.course_created',
  'person.identifier_added',
  'consent.given',
  'consent.withdrawn',
  'referral.status_changed',
  'referral.escalated', // agreements
  'handover.gap_flagged', // rules
  'handover.unassigned', // rules
  'arrival.counselling_proposed', // rules
  'arrival.followup_due', // rules
];

export interface DomainEvent<T extends EventType = EventType> {
  type: T;
  /** The person the event is about, when there is one: it goes into that person's biography. */
  personId: string | null;
  aggregateType: string;
  aggregateId: string;
  payload: EventPayloads[T];
}

/** The data category each event reveals: for the audit entry of the write and for who may see it in a biography. */
export const EVENT_CATEGORY: Record<EventType, DataCategory> = {
  'person.registered': 'identity',
  'person.moved': 'contact',
  'person.residence_status_recorded': 'residence',
  'jobcenter.record_opened': 'benefits',
  'jobcenter.benefit_status_changed': 'benefits',
  'courses.course_created': 'course_participation',
  'person.identifier_added': 'identity',
  'consent.given': 'identity',
  'consent.withdrawn': 'identity',
  'referral.status_changed': 'case_notes',
  'referral.escalated': 'case_notes', // agreements
  'handover.gap_flagged': 'benefits', // rules: seen by both sides of a benefit handover
  'handover.unassigned': 'case_notes', // rules
  'arrival.counselling_proposed': 'case_notes', // rules
  'arrival.followup_due': 'case_notes', // rules
};

/** What a queue job carries. */
export interface EventJobData {
  eventId: string;
  source: string;
}
