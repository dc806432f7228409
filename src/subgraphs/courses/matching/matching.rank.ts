/**
 * Course matching as a pure function: the same courses, needs and day give the same ranking, with
 * every point explained by a reason. No database, no clock: the service gathers the inputs.
 */

export type ReasonCode =
  | 'level'
  | 'literacy'
  | 'childcare'
  | 'evening_or_shift'
  | 'women_only'
  | 'parallel_integration_course'
  | 'district'
  | 'nearby_district'
  | 'served_district'
  | 'same_municipality'
  | 'starts_soon'
  | 'seats_free'
  | 'short_waitlist';

export interface Reason {
  code: ReasonCode;
  /** German, for city staff. */
  text: string;
}

export interface RankSlot {
  weekday: string;
  startsAt: string;
  lessons: number;
}

/** What ranking reads of a course (a CourseEntity fits). */
export interface RankCourse {
  id: string;
  kind: string;
  targetLevel: string;
  startsOn: string;
  endsOn: string | null;
  status: string;
  childcare: boolean;
  district: string | null;
  municipalityKey: string;
  weeklySlots: RankSlot[];
  eveningOrShift: boolean;
  womenOnly: boolean;
}

export interface RankCandidate<C extends RankCourse = RankCourse> {
  course: C;
  /** Districts the course's provider serves. */
  servedDistricts: string[];
  seatsFree: number;
  waitlistLength: number;
}

export interface RankNeeds {
  /** The level the course should lead to. */
  level?: string | null;
  childcare?: boolean | null;
  eveningOrShift?: boolean | null;
  womenOnly?: boolean | null;
  literacy?: boolean | null;
  district?: string | null;
  /** Latest start wanted (YYYY-MM-DD); default STARTS_SOON_DAYS after today. */
  startBy?: string | null;
  parallelIntegrationCourse?: boolean | null;
  /** Courses without a free seat count while their waitlist is at most this long. */
  maxWaitlist: number;
}

/** What ranking may know of the person: sex only where the caller may see identity data. */
export interface RankPerson {
  sex: string | null;
  municipalityKey: string | null;
}

export interface Ranked<C extends RankCourse = RankCourse> {
  course: C;
  score: number;
  matched: Reason[];
  missing: Reason[];
  seatsFree: number;
  waitlistLength: number;
}

/** Points for a matched reason and the penalty for a missing one (docs/courses.md shows this table). */
export const WEIGHTS: Record<ReasonCode, { matched: number; missing: number }> = {
  literacy: { matched: 40, missing: 20 },
  level: { matched: 30, missing: 10 },
  childcare: { matched: 30, missing: 20 },
  evening_or_shift: { matched: 30, missing: 20 },
  parallel_integration_course: { matched: 20, missing: 10 },
  district: { matched: 20, missing: 0 },
  women_only: { matched: 15, missing: 10 },
  nearby_district: { matched: 12, missing: 0 },
  served_district: { matched: 6, missing: 0 },
  same_municipality: { matched: 3, missing: 0 },
  starts_soon: { matched: 10, missing: 10 },
  seats_free: { matched: 10, missing: 0 },
  short_waitlist: { matched: 3, missing: 0 },
};

/** A level two or more steps from the wanted one costs three times the one-step penalty. */
export const FAR_LEVEL_FACTOR = 3;
export const STARTS_SOON_DAYS = 28;
const LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1'];

/**
 * Rheine's districts and their neighbours, for "nearby": illustrative, drawn from the map, not an
 * official register. Unknown districts have no neighbours (then the provider's served districts
 * and the municipality decide).
 */
export const NEIGHBOURS: Record<string, string[]> = {
  Innenstadt: ['Dorenkamp', 'Schotthock', 'Eschendorf', 'Dutum'],
  Dorenkamp: ['Innenstadt', 'Schotthock', 'Hauenhorst'],
  Schotthock: ['Innenstadt', 'Dorenkamp', 'Altenrheine'],
  Eschendorf: ['Innenstadt', 'Dutum', 'Hauenhorst'],
  Dutum: ['Innenstadt', 'Eschendorf', 'Gellendorf'],
  Altenrheine: ['Schotthock', 'Gellendorf'],
  Gellendorf: ['Dutum', 'Altenrheine'],
  Hauenhorst: ['Dorenkamp', 'Eschendorf', 'Mesum'],
  Mesum: ['Hauenhorst'],
};

/** The hours of a Mo–Fr morning integration course (typically 08:30–11:45), rounded outwards. */
const MORNING = { from: 8 * 60, to: 12 * 60 };
const WORKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR'];
const LESSON_MINUTES = 45;
/** Kinds that are integration courses themselves: nobody attends two in parallel. */
const INTEGRATION_KINDS = ['integration_course', 'youth_course'];

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a slot overlaps a Mo–Fr morning. */
export function collidesWithMorning(slot: RankSlot): boolean {
  if (!WORKDAYS.includes(slot.weekday)) return false;
  const start = minutes(slot.startsAt);
  const end = start + slot.lessons * LESSON_MINUTES;
  return start < MORNING.to && end > MORNING.from;
}

const germanDay = (day: string) => `${day.slice(8, 10)}.${day.slice(5, 7)}.${day.slice(0, 4)}`;

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * Why a course cannot be offered to this person at all (null: it can). Hard limits only: what a
 * person could still decide about stays in the ranking as a missing reason.
 */
export function excluded(c: RankCandidate, needs: RankNeeds, person: RankPerson, today: string): string | null {
  const course = c.course;
  if (course.status !== 'open' && course.status !== 'running') return 'status';
  if (course.endsOn !== null && course.endsOn <= today) return 'ended';
  if (c.seatsFree <= 0 && c.waitlistLength > needs.maxWaitlist) return 'waitlist';
  if (course.womenOnly && person.sex === 'male') return 'women_only';
  if (needs.parallelIntegrationCourse) {
    if (INTEGRATION_KINDS.includes(course.kind)) return 'integration_course';
    if (course.weeklySlots.some(collidesWithMorning)) return 'morning';
  }
  return null;
}

/** The reasons a course matches and misses the needs, and its score. */
export function assess<C extends RankCourse>(
  c: RankCandidate<C>,
  needs: RankNeeds,
  person: RankPerson,
  today: string,
): Ranked<C> {
  const course = c.course;
  const matched: Reason[] = [];
  const missing: Reason[] = [];
  let score = 0;
  const hit = (code: ReasonCode, text: string) => {
    matched.push({ code, text });
    score += WEIGHTS[code].matched;
  };
  const miss = (code: ReasonCode, text: string, factor = 1) => {
    missing.push({ code, text });
    score -= WEIGHTS[code].missing * factor;
  };

  if (needs.literacy) {
    if (course.kind === 'literacy') hit('literacy', 'Alphabetisierungskurs');
    else miss('literacy', 'Kein Alphabetisierungskurs');
  } else if (course.kind === 'literacy') {
    miss('literacy', 'Alphabetisierungskurs, ohne Bedarf');
  }

  if (needs.level) {
    const gap = Math.abs(LEVELS.indexOf(course.targetLevel) - LEVELS.indexOf(needs.level));
    if (gap === 0) hit('level', `Kursziel ${course.targetLevel} passt`);
    else miss('level', `Kursziel ${course.targetLevel} statt ${needs.level}`, gap > 1 ? FAR_LEVEL_FACTOR : 1);
  }

  if (needs.childcare) {
    if (course.childcare) hit('childcare', 'Kinderbetreuung vorhanden');
    else miss('childcare', 'Keine Kinderbetreuung');
  }

  if (needs.eveningOrShift) {
    if (course.eveningOrShift) hit('evening_or_shift', 'Abends oder schichtverträglich');
    else miss('evening_or_shift', 'Nicht abends oder schichtverträglich');
  }

  if (needs.womenOnly) {
    if (course.womenOnly) hit('women_only', 'Kurs nur für Frauen');
    else miss('women_only', 'Kein reiner Frauenkurs');
  } else if (course.womenOnly && person.sex !== 'female') {
    // A man is excluded beforehand; otherwise the caller may not know or see the sex.
    miss('women_only', 'Kurs nur für Frauen: Teilnahme prüfen');
  }

  if (needs.parallelIntegrationCourse) {
    // Collisions are excluded beforehand; a course without slots cannot be checked.
    if (course.weeklySlots.length)
      hit('parallel_integration_course', 'Neben einem Integrationskurs am Vormittag möglich');
    else miss('parallel_integration_course', 'Kurszeiten nicht hinterlegt: Überschneidung prüfen');
  }

  const district = needs.district?.trim() || null;
  if (district) {
    if (course.district === district) hit('district', `Im eigenen Stadtteil (${district})`);
    else if (course.district && (NEIGHBOURS[district] ?? []).includes(course.district))
      hit('nearby_district', `Im Nachbarstadtteil ${course.district}`);
    else if (c.servedDistricts.includes(district)) hit('served_district', `Träger ist im Stadtteil ${district} tätig`);
    else if (person.municipalityKey === course.municipalityKey) hit('same_municipality', 'In der eigenen Stadt');
    else miss('district', course.district ? `Weiter entfernt (${course.district})` : 'Weiter entfernt');
  } else if (person.municipalityKey) {
    if (person.municipalityKey === course.municipalityKey) hit('same_municipality', 'In der eigenen Stadt');
    else miss('same_municipality', 'In einer anderen Stadt');
  }

  const startBy = needs.startBy ?? addDays(today, STARTS_SOON_DAYS);
  if (course.startsOn <= today) hit('starts_soon', 'Läuft bereits, Einstieg möglich');
  else if (course.startsOn <= startBy) hit('starts_soon', `Beginnt am ${germanDay(course.startsOn)}`);
  else miss('starts_soon', `Beginnt erst am ${germanDay(course.startsOn)}`);

  if (c.seatsFree > 0) hit('seats_free', c.seatsFree === 1 ? '1 Platz frei' : `${c.seatsFree} Plätze frei`);
  else {
    miss('seats_free', 'Keine freien Plätze');
    hit('short_waitlist', `Warteliste mit ${c.waitlistLength} ${c.waitlistLength === 1 ? 'Person' : 'Personen'}`);
  }

  return { course, score, matched, missing, seatsFree: c.seatsFree, waitlistLength: c.waitlistLength };
}

/** The courses the person can attend, best first; ties by shorter waitlist, start date, then id (deterministic). */
export function rankCourses<C extends RankCourse>(
  candidates: ReadonlyArray<RankCandidate<C>>,
  needs: RankNeeds,
  person: RankPerson,
  today: string,
): Ranked<C>[] {
  return candidates
    .filter((c) => excluded(c, needs, person, today) === null)
    .map((c) => assess(c, needs, person, today))
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.waitlistLength - b.waitlistLength ||
        (a.course.startsOn < b.course.startsOn ? -1 : a.course.startsOn > b.course.startsOn ? 1 : 0) ||
        (a.course.id < b.course.id ? -1 : a.course.id > b.course.id ? 1 : 0),
    );
}
