/**
 * How the events worker raises duplicate suspicions (docs/duplicates.md) without reading or
 * writing the city's tables: an interface the container wires to the city's DuplicateService
 * (in-process today; a client of the city subgraph once it runs apart, ADR 0007). Both calls are
 * idempotent and only ever raise a suspicion for review; nothing is merged here.
 */
export interface DuplicateChecks {
  /** Other records with transliteration variants of the person's names and the same birth date. */
  byName(personId: string, causeEventId: string): Promise<number>;
  /** Two records hold the same identifier (`reason`: `shared_identifier:<system>`). */
  flag(personId: string, otherPersonId: string, reason: string, causeEventId: string): Promise<boolean>;
}
