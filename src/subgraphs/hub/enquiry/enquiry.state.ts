/**
 * An employer enquiry's statuses as data (Arbeitgeberservice, docs/employer-service.md):
 * received → in_progress → answered → closed. The routed partner takes and answers it; the
 * employer closes it (also unanswered, when the question has settled itself).
 */
export const ENQUIRY_STATUSES = ['received', 'in_progress', 'answered', 'closed'] as const;
export type EnquiryStatus = (typeof ENQUIRY_STATUSES)[number];

/** Who may run a step: the employer that asked, or the partner the enquiry was routed to. */
export type EnquiryRole = 'employer' | 'routed';

export interface EnquiryStep {
  from: readonly EnquiryStatus[];
  to: EnquiryStatus;
  by: EnquiryRole;
}

/** Keys are the mutations' names: a CONFLICT lists the allowed ones as they are called. */
export const ENQUIRY_STEPS = {
  takeEnquiry: { from: ['received'], to: 'in_progress', by: 'routed' },
  answerEnquiry: { from: ['received', 'in_progress'], to: 'answered', by: 'routed' },
  closeEnquiry: { from: ['received', 'in_progress', 'answered'], to: 'closed', by: 'employer' },
} as const satisfies Record<string, EnquiryStep>;
export type EnquiryAction = keyof typeof ENQUIRY_STEPS;
export const ENQUIRY_ACTIONS = Object.keys(ENQUIRY_STEPS) as EnquiryAction[];

export function mayRunEnquiry(action: EnquiryAction, status: EnquiryStatus): boolean {
  return (ENQUIRY_STEPS[action].from as readonly EnquiryStatus[]).includes(status);
}

/** The steps the status allows now; with a role, only that party's. */
export function allowedEnquiryActions(status: EnquiryStatus, role?: EnquiryRole): EnquiryAction[] {
  return ENQUIRY_ACTIONS.filter((a) => mayRunEnquiry(a, status) && (!role || ENQUIRY_STEPS[a].by === role));
}

export const ENQUIRY_TOPICS = ['residence_law', 'workplace'] as const;
export type EnquiryTopic = (typeof ENQUIRY_TOPICS)[number];

/** Where a topic goes: the partner kind that answers it in the employer's municipality. */
export const ROUTED_KIND: Record<EnquiryTopic, string> = {
  residence_law: 'immigration_office',
  workplace: 'social_services',
};

/** The purpose employer enquiries run under: the routed partner must hold it, as must an employee's consent. */
export const EMPLOYER_SERVICE = 'employer_service';
