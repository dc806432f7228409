import { EVENT_CATEGORY, EventPayloads, EventType } from '../../../events/event-types';
import { DataCategory } from '../../../policy/policy.vocabulary';

type Describe = { [T in EventType]: (p: EventPayloads[T]) => string };

/** Plain-words summaries; codes only, never names or addresses. */
const DESCRIBE: Describe = {
  'person.registered': (p) => `Registered in municipality ${p.municipalityKey}`,
  'person.moved': (p) => `Moved from ${p.fromMunicipalityKey} to ${p.toMunicipalityKey}`,
  'person.residence_status_recorded': (p) => `Residence status ${p.status} from ${p.validFrom}`,
  'jobcenter.record_opened': (p) => `Jobcenter record opened (benefits: ${p.benefitStatus})`,
  'jobcenter.benefit_status_changed': (p) => `Jobcenter benefit status ${p.from} → ${p.to}`,
  'courses.course_created': () => 'Course created',
  'person.identifier_added': (p) => `Identifier ${p.system} recorded by ${p.issuedBy}`,
  'consent.given': (p) => `Consent for ${p.purpose} given to ${p.recipients.join(', ')} (${p.categories.join(', ')})`,
  'consent.withdrawn': (p) => `Consent for ${p.purpose} withdrawn`,
  'referral.status_changed': (p) => `${p.kind === 'transfer' ? 'Transfer' : 'Referral'} (${p.referralType}) ${p.sender} → ${p.receiver}: ${p.from ?? 'created'} → ${p.to}${p.reasonCode ? ` (${p.reasonCode})` : ''}`,
  // agreements
  'referral.escalated': (p) => `Deadline ${p.kind} of referral (${p.referralType}) to ${p.receiver} passed; escalated${p.escalateTo ? ` to ${p.escalateTo}` : ''}`,
  // rules
  'handover.gap_flagged': (p) => `Gap in the handover ${p.sender} → ${p.receiver}: ${p.reason} by ${p.dueOn}`,
  'handover.unassigned': (p) => `Handover by ${p.partner} found no receiver (${p.reason})`,
  'arrival.counselling_proposed': (p) => `Arrival counselling proposed to ${p.partner}; follow-up on ${p.followUpOn}`,
  'arrival.followup_due': (p) => `Arrival counselling follow-up due at ${p.partner}`,
};


export function eventCategory(type: string): DataCategory {
  return (EVENT_CATEGORY as Record<string, DataCategory>)[type] ?? 'case_notes';
}

export function describeEvent(type: string, payload: Record<string, unknown>): string {
  const fn = (DESCRIBE as Record<string, (p: unknown) => string>)[type];
  return fn ? fn(payload) : type;
}

/** What of the payload goes into the entry: codes and ids, no identifiers' values. */
export function entryData(payload: Record<string, unknown>): Record<string, unknown> {
  const { customerNumber: _c, ...rest } = payload;
  return rest;
}
