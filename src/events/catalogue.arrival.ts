import { event } from './catalogue.event';

/**
 * Arrival visits (city subgraph, src/subgraphs/city/arrival; docs/arrival-counselling.md), spread
 * into the catalogue: the team's own case notes, codes and ids only; nobody else needs to act on
 * them, so no partner is told. Visibility by category: a derived follow-up is written by the hub
 * itself, and the team reads it under its basis for case notes.
 */
export const ARRIVAL_VISIT_EVENTS = {
  'arrival.visit_planned': event<{
    visitId: string;
    personId: string;
    householdId: string | null;
    partner: string;
    plannedOn: string;
    referralId: string | null;
    rescheduled: boolean;
  }>()({
    category: 'case_notes',
    summary: (p) => `Arrival visit ${p.rescheduled ? 'moved to' : 'planned for'} ${p.plannedOn} by ${p.partner}`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
  'arrival.visit_recorded': event<{
    visitId: string;
    personId: string;
    householdId: string | null;
    partner: string;
    status: string;
    heldOn: string | null;
    tookPlaceAsPlanned: boolean;
    notHeldReason: string | null;
    welcomeFolder: boolean | null;
    topics: string[];
    referralIds: string[];
  }>()({
    category: 'case_notes',
    summary: (p) =>
      p.status === 'took_place'
        ? `Arrival visit by ${p.partner} took place on ${p.heldOn}${p.tookPlaceAsPlanned ? ' as planned' : ''}` +
          `${p.topics.length ? ` (${p.topics.join(', ')})` : ''}`
        : `Arrival visit by ${p.partner} did not take place (${p.notHeldReason})`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
  'arrival.followup_recorded': event<{
    visitId: string;
    personId: string;
    householdId: string | null;
    partner: string;
    contact: string;
    contactedOn: string | null;
    source: string;
    inTime: boolean;
    referralId: string | null;
  }>()({
    category: 'case_notes',
    summary: (p) =>
      p.contact === 'none'
        ? `Arrival visit follow-up: no contact (${p.source})`
        : `Arrival visit follow-up: ${p.contact} on ${p.contactedOn} (${p.source}${p.inTime ? ', within 2 months' : ', after 2 months'})`,
    visibility: 'category',
    public: null,
    tell: null,
    live: false,
  }),
};
