/**
 * A person as background work may learn of them from the city subgraph: the rules (municipality,
 * birth date, household), webhook payloads (name, birth date, address) and the hub's worklist of
 * upcoming handovers. Read as the hub: everyone inside a named system context (row-security.ts),
 * the partner's jurisdiction inside its request; outside both the city's tables show no rows.
 */
export interface DirectoryPerson {
  id: string;
  givenName: string;
  familyName: string;
  birthDate: string | null;
  municipalityKey: string;
  householdId: string | null;
  street: string | null;
  houseNumber: string | null;
  postalCode: string | null;
  locality: string | null;
  /** As registered: female, male, diverse or unknown (course matching: women-only courses). */
  sex: string;
  /** City district (Stadtteil), when the address names one (course matching: distance). */
  district: string | null;
  /** When the city registered the person: who came first in a household. */
  registeredAt: Date;
}

/**
 * The one way from workers to the city's persons: an interface the container wires to the city's
 * PersonService (in-process today; an HTTP client of the city subgraph once it runs apart, ADR 0007).
 */
export interface PersonDirectory {
  get(personId: string): Promise<DirectoryPerson | null>;
  /** The members of a household, in no particular order. */
  household(householdId: string): Promise<DirectoryPerson[]>;
  /** Many persons at once (those not found, or outside a request's jurisdiction, are left out), in no particular order. */
  many(personIds: readonly string[]): Promise<DirectoryPerson[]>;
}
