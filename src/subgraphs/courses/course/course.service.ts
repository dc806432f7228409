import { DataSource, EntityManager } from 'typeorm';
import { Actor, inJurisdiction, jurisdictionPatterns } from '../../../shared/actor';
import { AppError, badInput, notFound } from '../../../shared/errors';
import { encodeCursor, isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { Outbox } from '../../../events/outbox.service';
import { Page, PageArgs, pageSize, toPage } from '../../shared/connection.types';
import { CourseProviderEntity } from '../provider/provider.entity';
import { AGS, InputCheck, toDay } from '../../shared/validation';
import { CourseEntity, WeeklySlot } from './course.entity';
import { CourseFilter, CourseKind, CourseStatus, CreateCourseInput, WEEKDAYS, WeeklySlotInput } from './course.types';
import { dayPart, decodeAfter, uuidPart } from '../../shared/connection.cursor';

export interface ProviderSeats {
  /** The provider's partner slug. */
  partner: string;
  seats: number;
}

export class CourseService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /** Every read goes through here: a partner sees courses held in its jurisdiction only. */
  private scoped(actor: Actor, em: EntityManager = this.ds.manager) {
    return em
      .getRepository(CourseEntity)
      .createQueryBuilder('c')
      .where('c.municipality_key LIKE ANY(:prefixes)', { prefixes: jurisdictionPatterns(actor) });
  }

  async get(actor: Actor, id: string): Promise<CourseEntity | null> {
    requireScope(actor, 'courses:read');
    if (!isUuid(id)) return null;
    return this.scoped(actor).andWhere('c.id = :id', { id }).getOne();
  }

  /** Courses of many providers, by start, for the per-request loader. */
  async byProviders(actor: Actor, providerIds: readonly string[]): Promise<CourseEntity[]> {
    requireScope(actor, 'courses:read');
    const ids = providerIds.filter(isUuid);
    if (!ids.length) return [];
    return this.scoped(actor)
      .andWhere('c.provider_id = ANY(:ids)', { ids })
      .orderBy('c.starts_on', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .getMany();
  }

  async list(actor: Actor, args: PageArgs & { filter?: CourseFilter | null }): Promise<Page<CourseEntity>> {
    requireScope(actor, 'courses:read');
    const first = pageSize(args.first);
    const qb = this.scoped(actor);
    const f = args.filter ?? {};
    if (f.kind) qb.andWhere('c.kind = :kind', { kind: f.kind });
    if (f.providerId) {
      if (!isUuid(f.providerId)) throw badInput('providerId is not a valid id', 'providerId');
      qb.andWhere('c.provider_id = :pid', { pid: f.providerId });
    }
    if (f.municipalityKey)
      qb.andWhere('c.municipality_key LIKE :mk', { mk: `${f.municipalityKey.replace(/[%_\\]/g, '')}%` });
    if (f.childcare !== null && f.childcare !== undefined) qb.andWhere('c.childcare = :cc', { cc: f.childcare });
    if (f.startsAfter) qb.andWhere('c.starts_on >= :sa', { sa: toDay(f.startsAfter, 'startsAfter') });
    if (f.status?.length) qb.andWhere('c.status = ANY(:st)', { st: f.status });
    if (f.targetLevel) qb.andWhere('c.target_level = :tl', { tl: f.targetLevel });
    if (f.district) qb.andWhere('c.district = :di', { di: f.district.trim() });
    if (f.womenOnly !== null && f.womenOnly !== undefined) qb.andWhere('c.women_only = :wo', { wo: f.womenOnly });
    if (f.eveningOrShift !== null && f.eveningOrShift !== undefined)
      qb.andWhere('c.evening_or_shift = :es', { es: f.eveningOrShift });
    const totalCount = args.count === false ? null : await qb.clone().getCount();
    if (args.after) {
      const c = decodeAfter(args.after, [dayPart, uuidPart]);
      qb.andWhere('(c.starts_on, c.id) > (:cs::date, :ci::uuid)', { cs: c[0], ci: c[1] });
    }
    const rows = await qb
      .orderBy('c.starts_on', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(first + 1)
      .getMany();
    return toPage(rows, first, args.after, totalCount, (node) => encodeCursor([node.startsOn, node.id]));
  }

  /**
   * Free seats per provider (by partner slug) in courses taking enrolments (open or running) that
   * start on or after `fromDay`, within the actor's jurisdiction: capacity less the seats offered
   * and enrolled, from the enrolments; counts only, no personal data. The hub's receiver pools ask
   * this instead of reading the courses schema themselves (ADR 0007).
   */
  async seatsByProvider(actor: Actor, fromDay: string): Promise<ProviderSeats[]> {
    const rows: Array<{ partner: string; seats: number }> = await this.scoped(actor)
      .innerJoin(CourseProviderEntity, 'p', 'p.id = c.provider_id')
      .select('p.partner_slug', 'partner')
      .addSelect(
        `sum(greatest(0, c.capacity - (SELECT count(*) FROM courses.enrolment e
            WHERE e.course_id = c.id AND e.status IN ('offered','enrolled'))))::int`,
        'seats',
      )
      .andWhere('c.starts_on >= :fromDay', { fromDay: toDay(fromDay, 'fromDay') })
      .andWhere("c.status IN ('open','running')")
      .groupBy('p.partner_slug')
      .getRawMany();
    return rows.map((r) => ({ partner: r.partner, seats: Number(r.seats) }));
  }

  /**
   * The demo data's courses of the past (src/seed/demo-history.ts): checked as `create` checks a
   * new course, stored completed, entered on `createdAt` with its event then. Not part of the API.
   */
  loadHistoric(actor: Actor, input: CreateCourseInput, createdAt: Date): Promise<CourseEntity> {
    return this.create(actor, input, { createdAt });
  }

  async create(actor: Actor, input: CreateCourseInput, history?: { createdAt: Date }): Promise<CourseEntity> {
    requireScope(actor, 'courses:write');
    if (!isUuid(input.providerId)) throw notFound('CourseProvider', input.providerId, 'providerId');
    // Every refused field in one answer; jurisdiction and provider only once the input is sound.
    const check = new InputCheck(this.clock.now());
    const title = text(check, input.title, 'title', 200);
    const schedule = text(check, input.schedule, 'schedule', 200);
    const location = text(check, input.location, 'location', 200);
    const district = text(check, input.district, 'district', 100, true) || null;
    check.require(
      Number.isInteger(input.lessonsPerWeek) && input.lessonsPerWeek >= 1 && input.lessonsPerWeek <= 40,
      'lessonsPerWeek must be between 1 and 40',
      'lessonsPerWeek',
    );
    check.require(
      Number.isInteger(input.capacity) && input.capacity >= 1 && input.capacity <= 100,
      'capacity must be between 1 and 100',
      'capacity',
    );
    const startsOn = check.day(input.startsOn, 'startsOn');
    const endsOn = input.endsOn ? check.day(input.endsOn, 'endsOn') : null;
    if (startsOn && endsOn) check.require(endsOn >= startsOn, 'endsOn lies before startsOn', 'endsOn');
    const childcare = input.childcare ?? input.kind === CourseKind.women_with_childcare;
    if (input.kind === CourseKind.women_with_childcare && !childcare)
      check.refuse('A course for women with childcare must offer childcare', 'childcare');
    check.require(AGS.test(input.municipalityKey), 'municipalityKey must be an eight-digit AGS', 'municipalityKey');
    const weeklySlots = slots(check, input.weeklySlots ?? [], input.lessonsPerWeek);
    const status = input.status ?? CourseStatus.open;
    check.require(
      status !== CourseStatus.completed && status !== CourseStatus.cancelled,
      'A new course is planned, open or running',
      'status',
    );
    // A slot from 17:00 fits people who work days; courses for workers and apprentices are meant to.
    const eveningOrShift =
      input.eveningOrShift ??
      (input.kind === CourseKind.evening_course ||
        input.kind === CourseKind.apprentice_course ||
        weeklySlots.some((x) => x.startsAt >= '17:00'));
    check.done();
    if (!inJurisdiction(actor, input.municipalityKey)) {
      throw new AppError('FORBIDDEN', 'The municipality is outside your jurisdiction', { field: 'municipalityKey' });
    }

    return this.ds.transaction(async (em) => {
      const provider = await em.findOneBy(CourseProviderEntity, { id: input.providerId });
      if (!provider) throw notFound('CourseProvider', input.providerId, 'providerId');
      if (!actor.scopes.includes('*') && provider.partnerSlug !== actor.partner) {
        throw new AppError('FORBIDDEN', 'You may only create courses for your own provider', { field: 'providerId' });
      }
      const course: CourseEntity = {
        id: newId(),
        providerId: provider.id,
        title,
        kind: input.kind,
        targetLevel: input.targetLevel,
        startsOn,
        endsOn,
        schedule,
        lessonsPerWeek: input.lessonsPerWeek,
        capacity: input.capacity,
        childcare,
        location,
        district,
        municipalityKey: input.municipalityKey,
        weeklySlots,
        eveningOrShift,
        womenOnly: input.womenOnly ?? false,
        status: history ? CourseStatus.completed : status,
        createdBy: actor.partner,
        createdAt: history?.createdAt ?? this.clock.now(),
      };
      await em.insert(CourseEntity, course);
      await this.outbox.append(
        em,
        actor,
        {
          type: 'courses.course_created',
          personId: null,
          aggregateType: 'Course',
          aggregateId: course.id,
          payload: { courseId: course.id, providerId: provider.id },
        },
        { occurredAt: course.createdAt },
      );
      return course;
    });
  }
}

/** Trimmed text of 1..max characters (else refused); optional text may be empty (''). */
function text(check: InputCheck, value: string | null | undefined, field: string, max: number, optional = false) {
  const v = value?.trim() ?? '';
  if (!v && optional) return '';
  check.require(v.length > 0 && v.length <= max, `${field} must be 1 to ${max} characters`, field);
  return v;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Weekly slots in weekday and time order; refused unless sound and adding up to lessonsPerWeek. */
function slots(check: InputCheck, input: WeeklySlotInput[], lessonsPerWeek: number): WeeklySlot[] {
  if (!input.length) return [];
  if (!check.require(input.length <= 14, 'weeklySlots holds at most 14 slots', 'weeklySlots')) return [];
  let ok = true;
  for (const slot of input) {
    ok = check.require(TIME.test(slot.startsAt), 'startsAt must be a time like 09:00', 'weeklySlots') && ok;
    ok =
      check.require(
        Number.isInteger(slot.lessons) && slot.lessons >= 1 && slot.lessons <= 10,
        'lessons of a slot must be between 1 and 10',
        'weeklySlots',
      ) && ok;
  }
  if (!ok) return [];
  const sum = input.reduce((n, x) => n + x.lessons, 0);
  check.require(
    sum === lessonsPerWeek,
    `the slots hold ${sum} lessons, lessonsPerWeek says ${lessonsPerWeek}`,
    'weeklySlots',
  );
  return input
    .map((x) => ({ weekday: x.weekday, startsAt: x.startsAt, lessons: x.lessons }))
    .sort((a, b) => WEEKDAYS.indexOf(a.weekday) - WEEKDAYS.indexOf(b.weekday) || (a.startsAt < b.startsAt ? -1 : 1));
}
