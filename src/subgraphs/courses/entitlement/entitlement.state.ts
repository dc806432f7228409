/**
 * The life of an entitlement (Berechtigungsschein), as data. The bodies (issuer and obliging
 * bodies) withdraw and transfer it; a course provider registers it and records its use; Lotse
 * itself lapses an unused one, and follows a move (transfer to a provider of the new
 * municipality, release back to `issued` when none serves it, `transferred` when no connected
 * partner does). Any other transition is refused, naming the current status and the allowed actions.
 */
export const ENTITLEMENT_STATUSES = [
  'issued',
  'registered',
  'in_use',
  'used',
  'lapsed',
  'withdrawn',
  'transferred',
] as const;
export type EntitlementStatus = (typeof ENTITLEMENT_STATUSES)[number];

/** At most one entitlement per person and course kind is in one of these (partial unique index). */
export const ACTIVE: readonly EntitlementStatus[] = ['issued', 'registered', 'in_use'];

export const ENTITLEMENT_REASONS = [
  'moved_away',
  'provider_change',
  'no_capacity',
  'issued_in_error',
  'duplicate',
  'obligation_lifted',
  'no_longer_needed',
  'client_request',
] as const;
export type EntitlementReason = (typeof ENTITLEMENT_REASONS)[number];

/** body: the issuer or an obliging body; provider: the registered course provider; system: Lotse. */
export type EntitlementRole = 'body' | 'provider' | 'system';

export interface EntitlementTransition {
  from: readonly EntitlementStatus[];
  to: EntitlementStatus;
  by: readonly EntitlementRole[];
}

export const ENTITLEMENT_TRANSITIONS = {
  // A course provider takes the certificate (registerEntitlement); the provider becomes the actor.
  register: { from: ['issued'], to: 'registered', by: ['provider'] },
  // The first course activity (enrolment) and the last hour used.
  start: { from: ['registered'], to: 'in_use', by: ['provider', 'system'] },
  complete: { from: ['in_use'], to: 'used', by: ['provider', 'system'] },
  // To another provider: the same entry, never a second one.
  transfer: { from: ['issued', 'registered', 'in_use'], to: 'registered', by: ['body', 'provider', 'system'] },
  withdraw: { from: ['issued', 'registered', 'in_use'], to: 'withdrawn', by: ['body'] },
  // A year without course activity (ENTITLEMENT_LAPSE_DAYS).
  lapse: { from: ['issued', 'registered'], to: 'lapsed', by: ['system'] },
  // Moved where no provider serves: the old provider lets go, the entitlement waits for a new one.
  release: { from: ['registered', 'in_use'], to: 'issued', by: ['system'] },
  // Moved where no connected partner serves: it leaves Lotse with the person (terminal).
  handOver: { from: ['issued', 'registered', 'in_use'], to: 'transferred', by: ['system'] },
} as const satisfies Record<string, EntitlementTransition>;
export type EntitlementAction = keyof typeof ENTITLEMENT_TRANSITIONS;

/** Whether `role` may take `action` from `status`. */
export function mayTransition(action: EntitlementAction, status: EntitlementStatus, role: EntitlementRole): boolean {
  const t: EntitlementTransition = ENTITLEMENT_TRANSITIONS[action];
  return t.from.includes(status) && t.by.includes(role);
}

/** The actions a role may take in a status. */
export function allowedEntitlementActions(status: EntitlementStatus, role: EntitlementRole): EntitlementAction[] {
  return (Object.keys(ENTITLEMENT_TRANSITIONS) as EntitlementAction[]).filter((a) => mayTransition(a, status, role));
}

/** The mutations a CONFLICT on a second issue offers instead (API names). */
export const INSTEAD_OF_SECOND_ISSUE = ['addObligingBody', 'withdrawEntitlement', 'transferEntitlement'] as const;
