import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Actor, inJurisdiction, jurisdictionPatterns } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { Outbox } from '../../../events/outbox.service';
import type { KnownPersons } from '../../../policy/policy.service';
import { AGS, InputCheck } from '../../shared/validation';
import { JobcenterRecordEntity } from './record.entity';
import { BenefitStatus, ChangeBenefitStatusInput, OpenJobcenterRecordInput } from './record.types';

/** Three digits (office), a letter (D in jobcenters), six digits; the hub accepts the same. */
const CUSTOMER_NUMBER = /^\d{3}[A-Z]\d{6}$/;
const HOUSEHOLD_COMMUNITY_NUMBER = /^\d{5}\/\/\d{7}$/;

export class JobcenterRecordService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly persons: KnownPersons,
  ) {}

  /** Every read goes through here: a partner sees records of municipalities in its jurisdiction only. */
  private scoped(actor: Actor, em: EntityManager = this.ds.manager) {
    return em
      .getRepository(JobcenterRecordEntity)
      .createQueryBuilder('r')
      .where('r.municipality_key LIKE ANY(:prefixes)', { prefixes: jurisdictionPatterns(actor) });
  }

  async byCustomerNumber(actor: Actor, customerNumber: string): Promise<JobcenterRecordEntity | null> {
    requireScope(actor, 'jobcenter:read');
    return this.scoped(actor).andWhere('r.customer_number = :cn', { cn: customerNumber.trim().toUpperCase() }).getOne();
  }

  /**
   * Records of many persons, newest first, for the per-request loader. Checks the scope itself:
   * `Person.jobcenter` is reached through the gateway from a query another subgraph authorised.
   */
  async byPersons(actor: Actor, personIds: readonly string[]): Promise<JobcenterRecordEntity[]> {
    requireScope(actor, 'jobcenter:read');
    const ids = personIds.filter(isUuid);
    if (!ids.length) return [];
    return this.scoped(actor)
      .andWhere('r.person_id = ANY(:ids)', { ids })
      .orderBy('r.started_on', 'DESC')
      .addOrderBy('r.opened_at', 'DESC')
      .addOrderBy('r.id', 'ASC')
      .getMany();
  }

  /** The record that describes the person now: the newest not ended, else the newest. */
  current(newestFirst: JobcenterRecordEntity[]): JobcenterRecordEntity | null {
    return newestFirst.find((r) => r.benefitStatus !== BenefitStatus.ended) ?? newestFirst[0] ?? null;
  }

  async open(actor: Actor, input: OpenJobcenterRecordInput): Promise<JobcenterRecordEntity> {
    requireScope(actor, 'jobcenter:write');
    // Every refused field in one answer; jurisdiction only once the input is sound.
    const check = new InputCheck(this.clock.now());
    check.require(isUuid(input.personId), 'personId is not a valid id', 'personId');
    const customerNumber = input.customerNumber.trim().toUpperCase();
    check.require(CUSTOMER_NUMBER.test(customerNumber), 'customerNumber must look like 845D123456', 'customerNumber');
    const hcn = input.householdCommunityNumber?.trim() || null;
    if (hcn)
      check.require(
        HOUSEHOLD_COMMUNITY_NUMBER.test(hcn),
        'householdCommunityNumber must look like 84503//0012345',
        'householdCommunityNumber',
      );
    check.require(AGS.test(input.municipalityKey), 'municipalityKey must be an eight-digit AGS', 'municipalityKey');
    const startedOn = check.day(input.startedOn, 'startedOn');
    const status = input.benefitStatus ?? BenefitStatus.applied;
    check.require(status !== BenefitStatus.ended, 'A record cannot be opened as ended', 'benefitStatus');
    check.done();
    if (!inJurisdiction(actor, input.municipalityKey)) {
      throw new AppError('FORBIDDEN', 'The municipality is outside your jurisdiction', { field: 'municipalityKey' });
    }
    if (!(await this.persons.knowsPerson(actor, input.personId))) throw notFound('Person', input.personId, 'personId');

    const record: JobcenterRecordEntity = {
      id: newId(),
      personId: input.personId,
      customerNumber,
      benefitStatus: status,
      householdCommunityNumber: hcn,
      municipalityKey: input.municipalityKey,
      startedOn,
      endedOn: null,
      openedBy: actor.partner,
      openedAt: this.clock.now(),
    };
    try {
      return await this.ds.transaction(async (em) => {
        // Checked across all jurisdictions: a person has one open SGB II case, wherever it is kept.
        // The unique indexes close the race between these checks and the insert.
        if (await em.existsBy(JobcenterRecordEntity, { customerNumber })) throw duplicateCustomerNumber();
        const open = await em
          .getRepository(JobcenterRecordEntity)
          .createQueryBuilder('r')
          .where('r.person_id = :pid AND r.benefit_status <> :ended', {
            pid: input.personId,
            ended: BenefitStatus.ended,
          })
          .getExists();
        if (open) throw openRecordExists();
        await em.insert(JobcenterRecordEntity, record);
        await this.outbox.append(em, actor, {
          type: 'jobcenter.record_opened',
          personId: record.personId,
          aggregateType: 'JobcenterRecord',
          aggregateId: record.id,
          payload: { personId: record.personId, recordId: record.id, customerNumber, benefitStatus: status },
        });
        return record;
      });
    } catch (err) {
      throw mapUniqueViolation(err);
    }
  }

  /** Moves a record to another status; ended is final. Setting the current status again changes nothing. */
  async changeStatus(actor: Actor, input: ChangeBenefitStatusInput): Promise<JobcenterRecordEntity> {
    requireScope(actor, 'jobcenter:write');
    if (!isUuid(input.recordId)) throw notFound('JobcenterRecord', input.recordId, 'recordId');
    return this.ds.transaction(async (em) => {
      const record = await this.scoped(actor, em)
        .andWhere('r.id = :id', { id: input.recordId })
        .setLock('pessimistic_write')
        .getOne();
      if (!record) throw notFound('JobcenterRecord', input.recordId, 'recordId');
      const from = record.benefitStatus;
      if (from === input.status) return record;
      if (from === BenefitStatus.ended)
        throw new AppError('CONFLICT', 'The record has ended; open a new one', {
          recordId: record.id,
          field: 'recordId',
        });
      record.benefitStatus = input.status;
      if (input.status === BenefitStatus.ended) {
        const today = isoDay(this.clock.now());
        // A record ended before it started (e.g. an application withdrawn) ends on its start day.
        record.endedOn = today < record.startedOn ? record.startedOn : today;
      }
      await em.update(
        JobcenterRecordEntity,
        { id: record.id },
        { benefitStatus: record.benefitStatus, endedOn: record.endedOn },
      );
      await this.outbox.append(em, actor, {
        type: 'jobcenter.benefit_status_changed',
        personId: record.personId,
        aggregateType: 'JobcenterRecord',
        aggregateId: record.id,
        payload: { personId: record.personId, recordId: record.id, from, to: input.status },
      });
      return record;
    });
  }
}

const duplicateCustomerNumber = () =>
  new AppError('CONFLICT', 'The customer number is already in use', { field: 'customerNumber' });
const openRecordExists = () =>
  new AppError('CONFLICT', 'The person already has an open jobcenter record', { field: 'personId' });

/** A concurrent insert that passed the checks still hits a unique index: report it as the same conflict. */
function mapUniqueViolation(err: unknown): unknown {
  if (!(err instanceof QueryFailedError) || (err.driverError as { code?: string })?.code !== '23505') return err;
  const constraint = (err.driverError as { constraint?: string }).constraint;
  return constraint === 'jobcenter_record_one_open' ? openRecordExists() : duplicateCustomerNumber();
}
