import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { Actor, jurisdictionPatterns } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { encodeCursor, isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { Outbox } from '../../../events/outbox.service';
import { PolicyDecisionPoint } from '../../../policy/policy.service';
import { Page, PageArgs, pageSize, toPage } from '../../shared/connection.types';
import { decodeAfter, timestampPart, uuidPart } from '../../shared/connection.cursor';
import { InputCheck } from '../../shared/validation';
import { PersonEntity } from '../person/person.entity';
import { duplicateKey } from '../person/person.names';
import { DuplicateSuspicionEntity, SuspicionStatus } from './duplicate.entity';

export const NAME_REASONS = ['name_variant', 'birth_date'] as const;
const MAX_REASON = 500;

/**
 * Duplicate suspicion (docs/duplicates.md). Detection runs in the events worker after a person is
 * registered or an identifier added (hub.consumers.ts, through DuplicateChecks): the registering
 * partner's transaction stays as it was, identifiers live in the hub, and a check that fails is
 * retried with the event. A suspicion is only ever raised here; records are merged by a reviewer.
 */
export class DuplicateService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly pdp: PolicyDecisionPoint,
  ) {}

  /**
   * Suspicions whose two records the actor may both see: both in its jurisdiction (and under row
   * security) and both within what its legal bases or the persons' consents let it know of.
   * Records already merged drop out of open ones. Newest first.
   */
  async list(
    actor: Actor,
    args: PageArgs & { status?: SuspicionStatus | null },
  ): Promise<Page<DuplicateSuspicionEntity>> {
    requireScope(actor, 'persons:read');
    const first = pageSize(args.first);
    const status = args.status ?? 'open';
    const qb = await this.visible(actor, this.ds.manager);
    qb.andWhere('s.status = :status', { status });
    if (status === 'open') qb.andWhere('a.merged_into IS NULL AND b.merged_into IS NULL');
    const totalCount = args.count === false ? null : await qb.clone().getCount();
    if (args.after) {
      const c = decodeAfter(args.after, [timestampPart, uuidPart]);
      qb.andWhere('(s.detected_at, s.id) < (:ca::timestamptz, :ci::uuid)', { ca: c[0], ci: c[1] });
    }
    const rows = await qb
      .orderBy('s.detected_at', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .limit(first + 1)
      .getMany();
    return toPage(rows, first, args.after, totalCount, (s) => encodeCursor([s.detectedAt.toISOString(), s.id]));
  }

  /**
   * The explicit merge: the kept record stays as it is, the other is marked merged into it (it
   * still resolves by id, and drops out of lists and detection). The hub re-points its identifiers
   * and biography when it handles `person.merged`; nothing is deleted, the audit trail stays.
   */
  async confirm(
    actor: Actor,
    input: { suspicionId: string; keepPersonId?: string | null },
  ): Promise<DuplicateSuspicionEntity> {
    requireScope(actor, 'persons:write');
    const check = new InputCheck();
    check.require(isUuid(input.suspicionId), 'suspicionId is not a valid id', 'suspicionId');
    const keep = input.keepPersonId ?? null;
    check.require(keep === null || isUuid(keep), 'keepPersonId is not a valid id', 'keepPersonId');
    check.done();
    // Before the transaction: the decision point reads the hub on a pooled connection of its own.
    await this.pdp.visiblePersons(actor);
    return this.ds.transaction(async (em) => {
      const s = await this.lockOpen(actor, em, input.suspicionId);
      if (keep !== null && keep !== s.personA && keep !== s.personB)
        throw new AppError('BAD_USER_INPUT', 'keepPersonId must be one of the two persons of the suspicion', {
          field: 'keepPersonId',
        });
      const persons = await em
        .getRepository(PersonEntity)
        .createQueryBuilder('p')
        .where('p.id IN (:...ids)', { ids: [s.personA, s.personB] })
        .setLock('pessimistic_write')
        .getMany();
      const merged = persons.find((p) => p.mergedInto);
      if (persons.length !== 2 || merged)
        throw new AppError('CONFLICT', 'One of the two records was already merged into another', {
          field: 'suspicionId',
          mergedPersonId: merged?.id ?? null,
          allowedActions: ['dismissDuplicate'],
        });
      const kept = keep ?? olderOf(persons).id;
      const gone = kept === s.personA ? s.personB : s.personA;
      const now = this.clock.now();
      await em.update(PersonEntity, { id: gone }, { mergedInto: kept, mergedAt: now, updatedAt: now });
      Object.assign(s, { status: 'confirmed', decidedBy: actor.partner, decidedAt: now, keptPersonId: kept });
      await em.save(DuplicateSuspicionEntity, s);
      await this.outbox.append(em, actor, {
        type: 'person.merged',
        personId: kept,
        aggregateType: 'Person',
        aggregateId: kept,
        payload: { personId: kept, mergedPersonId: gone, suspicionId: s.id },
      });
      return s;
    });
  }

  /** Two persons after all: the pair is kept as dismissed and never suggested again. */
  async dismiss(
    actor: Actor,
    input: { suspicionId: string; reason?: string | null },
  ): Promise<DuplicateSuspicionEntity> {
    requireScope(actor, 'persons:write');
    const check = new InputCheck();
    check.require(isUuid(input.suspicionId), 'suspicionId is not a valid id', 'suspicionId');
    const reason = input.reason?.trim() || null;
    check.require(
      reason === null || reason.length <= MAX_REASON,
      `reason must be at most ${MAX_REASON} characters`,
      'reason',
    );
    check.done();
    await this.pdp.visiblePersons(actor);
    return this.ds.transaction(async (em) => {
      const s = await this.lockOpen(actor, em, input.suspicionId);
      Object.assign(s, {
        status: 'dismissed',
        decidedBy: actor.partner,
        decidedAt: this.clock.now(),
        decisionReason: reason,
      });
      await em.save(DuplicateSuspicionEntity, s);
      // The reason stays in the suspicion only: free text, never in an event.
      await this.tell(em, actor, 'person.duplicate_dismissed', s.personA, s.personB, s.id);
      return s;
    });
  }

  /**
   * The events worker, after a registration: other records with the same birth date whose names
   * are transliteration variants (duplicateKey). Without a birth date nothing is suspected: names
   * alone are too common. Idempotent.
   */
  async detectByName(actor: Actor, personId: string): Promise<number> {
    const person = await this.ds.getRepository(PersonEntity).findOneBy({ id: personId });
    if (!person || person.mergedInto || !person.birthDate) return 0;
    const key = duplicateKey(person.givenName, person.familyName);
    const candidates = await this.ds
      .getRepository(PersonEntity)
      .createQueryBuilder('p')
      .where('p.birth_date = :day AND p.id <> :id AND p.merged_into IS NULL', { day: person.birthDate, id: personId })
      .getMany();
    let flagged = 0;
    for (const other of candidates) {
      if (duplicateKey(other.givenName, other.familyName) !== key) continue;
      if (await this.flag(actor, personId, other.id, [...NAME_REASONS])) flagged++;
    }
    return flagged;
  }

  /**
   * Raises (or adds reasons to) the suspicion about two records; true when it is open afterwards.
   * A pair already decided stays decided: a dismissed pair is never suggested again. Records
   * merged before are left alone. A new suspicion and its events (one per record) commit together.
   */
  async flag(actor: Actor, one: string, other: string, reasons: readonly string[]): Promise<boolean> {
    if (one === other) return false;
    const [a, b] = one < other ? [one, other] : [other, one];
    return this.ds.transaction(async (em) => {
      const rows: Array<{ id: string; inserted: boolean; reasons: string[] }> = await em.query(
        `INSERT INTO city.duplicate_suspicion (id, person_a, person_b, reasons, status, detected_at)
         SELECT $1::uuid, $2::uuid, $3::uuid, $4::text[], 'open', $5::timestamptz
          WHERE NOT EXISTS (SELECT 1 FROM city.person p WHERE p.id IN ($2::uuid, $3::uuid) AND p.merged_into IS NOT NULL)
         ON CONFLICT (person_a, person_b) DO UPDATE
           SET reasons = ARRAY(SELECT DISTINCT r FROM unnest(city.duplicate_suspicion.reasons || EXCLUDED.reasons) r ORDER BY r)
         WHERE city.duplicate_suspicion.status = 'open'
         RETURNING id, (xmax = 0) AS inserted, reasons`,
        [newId(), a, b, [...reasons].sort(), this.clock.now()],
      );
      const [row] = rows;
      if (row?.inserted) await this.tell(em, actor, 'person.duplicate_suspected', a, b, row.id, row.reasons);
      return rows.length > 0;
    });
  }

  /** One event per record of the pair: each record's biography and audit trail shows the step. */
  private async tell(
    em: EntityManager,
    actor: Actor,
    type: 'person.duplicate_suspected' | 'person.duplicate_dismissed',
    a: string,
    b: string,
    suspicionId: string,
    reasons: string[] = [],
  ): Promise<void> {
    for (const [personId, otherPersonId] of [
      [a, b],
      [b, a],
    ]) {
      const ids = { personId, otherPersonId, suspicionId };
      await this.outbox.append(em, actor, {
        personId,
        aggregateType: 'DuplicateSuspicion',
        aggregateId: suspicionId,
        ...(type === 'person.duplicate_suspected' ? { type, payload: { ...ids, reasons } } : { type, payload: ids }),
      });
    }
  }

  /** Suspicions and both records joined, limited to what the actor may see of persons. */
  private async visible(actor: Actor, em: EntityManager): Promise<SelectQueryBuilder<DuplicateSuspicionEntity>> {
    const qb = em
      .getRepository(DuplicateSuspicionEntity)
      .createQueryBuilder('s')
      .innerJoin(PersonEntity, 'a', 'a.id = s.person_a')
      .innerJoin(PersonEntity, 'b', 'b.id = s.person_b')
      .where('a.municipality_key LIKE ANY(:prefixes) AND b.municipality_key LIKE ANY(:prefixes)', {
        prefixes: jurisdictionPatterns(actor),
      });
    const known = await this.pdp.visiblePersons(actor);
    if (known) qb.andWhere('a.id = ANY(:known::uuid[]) AND b.id = ANY(:known::uuid[])', { known });
    return qb;
  }

  /** The open suspicion, locked; NOT_FOUND when unknown or not visible, CONFLICT when decided. */
  private async lockOpen(actor: Actor, em: EntityManager, id: string): Promise<DuplicateSuspicionEntity> {
    const s = await (
      await this.visible(actor, em)
    )
      .andWhere('s.id = :id', { id })
      .setLock('pessimistic_write', undefined, ['s'])
      .getOne();
    if (!s) throw notFound('Duplicate suspicion', id, 'suspicionId');
    if (s.status !== 'open')
      throw new AppError('CONFLICT', `The suspicion was already ${s.status}`, {
        field: 'suspicionId',
        status: s.status,
        decidedBy: s.decidedBy,
        decidedAt: s.decidedAt?.toISOString() ?? null,
        keptPersonId: s.keptPersonId,
        allowedActions: [],
      });
    return s;
  }
}

/** The record registered first is kept unless the reviewer says otherwise. */
function olderOf(persons: PersonEntity[]): PersonEntity {
  return [...persons].sort(
    (x, y) => x.registeredAt.getTime() - y.registeredAt.getTime() || x.id.localeCompare(y.id),
  )[0];
}
