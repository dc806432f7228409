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
  /** Issued by rheine-abh for the person above: a second one is refused. */
  entitlementId: string;
  /** Issued for another person, then withdrawn: closed. */
  withdrawnEntitlementId: string;
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
}

export const UNKNOWN = '7c1d6a54-95d1-4c43-9a0e-2b5f0c3e8a11';
/**
 * The hub and the jobcenter keep person ids as references and never ask the city whether the
 * person exists (docs/adr/0007): a well-formed id of nobody is accepted and written.
 */
export const RHEINE = '05566076';

/** The partners most cases act as. */
export const SOCIAL = 'rheine-social';
export const VHS = 'vhs-rheine';
export const JOBCENTER = 'jobcenter-steinfurt';

export const c = (mutation: string, name: string, rest: Omit<InvalidCase, 'mutation' | 'name'>): InvalidCase => ({
  mutation,
  name,
  ...rest,
});
export const input = (type: string, field: string, select: string) =>
  `mutation($input: ${type}!) { ${field}(input: $input) ${select} }`;
export const transition = (mutation: string, _partner: string, id: string, extra = '') =>
  `mutation { ${mutation}(id: "${id}"${extra}) { id status } }`;
export const code = (code: string, field: string) => ({ code, field });
