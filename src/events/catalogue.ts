import { DataCategory } from '../policy/policy.vocabulary';
import { ARRIVAL_VISIT_EVENTS } from './catalogue.arrival';
import { CASE_EVENTS } from './catalogue.cases';
import { event } from './catalogue.event';
import { ENQUIRY_EVENTS } from './catalogue.enquiries';

/**
 * The event catalogue: every domain event, once, with everything the rest of Lotse needs to know
 * about it. Types (EventType, EventPayloads, PublicEventType) and lists (EVENT_TYPES, the public
 * catalogue, closing and live types) are derived from here; adding an event means one entry here
 * (or in an area's file spread into it: catalogue.cases.ts, catalogue.arrival.ts,
 * catalogue.enquiries.ts) and one handler in src/subgraphs/hub/hub.consumers.ts
 * (docs/adr/0006-event-catalogue.md).
 */

/** How a public type counts: a `closing` one ends what a partner holds (a referral, a registration); the parties are told even without a basis (ADR 0004). */
export type PublicKind = 'notice' | 'closing';

/** Who is told of an event (ids only): resolved by notification.routing.ts when the event is handled. */
export interface Telling<P> {
  /** Partners the event names itself (the actor is never told of its own action). */
  partners?: (p: P) => Array<string | null | undefined>;
  /** Also the sender of the event's referral. */
  referralSender?: true;
  /** Also the person's current case owners and both sides of the person's open referrals. */
  personParties?: true;
}

export interface EventSpec<P, Pub extends string> {
  /** The data category the event reveals: the audit entry of the write, and who may see it. */
  category: DataCategory;
  /** The biography's line for it, in plain words: codes and ids only, never names or addresses. */
  summary: (p: P) => string;
  /** The referral or transfer the event is a step of, if any. */
  referralOf?: (p: P) => string | null;
  /**
   * Who sees the biography entry: `category`, whoever has a basis for the category under its
   * purpose; `referral`, the referral's parties only (receiver and case owner for the referral's
   * purpose, sender for any; biography.resolver.ts, docs/data-protection.md). Only for events
   * whose payload names the referral (`referralId`). A `referral` entry's public types are
   * referral events for webhooks (they carry the referral's codes and the person). `holder`, only
   * the partner that wrote it (the entry's actor), under its basis or consent for the category:
   * a case's steps are the holder's own documentation, not other case managers' business.
   */
  visibility: P extends { referralId: string } ? 'category' | 'referral' | 'holder' : 'category' | 'holder';
  /** Its public types, and which one an event is (default: the only one); null: partners are not told. */
  public: { types: Record<Pub, PublicKind>; of?: (p: P) => string | null } | null;
  /** Who is told; null exactly when there is no public type. */
  tell: Telling<P> | null;
  /** Whether live subscriptions (the gateway's WebSocket) carry it. */
  live: boolean;
  /**
   * Ids and codes a recipient's webhook carries as `data.details` (e.g. which entitlement moved to
   * which provider), so it can act without a first query. Never names, addresses or free text.
   */
  details?: (p: P) => Record<string, string | number | boolean | null>;
}

/** An entry; the payload type rides along for the derived types (it has no runtime value). */
export type CatalogueEntry<P, Pub extends string> = EventSpec<P, Pub> & { readonly payloadType?: P };

type StatusChange = {
  referralId: string;
  kind: string;
  personId: string;
  from: string | null;
  to: string;
  sender: string;
  receiver: string;
  referralType: string;
  reasonCode: string | null;
};

type Consent = { personId: string; consentId: string; purpose: string; recipients: string[]; categories: string[] };

/** What every entitlement event names: the entry, the person, its bodies (issuer first) and its provider. */
type Entitlement = {
  entitlementId: string;
  personId: string;
  courseKind: string;
  issuer: string;
  bodies: string[];
  provider: string | null;
};

/** The ids and codes every entitlement event's webhook carries (`details`). */
const entitlementIds = (p: Entitlement) => ({
  entitlementId: p.entitlementId,
  courseKind: p.courseKind,
  provider: p.provider,
});

/** An enrolment's step (courses subgraph, src/subgraphs/courses/enrolment): ids and codes only. */
type EnrolmentStep = {
  enrolmentId: string;
  courseId: string;
  personId: string;
  /** The course provider's partner slug. */
  provider: string;
  status: string;
  referralId: string | null;
  /** The waitlist position, or the end reason code, where the step has one. */
  waitlistPosition?: number | null;
  reason?: string | null;
  offerExpiresAt?: string | null;
};

/**
 * One public type per step; the provider and the sender of the enrolment's referral are told, with
 * the enrolment's ids and codes as webhook `details`. A `closing` step (the transfer on a move)
 * reaches the old provider even when the person has left its area: it must free the seat.
 */
const enrolmentStep = <T extends string>(type: T, summary: (p: EnrolmentStep) => string, kind: PublicKind = 'notice') =>
  event<EnrolmentStep>()({
    category: 'course_participation',
    summary,
    referralOf: (p) => p.referralId,
    visibility: 'category',
    public: { types: { [type]: kind } as Record<T, PublicKind> },
    tell: { partners: (p) => [p.provider], referralSender: true },
    live: false,
    details: (p) => ({
      enrolmentId: p.enrolmentId,
      courseId: p.courseId,
      provider: p.provider,
      status: p.status,
      waitlistPosition: p.waitlistPosition ?? null,
      offerExpiresAt: p.offerExpiresAt ?? null,
      reason: p.reason ?? null,
    }),
  });

const personStatus = { types: { 'person.status_changed': 'notice' } } as const;
const toPersonParties: Telling<unknown> = { personParties: true };

export const EVENT_CATALOGUE = {
  // arrivedOn: absent in events recorded before the registration could state it.
  'person.registered': event<{
    personId: string;
    municipalityKey: string;
    householdId: string | null;
    arrivedOn?: string | null;
  }>()({
    category: 'identity',
    summary: (p) => `Registered in municipality ${p.municipalityKey}`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
  'person.moved': event<{
    personId: string;
    fromMunicipalityKey: string;
    toMunicipalityKey: string;
    district: string | null;
  }>()({
    category: 'contact',
    summary: (p) => `Moved from ${p.fromMunicipalityKey} to ${p.toMunicipalityKey}`,
    visibility: 'category',
    public: personStatus,
    tell: toPersonParties,
    live: true,
  }),
  'person.residence_status_recorded': event<{
    personId: string;
    statusId: string;
    status: string;
    validFrom: string;
  }>()({
    category: 'residence',
    summary: (p) => `Residence status ${p.status} from ${p.validFrom}`,
    visibility: 'category',
    public: personStatus,
    tell: toPersonParties,
    live: true,
  }),
  'jobcenter.record_opened': event<{
    personId: string;
    recordId: string;
    customerNumber: string;
    benefitStatus: string;
  }>()({
    category: 'benefits',
    summary: (p) => `Jobcenter record opened (benefits: ${p.benefitStatus})`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
  'jobcenter.benefit_status_changed': event<{ personId: string; recordId: string; from: string; to: string }>()({
    category: 'benefits',
    summary: (p) => `Jobcenter benefit status ${p.from} → ${p.to}`,
    visibility: 'category',
    public: personStatus,
    tell: toPersonParties,
    live: true,
  }),
  'courses.course_created': event<{ courseId: string; providerId: string }>()({
    category: 'course_participation',
    summary: () => 'Course created',
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
  // The entitlement ledger (src/subgraphs/courses/entitlement): ids, codes and partner slugs only.
  // Its parties (issuer, obliging bodies, providers) are told; they need a basis for course_participation.
  'entitlement.issued': event<Entitlement & { basis: string; issuerKind: string }>()({
    category: 'course_participation',
    summary: (p) => `Entitlement (${p.courseKind}, ${p.basis}) issued by ${p.issuer}`,
    visibility: 'category',
    public: { types: { 'entitlement.issued': 'notice' } },
    tell: { partners: (p) => [p.issuer] },
    live: false,
    details: (p) => ({
      ...entitlementIds(p),
      basis: p.basis,
    }),
  }),
  'entitlement.obligation_added': event<Entitlement & { body: string; basis: string }>()({
    category: 'course_participation',
    summary: (p) =>
      `Entitlement (${p.courseKind}): ${p.body} added as ${p.basis === 'obligation' ? 'obliging' : 'entitling'} body`,
    visibility: 'category',
    public: { types: { 'entitlement.obligation_added': 'notice' } },
    tell: { partners: (p) => [...p.bodies, p.provider] },
    live: false,
    details: (p) => ({
      ...entitlementIds(p),
      body: p.body,
      basis: p.basis,
    }),
  }),
  'entitlement.registered': event<Entitlement>()({
    category: 'course_participation',
    summary: (p) => `Entitlement (${p.courseKind}) registered at ${p.provider}`,
    visibility: 'category',
    public: { types: { 'entitlement.registered': 'notice' } },
    tell: { partners: (p) => [...p.bodies, p.provider] },
    live: false,
    details: entitlementIds,
  }),
  // To another provider (the same entry), or out of Lotse's reach with the person (toProvider null).
  'entitlement.transferred': event<
    Entitlement & {
      fromProvider: string | null;
      toProvider: string | null;
      reasonCode: string;
      toMunicipalityKey: string | null;
    }
  >()({
    category: 'course_participation',
    summary: (p) =>
      `Entitlement (${p.courseKind}) transferred ${p.fromProvider ?? '-'} → ${p.toProvider ?? `municipality ${p.toMunicipalityKey}`} (${p.reasonCode})`,
    visibility: 'category',
    public: { types: { 'entitlement.transferred': 'notice' } },
    // The new provider takes the registration; the old one is told by entitlement.released.
    tell: { partners: (p) => [...p.bodies, p.toProvider] },
    live: false,
    details: (p) => ({
      ...entitlementIds(p),
      fromProvider: p.fromProvider,
      toProvider: p.toProvider,
      reasonCode: p.reasonCode,
      toMunicipalityKey: p.toMunicipalityKey,
    }),
  }),
  // A provider lets go of a registration: transferred to another provider, or moved where no
  // provider serves the person (the entitlement is issued again). Closing: the old provider is
  // told even when the move took the person out of its area (ids and codes only, ADR 0004).
  'entitlement.released': event<Entitlement & { reasonCode: string }>()({
    category: 'course_participation',
    summary: (p) => `Entitlement (${p.courseKind}) released by ${p.provider} (${p.reasonCode})`,
    visibility: 'category',
    public: { types: { 'entitlement.released': 'closing' } },
    tell: { partners: (p) => [...p.bodies, p.provider] },
    live: false,
    details: (p) => ({
      ...entitlementIds(p),
      reasonCode: p.reasonCode,
    }),
  }),
  'entitlement.withdrawn': event<Entitlement & { reasonCode: string }>()({
    category: 'course_participation',
    summary: (p) => `Entitlement (${p.courseKind}) withdrawn (${p.reasonCode})`,
    visibility: 'category',
    public: { types: { 'entitlement.withdrawn': 'notice' } },
    tell: { partners: (p) => [...p.bodies, p.provider] },
    live: false,
    details: (p) => ({
      ...entitlementIds(p),
      reasonCode: p.reasonCode,
    }),
  }),
  'entitlement.lapsed': event<Entitlement>()({
    category: 'course_participation',
    summary: (p) => `Entitlement (${p.courseKind}) lapsed after a year without course activity`,
    visibility: 'category',
    public: { types: { 'entitlement.lapsed': 'notice' } },
    tell: { partners: (p) => [...p.bodies, p.provider] },
    live: false,
    details: entitlementIds,
  }),
  'entitlement.in_use': event<Entitlement>()({
    category: 'course_participation',
    summary: (p) => `Entitlement (${p.courseKind}) in use at ${p.provider}`,
    visibility: 'category',
    public: { types: { 'entitlement.in_use': 'notice' } },
    tell: { partners: (p) => [...p.bodies, p.provider] },
    live: false,
    details: entitlementIds,
  }),
  'entitlement.used': event<Entitlement & { hoursUsed: number }>()({
    category: 'course_participation',
    summary: (p) => `Entitlement (${p.courseKind}) used up at ${p.provider} (${p.hoursUsed} hours)`,
    visibility: 'category',
    public: { types: { 'entitlement.used': 'notice' } },
    tell: { partners: (p) => [...p.bodies, p.provider] },
    live: false,
    details: (p) => ({
      ...entitlementIds(p),
      hoursUsed: p.hoursUsed,
    }),
  }),
  'person.identifier_added': event<{ personId: string; identifierId: string; system: string; issuedBy: string }>()({
    category: 'identity',
    summary: (p) => `Identifier ${p.system} recorded by ${p.issuedBy}`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
  // A reviewer confirmed a duplicate suspicion (docs/duplicates.md): mergedPersonId is merged into personId.
  'person.merged': event<{ personId: string; mergedPersonId: string; suspicionId: string }>()({
    category: 'identity',
    summary: (p) => `Record ${p.mergedPersonId} merged into this one (duplicate confirmed)`,
    visibility: 'category',
    public: { types: { 'person.merged': 'notice' } },
    tell: toPersonParties,
    live: false,
  }),
  // Duplicate suspicion (docs/duplicates.md): one event per record of the pair, ids and reason codes only.
  'person.duplicate_suspected': event<{
    personId: string;
    otherPersonId: string;
    suspicionId: string;
    reasons: string[];
  }>()({
    category: 'identity',
    summary: (p) => `Possibly the same person as record ${p.otherPersonId} (${p.reasons.join(', ')})`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
  'person.duplicate_dismissed': event<{ personId: string; otherPersonId: string; suspicionId: string }>()({
    category: 'identity',
    summary: (p) => `Not the same person as record ${p.otherPersonId} (duplicate suspicion dismissed)`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
  'consent.given': event<Consent>()({
    category: 'identity',
    summary: (p) => `Consent for ${p.purpose} given to ${p.recipients.join(', ')} (${p.categories.join(', ')})`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
  'consent.withdrawn': event<Consent>()({
    category: 'identity',
    summary: (p) => `Consent for ${p.purpose} withdrawn`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
  // A referral's or transfer's status changed (src/subgraphs/hub/referral). A draft is the sender's alone.
  'referral.status_changed': event<StatusChange>()({
    category: 'case_notes',
    summary: (p) =>
      `${p.kind === 'transfer' ? 'Transfer' : 'Referral'} (${p.referralType}) ${p.sender} → ${p.receiver}: ` +
      `${p.from ?? 'created'} → ${p.to}${p.reasonCode ? ` (${p.reasonCode})` : ''}`,
    referralOf: (p) => p.referralId,
    visibility: 'referral',
    public: {
      types: {
        'referral.requested': 'notice',
        'referral.received': 'notice',
        'referral.accepted': 'notice',
        'referral.rejected': 'closing',
        'referral.in_progress': 'notice',
        'referral.on_hold': 'notice',
        'referral.completed': 'closing',
        'referral.failed': 'closing',
        'referral.cancelled': 'closing',
        'referral.expired': 'closing',
        'transfer.requested': 'notice',
        'transfer.received': 'notice',
        'transfer.accepted': 'notice',
        'transfer.rejected': 'closing',
        'transfer.cancelled': 'closing',
        'transfer.expired': 'closing',
      },
      // Statuses without a public type (draft, a transfer's in_progress, …) tell nobody.
      of: (p) => `${p.kind === 'transfer' ? 'transfer' : 'referral'}.${p.to}`,
    },
    tell: { partners: (p) => [p.sender, p.receiver] },
    live: true,
  }),
  // A deadline of a cooperation agreement passed unanswered (src/subgraphs/hub/agreement).
  'referral.escalated': event<{
    referralId: string;
    personId: string;
    kind: string;
    escalateTo: string | null;
    receiver: string;
    referralType: string;
    agreementId: string;
    dueAt: string;
  }>()({
    category: 'case_notes',
    summary: (p) =>
      `Deadline ${p.kind} of referral (${p.referralType}) to ${p.receiver} passed; ` +
      `escalated${p.escalateTo ? ` to ${p.escalateTo}` : ''}`,
    referralOf: (p) => p.referralId,
    visibility: 'referral',
    public: { types: { 'referral.escalated': 'notice' } },
    tell: { partners: (p) => [p.escalateTo], referralSender: true },
    live: true,
  }),
  // Rules (src/rules): automatic handovers; ids and codes only.
  // A benefit gap is a benefits fact, which both sides of the handover see.
  'handover.gap_flagged': event<{
    personId: string;
    rule: string;
    referralId: string | null;
    sender: string;
    receiver: string;
    dueOn: string;
    reason: string;
  }>()({
    category: 'benefits',
    summary: (p) => `Gap in the handover ${p.sender} → ${p.receiver}: ${p.reason} by ${p.dueOn}`,
    referralOf: (p) => p.referralId,
    visibility: 'category',
    public: { types: { 'handover.gap_flagged': 'notice' } },
    tell: { partners: (p) => [p.sender, p.receiver] },
    live: false,
  }),
  'handover.unassigned': event<{
    personId: string;
    rule: string;
    partner: string;
    partnerKind: string;
    referralId: string | null;
    reason: string;
  }>()({
    category: 'case_notes',
    summary: (p) => `Handover by ${p.partner} found no receiver (${p.reason})`,
    referralOf: (p) => p.referralId,
    visibility: 'category',
    public: { types: { 'handover.unassigned': 'notice' } },
    // The sender of the referral the partner held learns that its receiver cannot follow the person.
    tell: { partners: (p) => [p.partner], referralSender: true },
    live: false,
  }),
  'enrolment.waitlisted': enrolmentStep(
    'enrolment.waitlisted',
    (p) => `Waitlisted for course ${p.courseId} at ${p.provider} (position ${p.waitlistPosition ?? '?'})`,
  ),
  'enrolment.offered': enrolmentStep(
    'enrolment.offered',
    (p) => `Seat offered in course ${p.courseId} at ${p.provider}, to answer by ${p.offerExpiresAt ?? '?'}`,
  ),
  'enrolment.enrolled': enrolmentStep('enrolment.enrolled', (p) => `Enrolled in course ${p.courseId} at ${p.provider}`),
  'enrolment.offer_expired': enrolmentStep(
    'enrolment.offer_expired',
    (p) => `Seat offer in course ${p.courseId} at ${p.provider} expired unanswered; back on the waitlist`,
  ),
  'enrolment.completed': enrolmentStep('enrolment.completed', (p) => `Completed course ${p.courseId} at ${p.provider}`),
  'enrolment.dropped': enrolmentStep(
    'enrolment.dropped',
    (p) => `Left course ${p.courseId} at ${p.provider}${p.reason ? ` (${p.reason})` : ''}`,
  ),
  'enrolment.transferred': enrolmentStep(
    'enrolment.transferred',
    (p) => `Enrolment in course ${p.courseId} at ${p.provider} transferred after a move; the seat is released`,
    'closing',
  ),
  'arrival.counselling_proposed': event<{
    personId: string;
    householdId: string | null;
    partner: string;
    followUpOn: string;
  }>()({
    category: 'case_notes',
    summary: (p) => `Arrival counselling proposed to ${p.partner}; follow-up on ${p.followUpOn}`,
    visibility: 'category',
    public: { types: { 'arrival.counselling_proposed': 'notice' } },
    tell: { partners: (p) => [p.partner] },
    live: false,
  }),
  'arrival.followup_due': event<{
    personId: string;
    householdId: string | null;
    partner: string;
    referralId: string | null;
  }>()({
    category: 'case_notes',
    summary: (p) => `Arrival counselling follow-up due at ${p.partner}`,
    referralOf: (p) => p.referralId,
    visibility: 'category',
    public: { types: { 'arrival.followup_due': 'notice' } },
    tell: { partners: (p) => [p.partner] },
    live: false,
  }),
  // Case management (city subgraph): src/events/catalogue.cases.ts.
  ...CASE_EVENTS,
  // Employer enquiries (hub) and client feedback (city): src/events/catalogue.enquiries.ts.
  ...ENQUIRY_EVENTS,
  // Arrival visits (city): src/events/catalogue.arrival.ts.
  ...ARRIVAL_VISIT_EVENTS,
};
