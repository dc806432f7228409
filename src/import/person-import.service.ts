import { Actor, hasScope, inJurisdiction } from '../shared/actor';
import { AppError } from '../shared/errors';
import { CityServices } from '../subgraphs/city/city.context';
import { PersonEntity } from '../subgraphs/city/person/person.entity';
import { ResidenceStatusEntity } from '../subgraphs/city/residence/residence.entity';
import { HubServices } from '../subgraphs/hub/hub.context';
import { PartnerEntity } from '../subgraphs/hub/partner/partner.entity';
import { RowSecurityContext } from '../shared/row-security';
import { importedHouseholdId, importedPersonId } from './person-import.ids';
import { ParsedRow, RowError } from './person-import.row';

export type RowOutcome = 'created' | 'updated' | 'unchanged';

/** A row the import refuses: every reason, each naming its column; nothing of the row was written. */
export class RowRefused extends Error {
  constructor(readonly errors: RowError[]) {
    super(errors.map((e) => `${e.field}: ${e.reason}`).join('; '));
  }
}

/** Why a partner may not import, said before any row is read. */
export class ImportRefused extends Error {}

export interface PersonImportDeps {
  city: CityServices;
  hub: HubServices;
  rowSecurity: RowSecurityContext;
}

/**
 * Imports persons row by row through the services a GraphQL call would use (PersonService,
 * ResidenceService, IdentifierService), as the importing partner: scopes, jurisdiction and policy
 * apply to each row as to a request, and each write emits its event and audit entry.
 *
 * A row is matched to a person by its identifiers; a new person's id is derived from the partner
 * and the row's primary identifier (person-import.ids.ts), so every write of a row can be repeated
 * and a row half-written by an interrupted run is completed by the next (docs/adr/0010-person-import.md).
 */
export class PersonImportService {
  /** File-local household keys → household ids, filled as the rows of a run come in. */
  private readonly households = new Map<string, string>();
  /** Municipality keys looked up in this run: a file names few, over and over. */
  private readonly municipalities = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: PersonImportDeps) {}

  /** The actor the import acts as: the partner's registered scopes and jurisdiction, its first purpose. */
  async actorFor(slug: string, requestId: string): Promise<{ partner: PartnerEntity; actor: Actor }> {
    const partner = await this.deps.hub.partners.findBySlug(slug);
    if (!partner) throw new ImportRefused(`Unknown partner "${slug}"`);
    if (!partner.active) throw new ImportRefused(`Partner ${slug} is deactivated`);
    if (!partner.scopes.includes('persons:write'))
      throw new ImportRefused(`Partner ${slug} is not registered for the scope persons:write`);
    const actor: Actor = {
      subject: 'cli:import',
      partner: partner.slug,
      scopes: [...partner.scopes],
      jurisdiction: [...partner.jurisdiction],
      purpose: partner.purposes[0] ?? null,
      requestId,
    };
    return { partner, actor };
  }

  /**
   * One row, all or nothing: everything is checked before the first write. `actor` is fresh per
   * row, as per request (the policy caches legal bases per actor object).
   */
  importRow(actor: Actor, row: ParsedRow, opts: { dryRun?: boolean } = {}): Promise<RowOutcome> {
    return this.deps.rowSecurity.run(actor.jurisdiction, () => this.inRequest(actor, row, Boolean(opts.dryRun)));
  }

  private async inRequest(actor: Actor, row: ParsedRow, dryRun: boolean): Promise<RowOutcome> {
    const { city, hub } = this.deps;
    const errors: RowError[] = [];
    if (row.residence && !hasScope(actor, 'residence:write'))
      errors.push({ field: 'residence_status', reason: 'the partner is not registered for the scope residence:write' });
    let lookup = this.municipalities.get(row.municipalityKey);
    if (!lookup)
      this.municipalities.set(row.municipalityKey, (lookup = city.municipalities.exists(row.municipalityKey)));
    const known = await lookup;
    if (!known) errors.push({ field: 'municipality_key', reason: 'unknown municipality key' });

    const holders = await hub.identifiers.holders(row.identifiers);
    const personIds = [...new Set(holders.map((h) => h.personId))];
    if (personIds.length > 1) {
      const second = holders.find((h) => h.personId !== holders[0].personId)!;
      errors.push({ field: second.system, reason: 'the identifiers of this row belong to different persons' });
      throw new RowRefused(errors);
    }
    const primary = row.identifiers[0];
    const personId = personIds[0] ?? importedPersonId(actor.partner, primary.system, primary.value);
    const [person] = await city.persons.byIds(actor, [personId]);
    if (!person && personIds.length)
      errors.push({
        field: holders[0].system,
        reason: 'belongs to a person outside the partner’s jurisdiction or not visible to it',
      });
    if (!person && known && !inJurisdiction(actor, row.municipalityKey))
      errors.push({ field: 'municipality_key', reason: 'outside the partner’s jurisdiction' });
    if (errors.length) throw new RowRefused(errors);

    if (!person) return this.create(actor, row, personId, dryRun);
    return this.update(actor, row, person, dryRun);
  }

  private async create(actor: Actor, row: ParsedRow, personId: string, dryRun: boolean): Promise<RowOutcome> {
    if (dryRun) return 'created';
    const { city, hub } = this.deps;
    let householdId: string | undefined;
    if (row.household) {
      householdId = this.households.get(row.household) ?? importedHouseholdId(actor.partner, personId);
      this.households.set(row.household, householdId);
    }
    await city.persons.register(
      actor,
      {
        givenName: row.givenName,
        familyName: row.familyName,
        nameVariants: row.nameVariants,
        birthDate: row.birthDate ?? undefined,
        sex: row.sex,
        nationalities: row.nationalities,
        languages: row.languages,
        municipalityKey: row.municipalityKey,
        address: row.address,
        arrivedOn: row.arrivedOn ?? undefined,
      },
      { id: personId, householdId },
    );
    if (row.residence) await city.residence.record(actor, { personId, ...residenceInput(row.residence) });
    for (const id of row.identifiers) await hub.identifiers.add(actor, { personId, ...id });
    return 'created';
  }

  /** Only what the file changes: a new address (a move), a new residence status, new identifiers. */
  private async update(actor: Actor, row: ParsedRow, person: PersonEntity, dryRun: boolean): Promise<RowOutcome> {
    const { city, hub } = this.deps;
    if (row.household && person.householdId && !this.households.has(row.household))
      this.households.set(row.household, person.householdId);
    const moved = person.municipalityKey !== row.municipalityKey || !sameAddress(person, row.address);
    const history = row.residence ? await city.residence.historyFor(actor, [person.id]) : [];
    const newStatus = row.residence !== null && !history.some((h) => sameStatus(h, row.residence!));
    const held = new Set(
      (await hub.identifiers.forPersons([person.id]))
        .filter((i) => i.issuedBy === actor.partner)
        .map((i) => `${i.system}\n${i.value}`),
    );
    const missing = row.identifiers.filter((i) => !held.has(`${i.system}\n${i.value}`));
    if (!moved && !newStatus && !missing.length) return 'unchanged';
    if (dryRun) return 'updated';
    if (moved)
      await city.persons.move(actor, {
        personId: person.id,
        municipalityKey: row.municipalityKey,
        address: row.address,
      });
    if (newStatus) await city.residence.record(actor, { personId: person.id, ...residenceInput(row.residence!) });
    for (const id of missing) await hub.identifiers.add(actor, { personId: person.id, ...id });
    return 'updated';
  }
}

function residenceInput(r: NonNullable<ParsedRow['residence']>) {
  return {
    status: r.status,
    validFrom: r.validFrom,
    validUntil: r.validUntil ?? undefined,
    legalBasis: r.legalBasis ?? undefined,
  };
}

const norm = (v: string | null | undefined): string | null => v?.trim() || null;

function sameAddress(p: PersonEntity, a: ParsedRow['address']): boolean {
  return (
    norm(p.street) === norm(a.street) &&
    norm(p.houseNumber) === norm(a.houseNumber) &&
    norm(p.postalCode) === norm(a.postalCode) &&
    norm(p.locality) === norm(a.locality) &&
    norm(p.district) === norm(a.district)
  );
}

function sameStatus(h: ResidenceStatusEntity, r: NonNullable<ParsedRow['residence']>): boolean {
  return h.status === r.status && h.validFrom === r.validFrom && (h.validUntil ?? null) === r.validUntil;
}

/** A service's refusal of a row (AppError) as the report's reasons; anything else is not the row's fault. */
export function refusalOf(err: unknown): RowError[] | null {
  if (err instanceof RowRefused) return err.errors;
  if (err instanceof AppError) {
    const field = typeof err.extensions.field === 'string' ? err.extensions.field : 'row';
    return [{ field, reason: `${err.code}: ${err.message}` }];
  }
  return null;
}
