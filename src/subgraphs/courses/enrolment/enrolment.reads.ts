import { DataSource, EntityManager } from 'typeorm';
import { Actor, jurisdictionPatterns } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { encodeCursor, isUuid } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { decodeAfter, timestampPart, uuidPart } from '../../shared/connection.cursor';
import { Page, PageArgs, pageSize, toPage } from '../../shared/connection.types';
import { CourseEntity } from '../course/course.entity';
import { CourseProviderEntity } from '../provider/provider.entity';
import { EnrolmentEntity } from './enrolment.entity';

/** The read side of enrolments (lists, seat counts, lookups), scoped to the actor's jurisdiction. */
export class EnrolmentReads {
  constructor(protected readonly ds: DataSource) {}

  /** Every read goes through here: enrolments of courses in the actor's jurisdiction. */
  protected scoped(actor: Actor, em: EntityManager = this.ds.manager) {
    return em
      .getRepository(EnrolmentEntity)
      .createQueryBuilder('e')
      .where('e.municipality_key LIKE ANY(:prefixes)', { prefixes: jurisdictionPatterns(actor) });
  }

  /** Enrolments of many persons, newest first, for the per-request loader of Person.enrolments. */
  async byPersons(actor: Actor, personIds: readonly string[]): Promise<EnrolmentEntity[]> {
    requireScope(actor, 'courses:read');
    const ids = personIds.filter(isUuid);
    if (!ids.length) return [];
    return this.scoped(actor)
      .andWhere('e.person_id = ANY(:ids)', { ids })
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'ASC')
      .getMany();
  }

  /** Courses by id within the actor's jurisdiction, for the per-request loader of Enrolment.course. */
  async courses(actor: Actor, ids: readonly string[]): Promise<CourseEntity[]> {
    const valid = ids.filter(isUuid);
    if (!valid.length) return [];
    return this.ds
      .getRepository(CourseEntity)
      .createQueryBuilder('c')
      .where('c.id = ANY(:ids)', { ids: valid })
      .andWhere('c.municipality_key LIKE ANY(:prefixes)', { prefixes: jurisdictionPatterns(actor) })
      .getMany();
  }

  /** Seats taken (offered + enrolled) and the waitlist length per course, for the per-request loader. */
  async seatCounts(courseIds: readonly string[]): Promise<Array<{ courseId: string; held: number; waiting: number }>> {
    const ids = courseIds.filter(isUuid);
    if (!ids.length) return [];
    const rows: Array<{ course_id: string; held: number; waiting: number }> = await this.ds.query(
      `SELECT course_id, count(*) FILTER (WHERE status IN ('offered','enrolled'))::int AS held,
              count(*) FILTER (WHERE status = 'waitlisted')::int AS waiting
         FROM courses.enrolment WHERE course_id = ANY($1) AND status IN ('waitlisted','offered','enrolled')
        GROUP BY course_id`,
      [ids],
    );
    return rows.map((r) => ({ courseId: r.course_id, held: Number(r.held), waiting: Number(r.waiting) }));
  }

  /** A course's enrolments, for its provider only: the waitlist first by position, then the rest by creation. */
  async forCourse(
    actor: Actor,
    courseId: string,
    args: PageArgs & { status?: string[] | null },
  ): Promise<Page<EnrolmentEntity>> {
    requireScope(actor, 'courses:read');
    const first = pageSize(args.first);
    const course = await this.courseOf(actor, courseId, 'id');
    if (!this.mayManage(actor, course.provider)) throw forbiddenCourse();
    const qb = this.scoped(actor).andWhere('e.course_id = :cid', { cid: courseId });
    if (args.status?.length) qb.andWhere('e.status = ANY(:st)', { st: args.status });
    const totalCount = args.count === false ? null : await qb.clone().getCount();
    if (args.after) {
      const c = decodeAfter(args.after, [timestampPart, uuidPart]);
      qb.andWhere('(e.created_at, e.id) > (:ca::timestamptz, :ci::uuid)', { ca: c[0], ci: c[1] });
    }
    const rows = await qb
      .orderBy('e.created_at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .limit(first + 1)
      .getMany();
    return toPage(rows, first, args.after, totalCount, (n) => encodeCursor([n.createdAt.toISOString(), n.id]));
  }

  /** The course and its provider's slug, as the actor may see it; NOT_FOUND otherwise. */
  protected async courseOf(actor: Actor, courseId: string, field: string) {
    const course = await this.ds
      .getRepository(CourseEntity)
      .createQueryBuilder('c')
      .where('c.id = :id', { id: courseId })
      .andWhere('c.municipality_key LIKE ANY(:prefixes)', { prefixes: jurisdictionPatterns(actor) })
      .getOne();
    if (!course) throw notFound('Course', courseId, field);
    const provider = await this.ds.manager.findOneByOrFail(CourseProviderEntity, { id: course.providerId });
    return { course, provider: provider.partnerSlug };
  }

  protected async enrolmentOf(actor: Actor, id: string): Promise<EnrolmentEntity> {
    if (!isUuid(id)) throw new AppError('BAD_USER_INPUT', 'enrolmentId is not a valid id', { field: 'enrolmentId' });
    const e = await this.scoped(actor).andWhere('e.id = :id', { id }).getOne();
    if (!e) throw notFound('Enrolment', id, 'enrolmentId');
    return e;
  }

  /** The course's provider (or the hub with every scope) manages its enrolments. */
  protected mayManage(actor: Actor, provider: string): boolean {
    return actor.scopes.includes('*') || actor.partner === provider;
  }
}

export const forbiddenCourse = () =>
  new AppError('FORBIDDEN', "Only the course's provider manages its enrolments", { field: 'courseId' });
