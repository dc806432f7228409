import { DataSource } from 'typeorm';
import { Actor } from '../../../shared/actor';
import { notFound } from '../../../shared/errors';
import { refuseMerged } from '../person/person.service';
import { newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { Outbox } from '../../../events/outbox.service';
import { InputCheck } from '../../shared/validation';
import { PersonService } from '../person/person.service';
import { ResidenceStatusEntity } from './residence.entity';
import { DEFAULT_LEGAL_BASIS, RecordResidenceStatusInput } from './residence.types';

export class ResidenceService {
  constructor(
    private readonly ds: DataSource,
    private readonly persons: PersonService,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /** Histories for many persons at once (newest first), for the per-request loader. */
  async historyFor(actor: Actor, personIds: readonly string[]): Promise<ResidenceStatusEntity[]> {
    const visible = await this.persons.byIds(actor, personIds);
    if (!visible.length) return [];
    return this.ds
      .getRepository(ResidenceStatusEntity)
      .createQueryBuilder('r')
      .where('r.person_id = ANY(:ids)', { ids: visible.map((p) => p.id) })
      .orderBy('r.valid_from', 'DESC')
      .addOrderBy('r.recorded_at', 'DESC')
      .getMany();
  }

  /** The status valid today: the newest that has started and not ended. */
  current(history: ResidenceStatusEntity[]): ResidenceStatusEntity | null {
    const today = isoDay(this.clock.now());
    return history.find((r) => r.validFrom <= today && (!r.validUntil || r.validUntil >= today)) ?? null;
  }

  async record(actor: Actor, input: RecordResidenceStatusInput): Promise<ResidenceStatusEntity> {
    requireScope(actor, 'residence:write');
    const check = new InputCheck(this.clock.now());
    const validFrom = check.day(input.validFrom, 'validFrom');
    const validUntil = input.validUntil ? check.day(input.validUntil, 'validUntil') : null;
    if (validFrom && validUntil)
      check.require(validUntil >= validFrom, 'validUntil lies before validFrom', 'validUntil');
    check.done();
    const person = await this.persons.get(actor, input.personId);
    if (!person) throw notFound('Person', input.personId, 'personId');
    refuseMerged(person);
    const row: ResidenceStatusEntity = {
      id: newId(),
      personId: person.id,
      status: input.status,
      legalBasis: input.legalBasis?.trim() || DEFAULT_LEGAL_BASIS[input.status],
      validFrom,
      validUntil,
      residenceObligation: input.residenceObligation ?? false,
      workPermitted: input.workPermitted ?? false,
      integrationCourseObligation: input.integrationCourseObligation ?? false,
      recordedBy: actor.partner,
      recordedAt: this.clock.now(),
    };
    return this.ds.transaction(async (em) => {
      await em.insert(ResidenceStatusEntity, row);
      await this.outbox.append(em, actor, {
        type: 'person.residence_status_recorded',
        personId: person.id,
        aggregateType: 'ResidenceStatus',
        aggregateId: row.id,
        payload: { personId: person.id, statusId: row.id, status: row.status, validFrom: row.validFrom },
      });
      return row;
    });
  }
}
