import { mutate, nextNumber, WithGql } from './factory.support';

/** An employer enquiry as the API takes it (GraphQL enum names): a workplace question, unless overridden. */
export interface EnquiryApiInput {
  topic?: 'RESIDENCE_LAW' | 'WORKPLACE';
  question?: string;
  onSiteVisitWanted?: boolean | null;
  employeeConsentId?: string | null;
}

export const enquiryInput = (input: EnquiryApiInput = {}) => ({
  topic: 'WORKPLACE',
  question: `Wie unterstützen wir unsere Auszubildenden beim Deutschlernen? (${nextNumber()})`,
  ...input,
});

/** Asks an enquiry through the API as the employer (default elektro-brinkmann); returns its id and routed partner. */
export async function askEnquiryViaApi(
  app: WithGql,
  input: EnquiryApiInput = {},
  employer = 'elektro-brinkmann',
): Promise<{ id: string; status: string; routedTo: { partner: string } }> {
  const query = `mutation($i: EmployerEnquiryInput!) { employerEnquiry(input: $i) { id status routedTo { partner } } }`;
  return mutate(app, employer, 'employerEnquiry', query, { i: enquiryInput(input) });
}
