import type { Actor } from './actor';

/**
 * What the move rule (src/rules/moved.rule.ts) asks of the courses subgraph when a person moves:
 * an interface the container wires to the courses services, so the rules never read the courses
 * schema (ADR 0007). Every method is idempotent for one event id.
 */
export interface ActiveEntitlement {
  id: string;
  courseKind: string;
  status: string;
  registeredProvider: string | null;
}

/**
 * Where an entitlement goes on a move: `stay` (its provider serves the new municipality too, or it
 * has none yet), `transfer` to the most local provider there, `release` (no provider serves it:
 * back to issued, the old provider lets go), `handOver` (no connected partner serves it: it leaves
 * Lotse with the person, status transferred).
 */
export type EntitlementMoveTarget =
  { kind: 'stay' } | { kind: 'transfer'; toProvider: string } | { kind: 'release' } | { kind: 'handOver' };

export interface EntitlementMoves {
  /** The person's active entitlements, in every jurisdiction (the rule runs as the hub). */
  activeOf(personId: string): Promise<ActiveEntitlement[]>;
  /** Moves one entitlement to the new municipality and applies the target; a retry of the event changes nothing. */
  followMove(
    actor: Actor,
    move: { entitlementId: string; eventId: string; toMunicipalityKey: string; target: EntitlementMoveTarget },
  ): Promise<void>;
}

/** The enrolments' part of a move, filled by the enrolment ledger (optional until it exists). */
export interface EnrolmentMoves {
  transferForMove(
    personId: string,
    fromMunicipalityKey: string,
    toMunicipalityKey: string,
    eventId: string,
  ): Promise<void>;
}
