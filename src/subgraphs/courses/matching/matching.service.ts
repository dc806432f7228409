import { Actor } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { isUuid } from '../../../shared/ids';
import type { PersonDirectory } from '../../../shared/person-directory';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import type { KnownPersons, RequestPolicy } from '../../../policy/policy.service';
import { InputCheck } from '../../shared/validation';
import { CourseEntity } from '../course/course.entity';
import { CourseService } from '../course/course.service';
import { CourseStatus } from '../course/course.types';
import { CourseProviderService } from '../provider/provider.service';
import { Ranked, rankCourses, RankNeeds, RankPerson } from './matching.rank';
import { CourseNeedsInput } from './matching.types';

/** Seats taken and the waitlist per course id; a course left out has none of either. */
export type SeatCounter = (
  actor: Actor,
  courseIds: readonly string[],
) => Promise<Map<string, { taken: number; waitlist: number }>>;

/** Until enrolments are recorded the full capacity counts: nothing is taken, nobody waits. */
export const capacityOnly: SeatCounter = async () => new Map();

export const MATCH_FIELD = 'Query.courseMatches';
const DEFAULT_FIRST = 10;
const MAX_FIRST = 50;
const DEFAULT_MAX_WAITLIST = 5;
/** Courses read per page while gathering candidates. */
const PAGE = 100;
/** More open courses than this in one jurisdiction would be a sign of bad data: stop reading. */
const MAX_CANDIDATES = 2000;

export interface MatchingDeps {
  courses: CourseService;
  providers: CourseProviderService;
  clock: Clock;
  /** Whether a person exists in the actor's jurisdiction (the policy decision point). */
  known: KnownPersons;
  /** The city's persons (sex, district, municipality); absent, matching uses the needs only. */
  persons?: Pick<PersonDirectory, 'get'>;
  seats?: SeatCounter;
}

/**
 * Ranks the open courses of the actor's jurisdiction for one person's needs. It reads course
 * data; the person id alone is personal, so the caller needs a basis for the person's course
 * participation or identity data, and the query is recorded for the audit log.
 */
export class MatchingService {
  private readonly seats: SeatCounter;

  constructor(private readonly deps: MatchingDeps) {
    this.seats = deps.seats ?? capacityOnly;
  }

  async match(
    actor: Actor,
    policy: RequestPolicy,
    personId: string,
    needsInput: CourseNeedsInput,
    first?: number | null,
  ): Promise<Array<Ranked<CourseEntity>>> {
    requireScope(actor, 'courses:read');
    const today = isoDay(this.deps.clock.now());
    const check = new InputCheck(this.deps.clock.now());
    const limit = first ?? DEFAULT_FIRST;
    check.require(
      Number.isInteger(limit) && limit >= 1 && limit <= MAX_FIRST,
      `first must be between 1 and ${MAX_FIRST}`,
      'first',
    );
    const maxWaitlist = needsInput.maxWaitlist ?? DEFAULT_MAX_WAITLIST;
    check.require(
      Number.isInteger(maxWaitlist) && maxWaitlist >= 0 && maxWaitlist <= 100,
      'maxWaitlist must be between 0 and 100',
      'needs.maxWaitlist',
    );
    const district = needsInput.district?.trim() || null;
    if (district) check.require(district.length <= 100, 'district must be at most 100 characters', 'needs.district');
    const startBy = needsInput.startBy ? check.day(needsInput.startBy, 'needs.startBy') : null;
    if (startBy) check.require(startBy >= today, 'startBy lies in the past', 'needs.startBy');
    check.done();

    if (!isUuid(personId) || !(await this.deps.known.knowsPerson(actor, personId)))
      throw notFound('Person', personId, 'personId');
    const [participation, identity] = await Promise.all([
      policy.decide(personId, 'course_participation'),
      policy.decide(personId, 'identity'),
    ]);
    if (!participation.allowed && !identity.allowed) {
      policy.record({
        kind: 'denied',
        personId,
        category: 'course_participation',
        field: MATCH_FIELD,
        basis: null,
      });
      throw new AppError(
        'FORBIDDEN',
        actor.purpose
          ? `No legal basis or consent for course_participation or identity data for the purpose ${actor.purpose}`
          : 'State a purpose (Lotse-Purpose header) to match courses for a person',
        { category: 'course_participation', purpose: actor.purpose, field: 'personId' },
      );
    }
    // The query reads course data; what it is about (the person) is recorded per category used.
    if (participation.allowed)
      policy.record({
        kind: 'read',
        personId,
        category: 'course_participation',
        field: MATCH_FIELD,
        basis: participation.basis,
      });
    // Sex and district are identity data: read only where the caller may see them.
    const person: RankPerson = { sex: null, municipalityKey: null };
    let personDistrict: string | null = null;
    if (identity.allowed) {
      policy.record({ kind: 'read', personId, category: 'identity', field: MATCH_FIELD, basis: identity.basis });
      const p = await this.deps.persons?.get(personId);
      if (p) {
        person.sex = p.sex;
        person.municipalityKey = p.municipalityKey;
        personDistrict = p.district;
      }
    }

    const needs: RankNeeds = {
      level: needsInput.level ?? null,
      childcare: needsInput.childcare ?? null,
      eveningOrShift: needsInput.eveningOrShift ?? null,
      womenOnly: needsInput.womenOnly ?? null,
      literacy: needsInput.literacy ?? null,
      district: district ?? personDistrict,
      startBy,
      parallelIntegrationCourse: needsInput.parallelIntegrationCourse ?? null,
      maxWaitlist,
    };
    const courses = (await this.openCourses(actor)).filter((c) => c.endsOn === null || c.endsOn > today);
    const [providers, counts] = await Promise.all([
      this.deps.providers.byIds(actor, [...new Set(courses.map((c) => c.providerId))]),
      this.seats(
        actor,
        courses.map((c) => c.id),
      ),
    ]);
    const served = new Map(providers.map((p) => [p.id, p.servedDistricts]));
    const candidates = courses.map((course) => {
      const n = counts.get(course.id) ?? { taken: 0, waitlist: 0 };
      return {
        course,
        servedDistricts: served.get(course.providerId) ?? [],
        seatsFree: Math.max(0, course.capacity - n.taken),
        waitlistLength: n.waitlist,
      };
    });
    return rankCourses(candidates, needs, person, today).slice(0, limit);
  }

  /** Open and running courses of the actor's jurisdiction, through the course service's own scoping. */
  private async openCourses(actor: Actor): Promise<CourseEntity[]> {
    const out: CourseEntity[] = [];
    let after: string | undefined;
    do {
      const page = await this.deps.courses.list(actor, {
        first: PAGE,
        after,
        count: false,
        filter: { status: [CourseStatus.open, CourseStatus.running] },
      });
      out.push(...page.edges.map((e) => e.node));
      after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? undefined) : undefined;
    } while (after && out.length < MAX_CANDIDATES);
    return out;
  }
}
