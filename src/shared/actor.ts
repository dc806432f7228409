/**
 * Who is asking: a partner system (and the subject within it), with its scopes and the
 * municipalities (official keys, AGS prefixes) it serves. Services take an actor and scope
 * every query to it. Later layers (consent, legal basis, purpose) hang on this object.
 */
export interface Actor {
  subject: string;
  partner: string;
  scopes: string[];
  /** AGS prefixes: '05566' is the district of Steinfurt, '05566076' the city of Rheine. */
  jurisdiction: string[];
  /** The purpose the request stated; personal data is only ever released for one purpose. */
  purpose: string | null;
  requestId: string;
}

/**
 * The hub itself, for work outside a partner's request: sees everything, acts on behalf of no
 * partner. `context` names the work (subject `system:<context>`) in the audit log; it matches
 * the name of the row-security system context the work runs in.
 */
export const systemActor = (requestId = 'system', context?: string): Actor => ({
  subject: systemSubject(context ?? null),
  partner: 'lotse',
  scopes: ['*'],
  jurisdiction: [''],
  purpose: 'system',
  requestId,
});

/** `system:<context>`, or plain `system` when no context is known. */
export const systemSubject = (context: string | null): string => (context ? `system:${context}` : 'system');

export const hasScope = (actor: Actor, scope: string): boolean =>
  actor.scopes.includes('*') || actor.scopes.includes(scope);

export const inJurisdiction = (actor: Actor, municipalityKey: string): boolean =>
  actor.jurisdiction.some((prefix) => municipalityKey.startsWith(prefix));

/** SQL parameter for `<column> LIKE ANY(:prefixes)`: the AGS prefixes of the actor's jurisdiction. */
export const jurisdictionPatterns = (actor: Actor): string[] => actor.jurisdiction.map((j) => `${j}%`);
