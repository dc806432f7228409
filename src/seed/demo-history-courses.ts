import type { Actor } from '../shared/actor';
import type { CourseService } from '../subgraphs/courses/course/course.service';
import { CefrLevel, CourseKind, CreateCourseInput, Weekday } from '../subgraphs/courses/course/course.types';
import type { EnrolmentService } from '../subgraphs/courses/enrolment/enrolment.service';
import type { HistoricEnrolment } from '../subgraphs/courses/enrolment/enrolment.historic';
import { generateDemoData } from './demo-data';
import { addDays, ageOn, Random } from './demo-random';
import type { DemoPerson } from './demo-types';

const RHEINE = '05566076';
/** The pilot's last year. */
export const PILOT_YEAR = '2019';
/** Its own seed: the history never changes what was drawn before it. */
const HISTORY_SEED = 2019_16;

/** A course of the 2019 language offensive, as entered then. */
export interface HistoricCourse {
  provider: 'vhs-rheine' | 'fbs-rheine';
  input: Omit<CreateCourseInput, 'providerId'>;
  createdAt: Date;
  evening: boolean;
}

/** Where the language offensive met in 2019: day-care centres (with childcare), district offices, schools. */
const PLACES: Array<[string, string, boolean]> = [
  ['Kita Dorenkamp', 'Dorenkamp', true],
  ['Stadtteilbüro Dorenkamp', 'Dorenkamp', false],
  ['Familienzentrum Eschendorf', 'Eschendorf', true],
  ['Grundschule Eschendorf', 'Eschendorf', false],
  ['Kita St. Elisabeth, Schotthock', 'Schotthock', true],
  ['Stadtteilbüro Schotthock', 'Schotthock', false],
  ['Kita Kinderland, Dutum', 'Dutum', true],
  ['Pfarrheim Hauenhorst', 'Hauenhorst', false],
  ['Familienzentrum Gellendorf', 'Gellendorf', true],
  ['Bürgerhaus Mesum', 'Mesum', false],
];

/**
 * The language offensive of 2019 (the pilot's last year): 20 courses running in parallel from
 * January/February to November/December, 2 × 2 lessons a week, in day-care centres with childcare
 * (the family education centre's), district offices and schools, two of them in the evening for
 * workers and apprentices. Deterministic: by position.
 */
export function planHistoricCourses(): HistoricCourse[] {
  const courses: HistoricCourse[] = [];
  for (let i = 0; i < 20; i++) {
    const [location, district, daycare] = PLACES[i % PLACES.length];
    const evening = i === 3 || i === 13;
    const childcare = daycare && !evening;
    const startsOn = addDays(`${PILOT_YEAR}-01-14`, 7 * (i % 6) + (i % 3));
    const endsOn = addDays(`${PILOT_YEAR}-11-15`, 5 * (i % 6));
    const days: Weekday[] = i % 2 ? [Weekday.TU, Weekday.TH] : [Weekday.MO, Weekday.WE];
    const startsAt = evening ? '18:00' : childcare ? '09:00' : '10:45';
    const level = [CefrLevel.A1, CefrLevel.A1, CefrLevel.A2, CefrLevel.B1][i % 4];
    courses.push({
      provider: childcare ? 'fbs-rheine' : 'vhs-rheine',
      evening,
      createdAt: new Date(`${addDays(startsOn, -28)}T09:00:00.000Z`),
      input: {
        title: `Sprachoffensive ${PILOT_YEAR}: Deutsch im Stadtteil – ${location} (${level})`,
        kind: CourseKind.language_offensive,
        targetLevel: level,
        startsOn,
        endsOn,
        schedule: `${days.join('/')} ${startsAt}, 2 × 2 Unterrichtsstunden`,
        lessonsPerWeek: 4,
        capacity: 12,
        childcare,
        location,
        district,
        municipalityKey: RHEINE,
        weeklySlots: days.map((weekday) => ({ weekday, startsAt, lessons: 2 })),
        womenOnly: false,
      },
    });
  }
  return courses;
}

/**
 * Participants of 2019 who have left Rheine since (they are kept as persons in Münster): the demo
 * persons alone are too few for 2019, as most of them came later. Drawn as a 2019 population by
 * the demo generator with its own seed; adults only, their names and birth data only.
 */
export function formerParticipants(): DemoPerson[] {
  return generateDemoData({ seed: HISTORY_SEED, persons: 400, today: `${PILOT_YEAR}-01-10` }).persons.filter(
    (p) =>
      p.municipalityKey === RHEINE &&
      ageOn(p.birthDate, `${PILOT_YEAR}-06-01`) >= 18 &&
      ageOn(p.birthDate, `${PILOT_YEAR}-06-01`) <= 60,
  );
}

/** The seats of 2019, in course order: each course's participants and their facts as the providers recorded them. */
export function planHistoricEnrolments(
  persons: DemoPerson[],
  former: DemoPerson[],
  courses: HistoricCourse[],
): Array<Omit<HistoricEnrolment, 'courseId'> & { course: number }> {
  const rng = new Random(HISTORY_SEED);
  const sizes = courses.map(() => rng.int(10, 12));
  const total = sizes.reduce((s, n) => s + n, 0);
  const women = Math.round(total * 0.65);
  // In Rheine before the courses began, of course age; then the former residents.
  const here = persons.filter(
    (p) =>
      p.municipalityKey === RHEINE &&
      p.registeredAt < `${PILOT_YEAR}-01-10` &&
      ageOn(p.birthDate, `${PILOT_YEAR}-06-01`) >= 16 &&
      ageOn(p.birthDate, `${PILOT_YEAR}-06-01`) <= 64,
  );
  const pick = (sex: 'female' | 'male', n: number) =>
    [...here.filter((p) => p.sex === sex), ...former.filter((p) => p.sex === sex)].slice(0, n);
  const w = pick('female', women);
  const m = pick('male', total - women);
  // Day-care centres' courses fill with mothers first; the others mix.
  const daycareSeats = courses.reduce((s, c, i) => s + (c.input.childcare ? sizes[i] : 0), 0);
  const mixed = rng.shuffle([...w.slice(Math.min(daycareSeats, w.length - 40)), ...m]);
  const queue = [...w.slice(0, Math.min(daycareSeats, w.length - 40)), ...mixed];
  const plan: Array<Omit<HistoricEnrolment, 'courseId'> & { course: number }> = [];
  const order = courses
    .map((c, i) => i)
    .sort((a, b) => Number(courses[b].input.childcare) - Number(courses[a].input.childcare));
  for (const i of order) {
    const c = courses[i];
    for (let k = 0; k < sizes[i]; k++) {
      const p = queue.shift();
      if (!p) break;
      const dropped = rng.chance(0.12);
      const enrolledOn = addDays(c.input.startsOn as string, -rng.int(3, 20));
      const endedOn = dropped ? addDays(c.input.startsOn as string, rng.int(40, 200)) : (c.input.endsOn as string);
      plan.push({
        course: i,
        personId: p.id,
        enrolledAt: new Date(`${enrolledOn}T10:00:00.000Z`),
        endedAt: new Date(`${endedOn}T16:00:00.000Z`),
        status: dropped ? 'dropped' : 'completed',
        endReason: dropped ? rng.pick(['client_withdrew', 'moved_away', 'repeated_absence'] as const) : 'finished',
        usesChildcare: c.input.childcare ? rng.chance(0.68) : false,
        shiftWorker: c.evening ? rng.chance(0.5) : rng.chance(0.13),
        apprentice: c.evening ? rng.chance(0.4) : false,
        eveningParticipant: c.evening,
        parallelIntegrationCourse: rng.chance(0.1),
      });
    }
  }
  return plan;
}

/**
 * Loads the 2019 language offensive: the former participants (registered in Rheine, moved to
 * Münster since), the courses as their providers entered them, the enrolments as they ran.
 */
export async function seedHistoricCourses(
  deps: {
    courses: CourseService;
    enrolments: EnrolmentService;
    providerIds: Map<string, string>;
    registerFormer: (p: DemoPerson) => Promise<void>;
  },
  persons: DemoPerson[],
  actorFor: (partner: string) => Actor,
): Promise<{ courses: number; enrolments: number; formerParticipants: number }> {
  const courses = planHistoricCourses();
  const former = formerParticipants();
  const plan = planHistoricEnrolments(persons, former, courses);
  const used = new Set(plan.map((e) => e.personId));
  const formerUsed = former.filter((p) => used.has(p.id));
  for (const p of formerUsed) await deps.registerFormer(p);
  const ids: string[] = [];
  for (const c of courses) {
    const row = await deps.courses.loadHistoric(
      actorFor(c.provider),
      { ...c.input, providerId: deps.providerIds.get(c.provider)! },
      c.createdAt,
    );
    ids.push(row.id);
  }
  for (const { course, ...e } of plan)
    await deps.enrolments.loadHistoric(actorFor(courses[course].provider), { ...e, courseId: ids[course] });
  return { courses: courses.length, enrolments: plan.length, formerParticipants: formerUsed.length };
}
