import { DataSource, EntityManager } from 'typeorm';
import { Actor, jurisdictionPatterns } from '../../../shared/actor';
import { AppError, badInput, notFound } from '../../../shared/errors';
import { encodeCursor, isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { Outbox } from '../../../events/outbox.service';
import { PolicyDecisionPoint } from '../../../policy/policy.service';
import { RowSecurityContext } from '../../../shared/row-security';
import { Page, PageArgs, pageSize, toPage } from '../../shared/connection.types';
import { AGS, InputCheck } from '../../shared/validation';
import { HouseholdEntity } from '../household/household.entity';
import { MunicipalityService } from '../municipality/municipality.service';
import { PersonEntity } from './person.entity';
import { searchNames } from './person.names';
import { NameSearch, SortKey } from './person.search';
import { AddressInput, MovePersonInput, PersonFilter, RegisterPersonInput } from './person.types';
import { decodeAfter, textPart, uuidPart } from '../../shared/connection.cursor';

const COUNTRY = /^[A-Z]{2}$/;
const LANGUAGE = /^[a-z]{2,3}$/;

export class PersonService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly municipalities: MunicipalityService,
    private readonly clock: Clock,
    private readonly pdp: PolicyDecisionPoint,
    private readonly rowSecurity: RowSecurityContext,
  ) {}

  /**
   * Every read goes through here: a partner sees persons in its jurisdiction only, and of those
   * only the ones it may know of (a legal basis for identity data, or the person's consent).
   */
  private async scoped(actor: Actor, em: EntityManager = this.ds.manager) {
    const qb = em
      .getRepository(PersonEntity)
      .createQueryBuilder('p')
      .where(`p.municipality_key LIKE ANY(:prefixes)`, { prefixes: jurisdictionPatterns(actor) });
    const visible = await this.pdp.visiblePersons(actor);
    if (visible) qb.andWhere('p.id = ANY(:visible::uuid[])', { visible });
    return qb;
  }

  async get(actor: Actor, id: string): Promise<PersonEntity | null> {
    requireScope(actor, 'persons:read');
    if (!isUuid(id)) return null;
    return (await this.scoped(actor)).andWhere('p.id = :id', { id }).getOne();
  }

  async byIds(actor: Actor, ids: readonly string[]): Promise<PersonEntity[]> {
    const valid = ids.filter(isUuid);
    if (!valid.length) return [];
    return (await this.scoped(actor)).andWhere('p.id = ANY(:ids)', { ids: valid }).getMany();
  }

  async byHouseholds(actor: Actor, householdIds: readonly string[]): Promise<PersonEntity[]> {
    return (await this.scoped(actor))
      .andWhere('p.household_id = ANY(:ids)', { ids: [...householdIds] })
      .orderBy('p.birth_date', 'ASC', 'NULLS LAST')
      .getMany();
  }

  async list(actor: Actor, args: PageArgs & { filter?: PersonFilter | null }): Promise<Page<PersonEntity>> {
    requireScope(actor, 'persons:read');
    const first = pageSize(args.first);
    const qb = await this.scoped(actor);
    // A record merged into another (a confirmed duplicate) is listed once, as the kept one.
    qb.andWhere('p.merged_into IS NULL');
    const f = args.filter ?? {};
    const search = f.name ? await NameSearch.prepare(this.ds.manager, qb, f.name) : null;
    if (f.municipalityKey)
      qb.andWhere('p.municipality_key LIKE :mk', { mk: `${f.municipalityKey.replace(/[%_]/g, '')}%` });
    if (f.nationality) qb.andWhere(':nat = ANY(p.nationalities)', { nat: f.nationality.toUpperCase() });
    if (f.district) qb.andWhere('lower(p.district) = lower(:district)', { district: f.district });
    if (f.householdId) {
      if (!isUuid(f.householdId)) throw badInput('householdId is not a valid id', 'householdId');
      qb.andWhere('p.household_id = :hh', { hh: f.householdId });
    }
    const totalCount = args.count === false ? null : await qb.clone().getCount();
    let after: SortKey | null = null;
    if (args.after) {
      after = decodeAfter(args.after, [textPart, textPart, uuidPart]) as SortKey;
      qb.andWhere('(p.family_name, p.given_name, p.id) > (:cf, :cg, :ci)', {
        cf: after[0],
        cg: after[1],
        ci: after[2],
      });
    }
    qb.orderBy('p.family_name', 'ASC')
      .addOrderBy('p.given_name', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(first + 1);
    const rows = search ? await search.page(qb, after, first + 1) : await qb.getMany();
    return toPage(rows, first, args.after, totalCount, (node) =>
      encodeCursor([node.familyName, node.givenName, node.id]),
    );
  }

  /**
   * `fixed` is for loading data sets with known ids (the deterministic demo data); the API never
   * passes it. A fixed household is created on first use.
   */
  async register(
    actor: Actor,
    input: RegisterPersonInput,
    fixed: { id?: string; householdId?: string } = {},
  ): Promise<PersonEntity> {
    requireScope(actor, 'persons:write');
    // Every refused field in one answer; the municipality (a lookup) only once the rest is sound.
    const check = new InputCheck();
    const givenName = input.givenName.trim();
    const familyName = input.familyName.trim();
    check.require(
      givenName.length > 0 && givenName.length <= 200,
      'givenName must be 1 to 200 characters',
      'givenName',
    );
    check.require(
      familyName.length > 0 && familyName.length <= 200,
      'familyName must be 1 to 200 characters',
      'familyName',
    );
    const nationalities = (input.nationalities ?? []).map((n) => n.toUpperCase());
    check.require(
      nationalities.every((n) => COUNTRY.test(n)),
      'nationalities must be ISO 3166-1 alpha-2 codes',
      'nationalities',
    );
    const languages = (input.languages ?? []).map((l) => l.toLowerCase());
    check.require(
      languages.every((l) => LANGUAGE.test(l)),
      'languages must be ISO 639-1 codes',
      'languages',
    );
    const birthDate = input.birthDate ? check.day(input.birthDate, 'birthDate') : null;
    if (birthDate) check.require(birthDate <= isoDay(this.clock.now()), 'birthDate lies in the future', 'birthDate');
    const arrivedOn = input.arrivedOn ? check.day(input.arrivedOn, 'arrivedOn') : null;
    if (arrivedOn) check.require(arrivedOn <= isoDay(this.clock.now()), 'arrivedOn lies in the future', 'arrivedOn');
    check.require(!input.householdId || isUuid(input.householdId), 'householdId is not a valid id', 'householdId');
    check.require(
      !(input.householdId && input.newHousehold),
      'Give householdId or newHousehold, not both',
      'householdId',
    );
    check.require(AGS.test(input.municipalityKey), 'municipalityKey must be an eight-digit AGS', 'municipalityKey');
    check.done();
    await this.assertMunicipality(actor, input.municipalityKey);
    const variants = (input.nameVariants ?? []).map((v) => v.trim()).filter(Boolean);

    return this.ds.transaction(async (em) => {
      let householdId: string | null = null;
      if (fixed.householdId) {
        householdId = fixed.householdId;
        await em
          .createQueryBuilder()
          .insert()
          .into(HouseholdEntity)
          .values({ id: householdId, municipalityKey: input.municipalityKey, createdAt: this.clock.now() })
          .orIgnore()
          .execute();
      } else if (input.householdId) {
        const hh = await em.findOneBy(HouseholdEntity, { id: input.householdId });
        if (!hh || !actor.jurisdiction.some((j) => hh.municipalityKey.startsWith(j)))
          throw notFound('Household', input.householdId, 'householdId');
        householdId = hh.id;
      } else if (input.newHousehold) {
        householdId = newId();
        await em.insert(HouseholdEntity, {
          id: householdId,
          municipalityKey: input.municipalityKey,
          createdAt: this.clock.now(),
        });
      }
      const now = this.clock.now();
      const person: PersonEntity = {
        id: fixed.id ?? newId(),
        municipalityKey: input.municipalityKey,
        givenName,
        familyName,
        nameVariants: variants,
        searchNames: searchNames([givenName, familyName, ...variants]),
        birthDate,
        sex: input.sex ?? 'unknown',
        nationalities,
        languages,
        ...addressColumns(input.address),
        householdId,
        arrivedOn,
        registeredAt: now,
        updatedAt: now,
      };
      await em.insert(PersonEntity, person);
      await this.outbox.append(em, actor, {
        type: 'person.registered',
        personId: person.id,
        aggregateType: 'Person',
        aggregateId: person.id,
        payload: { personId: person.id, municipalityKey: person.municipalityKey, householdId, arrivedOn },
      });
      return person;
    });
  }

  async move(actor: Actor, input: MovePersonInput): Promise<PersonEntity> {
    requireScope(actor, 'persons:write');
    await this.assertMunicipality(actor, input.municipalityKey, true);
    return this.ds.transaction(async (em) => {
      const person = await (
        await this.scoped(actor, em)
      )
        .andWhere('p.id = :id', { id: isUuid(input.personId) ? input.personId : null })
        .setLock('pessimistic_write')
        .getOne();
      if (!person) throw notFound('Person', input.personId, 'personId');
      refuseMerged(person);
      const from = person.municipalityKey;
      Object.assign(person, {
        municipalityKey: input.municipalityKey,
        ...addressColumns(input.address),
        updatedAt: this.clock.now(),
      });
      // The moved row lies in the target municipality: row security must let this statement see it there.
      await this.rowSecurity.widen([input.municipalityKey], () => em.update(PersonEntity, { id: person.id }, person));
      await this.outbox.append(em, actor, {
        type: 'person.moved',
        personId: person.id,
        aggregateType: 'Person',
        aggregateId: person.id,
        payload: {
          personId: person.id,
          fromMunicipalityKey: from,
          toMunicipalityKey: input.municipalityKey,
          district: person.district,
        },
      });
      return person;
    });
  }

  private async assertMunicipality(actor: Actor, key: string, allowOutside = false): Promise<void> {
    if (!(await this.municipalities.exists(key))) throw badInput(`Unknown municipality key ${key}`, 'municipalityKey');
    if (!allowOutside && !actor.jurisdiction.some((j) => key.startsWith(j))) {
      throw new AppError('FORBIDDEN', 'The municipality is outside your jurisdiction', { field: 'municipalityKey' });
    }
  }
}

/**
 * A record merged into another (a confirmed duplicate, docs/duplicates.md) takes no more changes:
 * they belong to the kept record, which the answer names.
 */
export function refuseMerged(person: PersonEntity, field = 'personId'): void {
  if (person.mergedInto)
    throw new AppError('CONFLICT', 'The person was merged into another record: use that one', {
      field,
      mergedInto: person.mergedInto,
    });
}

function addressColumns(a: AddressInput | undefined) {
  return {
    street: a?.street?.trim() || null,
    houseNumber: a?.houseNumber?.trim() || null,
    postalCode: a?.postalCode?.trim() || null,
    locality: a?.locality?.trim() || null,
    district: a?.district?.trim() || null,
  };
}
