import { DataSource } from 'typeorm';
import { PolicyDecisionPoint } from '../../../policy/policy.service';
import { Actor } from '../../../shared/actor';
import { encodeCursor, isUuid } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { InputCheck } from '../../shared/validation';
import { decodeAfter, timestampPart, uuidPart } from '../../shared/connection.cursor';
import { Page, PageArgs, pageSize, toPage } from '../../shared/connection.types';
import { ArrivalVisitEntity } from './arrival.entity';
import { ARRIVAL_VISIT_STATUSES, FollowUpKind } from './arrival.state';

/** The follow-up kinds that are a contact ('none' is the team's record that there was none). */
const FOLLOW_UP_CONTACTS: readonly FollowUpKind[] = ['district_office', 'school_placement'];

export interface ArrivalVisitFilter {
  status?: string | null;
  /** The visit's day (held on, else planned on) from and to, inclusive. */
  from?: Date | string | null;
  to?: Date | string | null;
}

/**
 * The read side of arrival visits: a team sees its own visits only (they are its case notes),
 * of persons it may know of, under row security. Field values are guarded per person and
 * category in the GraphQL types (identity, case_notes), and each read is audited there.
 */
export class ArrivalReads {
  constructor(
    private readonly ds: DataSource,
    private readonly pdp: PolicyDecisionPoint,
  ) {}

  /** The team's visits, newest planned first. */
  async list(actor: Actor, args: PageArgs & { filter?: ArrivalVisitFilter | null }): Promise<Page<ArrivalVisitEntity>> {
    requireScope(actor, 'persons:read');
    const first = pageSize(args.first);
    const f = args.filter ?? {};
    const check = new InputCheck();
    check.require(
      !f.status || (ARRIVAL_VISIT_STATUSES as readonly string[]).includes(f.status),
      'Unknown status',
      'status',
    );
    const from = f.from ? check.day(f.from, 'from') : null;
    const to = f.to ? check.day(f.to, 'to') : null;
    if (from && to) check.require(from <= to, 'from must not lie after to', 'to');
    check.done();
    const qb = this.ds
      .getRepository(ArrivalVisitEntity)
      .createQueryBuilder('v')
      .where('v.partner = :me', { me: actor.partner });
    const known = await this.pdp.visiblePersons(actor);
    if (known) qb.andWhere('v.person_id = ANY(:known::uuid[])', { known });
    if (f.status) qb.andWhere('v.status = :status', { status: f.status });
    if (from) qb.andWhere('coalesce(v.held_on, v.planned_on) >= :from', { from });
    if (to) qb.andWhere('coalesce(v.held_on, v.planned_on) <= :to', { to });
    const totalCount = args.count === false ? null : await qb.clone().getCount();
    if (args.after) {
      const c = decodeAfter(args.after, [timestampPart, uuidPart]);
      qb.andWhere('(v.created_at, v.id) < (:ca::timestamptz, :ci::uuid)', { ca: c[0], ci: c[1] });
    }
    const rows = await qb
      .orderBy('v.created_at', 'DESC')
      .addOrderBy('v.id', 'DESC')
      .limit(first + 1)
      .getMany();
    return toPage(rows, first, args.after, totalCount, (v) => encodeCursor([v.createdAt.toISOString(), v.id]));
  }

  /** The team's visits of many families (household, or person without one), for Person.arrivalVisits. */
  async byFamilies(actor: Actor, familyIds: readonly string[]): Promise<ArrivalVisitEntity[]> {
    requireScope(actor, 'persons:read');
    const ids = familyIds.filter(isUuid);
    if (!ids.length) return [];
    return this.ds
      .getRepository(ArrivalVisitEntity)
      .createQueryBuilder('v')
      .where('v.family_id = ANY(:ids) AND v.partner = :me', { ids, me: actor.partner })
      .orderBy('v.created_at', 'DESC')
      .addOrderBy('v.id', 'DESC')
      .getMany();
  }

  /**
   * Whether a visit to the person's family already has its follow-up contact (a district office
   * or the school placement, recorded or derived): the new-arrival rule then sends no reminder.
   * Any team's visit counts; asked by the rules worker as the system, no person data leaves.
   */
  async followUpKnown(actor: Actor, family: { personId: string; householdId: string | null }): Promise<boolean> {
    requireScope(actor, 'persons:read');
    const ids = [family.personId, family.householdId].filter((id): id is string => !!id && isUuid(id));
    if (!ids.length) return false;
    const known = await this.ds
      .getRepository(ArrivalVisitEntity)
      .createQueryBuilder('v')
      .where('(v.family_id = ANY(:ids) OR v.person_id = ANY(:ids))', { ids })
      .andWhere('v.follow_up_kind IN (:...kinds)', { kinds: FOLLOW_UP_CONTACTS })
      .getExists();
    return known;
  }
}
