import { AuthorizationOracle, BiographyEntry } from './authorization.oracle';
import { SchemaModel } from './authorization.schema';

/** Who asks: a partner stating a purpose. */
export interface Asker {
  partner: string;
  purpose: string;
}

/**
 * Walks responses and holds every guarded value in them against the oracle: a non-null value the
 * oracle does not allow is a leak; one about a person outside the partner's jurisdiction also
 * counts as a leak across jurisdictions. Nulls the oracle denies count as withheld.
 */
export class MatrixTally {
  checks = 0;
  returned = 0;
  withheld = 0;
  /** Allowed but null: no data to show, or a scope the partner lacks (scopes come before bases). */
  emptyAllowed = 0;
  readonly leaks: string[] = [];
  readonly acrossJurisdictions: string[] = [];

  constructor(
    private readonly model: SchemaModel,
    private readonly oracle: AuthorizationOracle,
  ) {}

  /** A value of `type` as returned; `personId` is whose data it is, when an enclosing object says so. */
  walk(asker: Asker, value: unknown, type: string, personId: string | null = null): void {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const v of value) this.walk(asker, v, type, personId);
      return;
    }
    const fields = this.model.objects.get(type);
    if (!fields || typeof value !== 'object') return;
    const obj = value as Record<string, any>;
    // Whose data: a Person is its own; a record names its person (as the guard's personOf does).
    if (type === 'Person' && obj.id) personId = obj.id as string;
    else if (obj.person?.id) personId = obj.person.id as string;
    if (
      typeof obj.municipalityKey === 'string' &&
      personId &&
      !this.oracle.inJurisdiction(asker.partner, obj.municipalityKey)
    )
      this.acrossJurisdictions.push(`${describe(asker)}: ${type} in ${obj.municipalityKey}`);
    for (const [key, v] of Object.entries(obj)) {
      const f = fields.get(key);
      if (!f) continue;
      if (f.category) this.value(asker, personId, `${type}.${key}`, f.category, v);
      if (type === 'Person' && key === 'biography' && Array.isArray(v))
        for (const e of v as BiographyEntry[]) this.entry(asker, personId!, e);
      if (v !== null && this.model.objects.has(f.type)) this.walk(asker, v, f.type, personId);
    }
  }

  /** A person asked for by id (or identifier) and not returned: each guarded field asked is withheld. */
  hidden(asker: Asker, personId: string, guardedFields: number): void {
    this.checks += guardedFields;
    if (this.oracle.mayKnow(asker.partner, asker.purpose, personId)) this.emptyAllowed += guardedFields;
    else this.withheld += guardedFields;
  }

  /** A person in a list or look-up: the partner must be allowed to know of it at all. */
  known(asker: Asker, personId: string, where: string): void {
    this.checks++;
    if (this.oracle.mayKnow(asker.partner, asker.purpose, personId)) this.returned++;
    else this.leak(asker, personId, `${where}: a person it may not know of`);
  }

  private value(asker: Asker, personId: string | null, field: string, category: string, v: unknown): void {
    this.checks++;
    if (!personId) {
      if (v !== null) this.leaks.push(`${describe(asker)}: ${field} (${category}) with no person to hold it against`);
      return;
    }
    const allowed = this.oracle.allowed(asker.partner, asker.purpose, personId, category);
    if (v === null) {
      if (allowed) this.emptyAllowed++;
      else this.withheld++;
    } else if (allowed) this.returned++;
    else this.leak(asker, personId, `${field} (${category})`);
  }

  private entry(asker: Asker, personId: string, e: BiographyEntry): void {
    this.checks++;
    if (this.oracle.entryAllowed(asker.partner, asker.purpose, personId, e)) this.returned++;
    else this.leak(asker, personId, `biography entry ${e.type} (${e.category})`);
  }

  private leak(asker: Asker, personId: string, what: string): void {
    this.leaks.push(`${describe(asker)}: ${what} of person ${personId}`);
    const ags = this.oracle.persons.get(personId);
    if (ags === undefined || !this.oracle.inJurisdiction(asker.partner, ags))
      this.acrossJurisdictions.push(`${describe(asker)}: ${what} of person ${personId} in ${ags}`);
  }
}

const describe = (a: Asker) => `${a.partner} for ${a.purpose}`;
