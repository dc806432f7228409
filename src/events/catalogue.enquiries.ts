import { event } from './catalogue.event';

/**
 * The events of employer enquiries (hub, src/subgraphs/hub/enquiry; docs/employer-service.md) and
 * client feedback (city, src/subgraphs/city/feedback; docs/feedback.md), spread into the catalogue.
 */

/**
 * An enquiry's event names no person and carries no question or answer text: ids and codes
 * only (whether an employee is linked is a flag). Its category is nominal (no person, so no audit
 * entry and no biography): employment, what employer enquiries are about.
 */
type Enquiry = { enquiryId: string; employer: string; routedTo: string; topic: string; employeeLinked: boolean };
const enquiryIds = (p: Enquiry) => ({
  enquiryId: p.enquiryId,
  topic: p.topic,
  employer: p.employer,
  routedTo: p.routedTo,
});

export const ENQUIRY_EVENTS = {
  // The routed partner learns of a new enquiry (inbox, webhooks: events about no person are sent as such).
  'enquiry.received': event<Enquiry>()({
    category: 'employment',
    summary: (p) => `Employer enquiry ${p.enquiryId} (${p.topic}) from ${p.employer} routed to ${p.routedTo}`,
    visibility: 'category',
    public: { types: { 'enquiry.received': 'notice' } },
    tell: { partners: (p) => [p.routedTo] },
    live: false,
    details: enquiryIds,
  }),
  // The employer learns that its enquiry was answered; it reads the answer with employerEnquiries.
  'enquiry.answered': event<Enquiry>()({
    category: 'employment',
    summary: (p) => `Employer enquiry ${p.enquiryId} (${p.topic}) answered by ${p.routedTo}`,
    visibility: 'category',
    public: { types: { 'enquiry.answered': 'notice' } },
    tell: { partners: (p) => [p.employer] },
    live: false,
    details: enquiryIds,
  }),
  /**
   * Feedback the person chose to link to themselves (anonymous feedback has no event at all: an
   * event row's time and actor could be joined to the partner's other work with the person).
   */
  'feedback.linked': event<{ personId: string; feedbackId: string; offer: string; partner: string }>()({
    category: 'case_notes',
    summary: (p) => `Feedback on ${p.offer} given at ${p.partner}, linked at the person's choice`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
  // The consent behind a link was withdrawn and the link went (the feedback row stays, anonymous).
  'feedback.unlinked': event<{ personId: string; feedbackId: string; consentId: string; partner: string }>()({
    category: 'case_notes',
    summary: (p) => `Feedback link ${p.feedbackId} removed: consent ${p.consentId} withdrawn`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
};
