import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { Outbox } from '../../../events/outbox.service';
import type { KnownPersons } from '../../../policy/policy.service';
import { InputCheck } from '../../shared/validation';
import { PersonIdentifierEntity } from './identifier.entity';
import { IdentifierSystem } from './identifier.types';

/** What a value of each system looks like; the bulk import checks rows against it before writing. */
export const IDENTIFIER_FORMATS: Record<IdentifierSystem, RegExp> = {
  azr_number: /^\d{12}$/,
  jobcenter_customer_number: /^\d{3}[A-Z]\d{6}$/,
  provider_participant_id: /^[A-Za-z0-9._-]{1,64}$/,
  city_resident_id: /^[A-Za-z0-9._-]{1,64}$/,
  youth_welfare_case_id: /^[A-Za-z0-9._/-]{1,64}$/,
};

export class IdentifierService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly persons: KnownPersons,
  ) {}

  forPersons(personIds: readonly string[]): Promise<PersonIdentifierEntity[]> {
    return this.ds
      .getRepository(PersonIdentifierEntity)
      .createQueryBuilder('i')
      .where('i.person_id = ANY(:ids)', { ids: personIds.filter(isUuid) })
      .orderBy('i.recorded_at', 'ASC')
      .getMany();
  }

  /**
   * Who holds these (system, value) pairs, whoever issued them: the bulk import finds the person a
   * row is about by any of its identifiers. Not for the API: no scope, the caller decides.
   */
  holders(pairs: ReadonlyArray<{ system: string; value: string }>): Promise<PersonIdentifierEntity[]> {
    if (!pairs.length) return Promise.resolve([]);
    return this.ds
      .getRepository(PersonIdentifierEntity)
      .createQueryBuilder('i')
      .where('(i.system, i.value) IN (SELECT * FROM unnest(:systems::text[], :values::text[]))', {
        systems: pairs.map((p) => p.system),
        values: pairs.map((p) => p.value),
      })
      .getMany();
  }

  /**
   * Other persons holding the same system and value as this identifier (another issuer recorded it
   * for another record): the events worker raises a duplicate suspicion for each.
   */
  async sameValueHolders(identifierId: string): Promise<Array<{ personId: string; system: string }>> {
    return this.ds.query(
      `SELECT DISTINCT o.person_id AS "personId", o.system FROM hub.person_identifier i
         JOIN hub.person_identifier o ON o.system = i.system AND o.value = i.value AND o.person_id <> i.person_id
        WHERE i.id = $1`,
      [identifierId],
    );
  }

  /**
   * A confirmed duplicate: the merged record's identifiers now find the kept person (each row stays,
   * with its issuer and time). Idempotent; in the caller's transaction.
   */
  async repointIn(em: EntityManager, fromPersonId: string, toPersonId: string): Promise<void> {
    await em.update(PersonIdentifierEntity, { personId: fromPersonId }, { personId: toPersonId });
  }

  /** The person behind an identifier; the city subgraph then decides whether the caller may see them. */
  async find(
    actor: Actor,
    system: IdentifierSystem,
    value: string,
    issuedBy?: string | null,
  ): Promise<PersonIdentifierEntity | null> {
    requireScope(actor, 'persons:read');
    const rows = await this.ds
      .getRepository(PersonIdentifierEntity)
      .findBy({ system, value, ...(issuedBy ? { issuedBy } : {}) });
    // After a confirmed duplicate, two issuers' rows may name the one kept person: not ambiguous.
    if (new Set(rows.map((r) => r.personId)).size > 1)
      throw new AppError('CONFLICT', 'The identifier is ambiguous: give issuedBy', { field: 'issuedBy' });
    return rows[0] ?? null;
  }

  async add(
    actor: Actor,
    input: { personId: string; system: IdentifierSystem; value: string },
  ): Promise<PersonIdentifierEntity> {
    requireScope(actor, 'persons:write');
    if (isUuid(input.personId) && !(await this.persons.knowsPerson(actor, input.personId)))
      throw notFound('Person', input.personId, 'personId');
    return this.ds.transaction((em) => this.addIn(em, actor, input, actor.partner));
  }

  /** Idempotent: the same (system, issuer, value) for the same person is returned as it is. */
  async addIn(
    em: EntityManager,
    actor: Actor,
    input: { personId: string; system: IdentifierSystem; value: string },
    issuedBy: string,
  ): Promise<PersonIdentifierEntity> {
    const check = new InputCheck();
    check.require(isUuid(input.personId), 'personId is not a valid id', 'personId');
    const value = input.value.trim();
    check.require(IDENTIFIER_FORMATS[input.system].test(value), `value is not a valid ${input.system}`, 'value');
    check.done();
    const existing = await em.findOneBy(PersonIdentifierEntity, { system: input.system, issuedBy, value });
    if (existing) {
      if (existing.personId !== input.personId)
        throw new AppError('CONFLICT', 'This identifier already belongs to another person', { field: 'value' });
      return existing;
    }
    const row: PersonIdentifierEntity = {
      id: newId(),
      personId: input.personId,
      system: input.system,
      value,
      issuedBy,
      recordedAt: this.clock.now(),
    };
    await em.insert(PersonIdentifierEntity, row);
    await this.outbox.append(em, actor, {
      type: 'person.identifier_added',
      personId: row.personId,
      aggregateType: 'PersonIdentifier',
      aggregateId: row.id,
      payload: { personId: row.personId, identifierId: row.id, system: row.system, issuedBy },
    });
    return row;
  }
}
