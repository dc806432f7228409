/**
 * Course providers and language courses for the demo data, modelled on Rheine's "Sprachoffensive"
 * (2019: 20 courses in parallel, 10–12 participants each, usually 2 × 2 lessons a week, in day-care
 * centres with parallel childcare by the FBS, evening courses for workers) plus BAMF integration,
 * literacy, youth and vocational language courses.
 */
import { addDays, dateBetween, Random, weekday } from './demo-random';

export type CourseKind =
  | 'integration_course'
  | 'language_offensive'
  | 'literacy'
  | 'evening_course'
  | 'women_with_childcare'
  | 'vocational_language'
  | 'youth_course'
  | 'parents_course'
  | 'apprentice_course';
export type CourseLevel = 'A1' | 'A2' | 'B1' | 'B2' | 'C1';

export interface DemoCourseProvider {
  id: string;
  partnerSlug: 'vhs-rheine' | 'fbs-rheine';
  name: string;
  street: string;
  postalCode: string;
  locality: string;
  childcare: boolean;
  bamfApproval: string;
  bamfApprovedUntil: string;
  servedDistricts: string[];
}

export interface DemoCourse {
  id: string;
  providerId: string;
  title: string;
  kind: CourseKind;
  targetLevel: CourseLevel;
  startsOn: string;
  endsOn: string;
  schedule: string;
  lessonsPerWeek: number;
  capacity: number;
  childcare: boolean;
  location: string;
  district: string;
  weeklySlots: Array<{ weekday: string; startsAt: string; lessons: number }>;
  womenOnly: boolean;
  /** Started courses are running (the language offensive admits while running), later ones open. */
  status: 'open' | 'running';
}

/** Weekly slots: days (0 = Monday) and times. Lessons (Unterrichtseinheiten) are 45 minutes. */
interface Slot {
  days: number[];
  schedule: string;
  lessonsPerWeek: number;
}
const MO_FR_MORNING: Slot = { days: [0, 1, 2, 3, 4], schedule: 'Mo–Fr 08:30–11:45', lessonsPerWeek: 20 };
const MO_FR_AFTERNOON: Slot = { days: [0, 1, 2, 3, 4], schedule: 'Mo–Fr 13:00–16:15', lessonsPerWeek: 20 };
const MO_DO_EVENING: Slot = { days: [0, 1, 2, 3], schedule: 'Mo–Do 17:30–20:45', lessonsPerWeek: 16 };
/** Two days a week; usually 2 lessons each (the Sprachoffensive's 2 × 2). */
const twice = (a: number, b: number, from: string, to: string, lessonsPerDay = 2): Slot => {
  const names = ['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So'];
  return { days: [a, b], schedule: `${names[a]}, ${names[b]} ${from}–${to}`, lessonsPerWeek: 2 * lessonsPerDay };
};

interface CourseTemplate {
  provider: 'vhs-rheine' | 'fbs-rheine';
  kind: CourseKind;
  title: string;
  level: CourseLevel;
  location: string;
  district: string;
  slot: Slot;
  /** Length in weeks. */
  weeks: number;
  capacity: [number, number];
  childcare: boolean;
}

const VHS_HOUSE = 'VHS-Haus, Matthiasstraße';
const FBS_HOUSE = 'FBS, Mühlenstraße';

const TEMPLATES: CourseTemplate[] = [
  {
    provider: 'vhs-rheine',
    kind: 'integration_course',
    title: 'Integrationskurs (allgemein)',
    level: 'B1',
    location: VHS_HOUSE,
    district: 'Innenstadt',
    slot: MO_FR_MORNING,
    weeks: 36,
    capacity: [14, 16],
    childcare: false,
  },
  {
    provider: 'vhs-rheine',
    kind: 'integration_course',
    title: 'Integrationskurs (allgemein), Nachmittag',
    level: 'B1',
    location: VHS_HOUSE,
    district: 'Innenstadt',
    slot: MO_FR_AFTERNOON,
    weeks: 36,
    capacity: [14, 16],
    childcare: false,
  },
  {
    provider: 'fbs-rheine',
    kind: 'integration_course',
    title: 'Eltern- und Frauenintegrationskurs mit Kinderbetreuung',
    level: 'B1',
    location: FBS_HOUSE,
    district: 'Innenstadt',
    slot: MO_FR_MORNING,
    weeks: 48,
    capacity: [12, 15],
    childcare: true,
  },
  {
    provider: 'vhs-rheine',
    kind: 'literacy',
    title: 'Integrationskurs mit Alphabetisierung',
    level: 'A2',
    location: VHS_HOUSE,
    district: 'Innenstadt',
    slot: MO_FR_MORNING,
    weeks: 56,
    capacity: [10, 12],
    childcare: false,
  },
  {
    provider: 'fbs-rheine',
    kind: 'literacy',
    title: 'Lesen und Schreiben lernen – Alphakurs für Frauen',
    level: 'A1',
    location: 'Stadtteilbüro Dorenkamp',
    district: 'Dorenkamp',
    slot: twice(0, 2, '09:00', '10:30'),
    weeks: 20,
    capacity: [10, 12],
    childcare: true,
  },
  {
    provider: 'vhs-rheine',
    kind: 'youth_course',
    title: 'Jugendintegrationskurs',
    level: 'B1',
    location: VHS_HOUSE,
    district: 'Innenstadt',
    slot: MO_FR_MORNING,
    weeks: 50,
    capacity: [12, 16],
    childcare: false,
  },
  {
    provider: 'vhs-rheine',
    kind: 'vocational_language',
    title: 'Berufssprachkurs (Basismodul)',
    level: 'B2',
    location: VHS_HOUSE,
    district: 'Innenstadt',
    slot: MO_DO_EVENING,
    weeks: 28,
    capacity: [12, 16],
    childcare: false,
  },
  {
    provider: 'vhs-rheine',
    kind: 'vocational_language',
    title: 'Deutsch für Pflege- und Gesundheitsberufe',
    level: 'B2',
    location: VHS_HOUSE,
    district: 'Innenstadt',
    slot: twice(1, 3, '17:30', '20:45', 4),
    weeks: 24,
    capacity: [10, 14],
    childcare: false,
  },
  {
    provider: 'vhs-rheine',
    kind: 'evening_course',
    title: 'Deutsch am Abend für Berufstätige',
    level: 'A2',
    location: VHS_HOUSE,
    district: 'Innenstadt',
    slot: twice(1, 3, '18:30', '20:00'),
    weeks: 14,
    capacity: [10, 14],
    childcare: false,
  },
  {
    provider: 'vhs-rheine',
    kind: 'evening_course',
    title: 'Deutsch am Abend für Schichtarbeiter(innen)',
    level: 'A1',
    location: 'Stadtteilbüro Schotthock',
    district: 'Schotthock',
    slot: twice(0, 2, '19:00', '20:30'),
    weeks: 14,
    capacity: [10, 12],
    childcare: false,
  },
  {
    provider: 'vhs-rheine',
    kind: 'apprentice_course',
    title: 'Deutsch für Auszubildende',
    level: 'B1',
    location: 'Stadtteilbüro Eschendorf',
    district: 'Eschendorf',
    slot: twice(1, 3, '17:00', '18:30'),
    weeks: 16,
    capacity: [10, 12],
    childcare: false,
  },
  {
    provider: 'fbs-rheine',
    kind: 'women_with_childcare',
    title: 'Deutsch für Frauen mit Kinderbetreuung',
    level: 'A1',
    location: 'Kita St. Antonius, Dorenkamp',
    district: 'Dorenkamp',
    slot: twice(1, 3, '09:00', '10:30'),
    weeks: 16,
    capacity: [10, 12],
    childcare: true,
  },
  {
    provider: 'fbs-rheine',
    kind: 'women_with_childcare',
    title: 'Deutsch für Mütter mit Kinderbetreuung',
    level: 'A2',
    location: 'Familienzentrum Schotthock',
    district: 'Schotthock',
    slot: twice(0, 3, '08:45', '10:15'),
    weeks: 16,
    capacity: [10, 12],
    childcare: true,
  },
  {
    provider: 'fbs-rheine',
    kind: 'women_with_childcare',
    title: 'Deutsch für Frauen mit Kinderbetreuung',
    level: 'A1',
    location: 'Kita St. Josef, Mesum',
    district: 'Mesum',
    slot: twice(1, 4, '09:00', '10:30'),
    weeks: 16,
    capacity: [10, 12],
    childcare: true,
  },
  {
    provider: 'fbs-rheine',
    kind: 'women_with_childcare',
    title: 'Frauentreff Deutsch – Sprechen im Alltag',
    level: 'A2',
    location: 'Kita St. Ludgerus, Eschendorf',
    district: 'Eschendorf',
    slot: twice(0, 2, '09:00', '10:30'),
    weeks: 16,
    capacity: [10, 12],
    childcare: true,
  },
  {
    provider: 'vhs-rheine',
    kind: 'language_offensive',
    title: 'Deutsch lernen in Rheine – Einstieg',
    level: 'A1',
    location: 'Stadtteilbüro Dorenkamp',
    district: 'Dorenkamp',
    slot: twice(0, 2, '10:45', '12:15'),
    weeks: 16,
    capacity: [10, 12],
    childcare: false,
  },
  {
    provider: 'fbs-rheine',
    kind: 'language_offensive',
    title: 'Deutsch lernen in Rheine – Eltern und Kinder',
    level: 'A1',
    location: 'Kita Kinderland Nienbergstraße, Dutum',
    district: 'Dutum',
    slot: twice(1, 3, '14:30', '16:00'),
    weeks: 16,
    capacity: [10, 12],
    childcare: true,
  },
  {
    provider: 'vhs-rheine',
    kind: 'language_offensive',
    title: 'Deutsch lernen in Rheine – Aufbau',
    level: 'A2',
    location: 'Pfarrheim Hauenhorst',
    district: 'Hauenhorst',
    slot: twice(0, 3, '18:00', '19:30'),
    weeks: 16,
    capacity: [10, 12],
    childcare: false,
  },
  {
    provider: 'fbs-rheine',
    kind: 'language_offensive',
    title: 'Deutsch lernen in Rheine – Konversation',
    level: 'B1',
    location: 'Begegnungszentrum Gellendorf',
    district: 'Gellendorf',
    slot: twice(1, 3, '09:30', '11:00'),
    weeks: 14,
    capacity: [10, 12],
    childcare: true,
  },
  {
    provider: 'vhs-rheine',
    kind: 'language_offensive',
    title: 'Deutsch lernen in Rheine – Einstieg',
    level: 'A1',
    location: 'Jugendzentrum Altenrheine',
    district: 'Altenrheine',
    slot: twice(2, 4, '16:30', '18:00'),
    weeks: 16,
    capacity: [10, 12],
    childcare: false,
  },
];

const DISTRICTS = [
  'Innenstadt',
  'Dorenkamp',
  'Schotthock',
  'Eschendorf',
  'Dutum',
  'Altenrheine',
  'Gellendorf',
  'Hauenhorst',
  'Mesum',
];

const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** The slot's days as weekly slots: the start time from its schedule, its lessons spread evenly. */
function weeklySlots(slot: Slot): DemoCourse['weeklySlots'] {
  const startsAt = /\d{2}:\d{2}/.exec(slot.schedule)![0];
  const lessons = slot.lessonsPerWeek / slot.days.length;
  return slot.days.map((d) => ({ weekday: WEEKDAY_CODES[d], startsAt, lessons }));
}

/** The first day on or after `from` that is one of `days`. */
function nextSlotDay(from: string, days: number[]): string {
  let d = from;
  while (!days.includes(weekday(d))) d = addDays(d, 1);
  return d;
}

/** The last day on or before `to` that is one of `days`. */
function previousSlotDay(to: string, days: number[]): string {
  let d = to;
  while (!days.includes(weekday(d))) d = addDays(d, -1);
  return d;
}

export function generateProviders(newId: () => string): DemoCourseProvider[] {
  return [
    {
      id: newId(),
      partnerSlug: 'vhs-rheine',
      name: 'Volkshochschule Rheine',
      street: 'Matthiasstraße 37',
      postalCode: '48431',
      locality: 'Rheine',
      childcare: false,
      // Illustrative approval numbers, not real ones.
      bamfApproval: 'IK-5566-0101',
      bamfApprovedUntil: '2029-12-31',
      servedDistricts: [...DISTRICTS],
    },
    {
      id: newId(),
      partnerSlug: 'fbs-rheine',
      name: 'Familienbildungsstätte Rheine',
      street: 'Mühlenstraße 29',
      postalCode: '48431',
      locality: 'Rheine',
      childcare: true,
      bamfApproval: 'IK-5566-0207',
      bamfApprovedUntil: '2028-06-30',
      servedDistricts: ['Innenstadt', 'Dorenkamp', 'Schotthock', 'Eschendorf', 'Dutum'],
    },
  ];
}

/**
 * About 20 courses around `today`: most have started in the last months, some start in the next
 * weeks. Start and end fall on a scheduled weekday.
 */
export function generateCourses(
  rng: Random,
  newId: () => string,
  providers: DemoCourseProvider[],
  today: string,
): DemoCourse[] {
  const providerId = (slug: string) => providers.find((p) => p.partnerSlug === slug)!.id;
  return TEMPLATES.map((t) => {
    // Long courses may have started up to ~5 months ago, short ones up to ~2 months ago.
    const back = Math.min(t.weeks * 7 - 14, t.weeks >= 30 ? 150 : 60);
    const startsOn = nextSlotDay(dateBetween(rng, addDays(today, -back), addDays(today, 42)), t.slot.days);
    const endsOn = previousSlotDay(addDays(startsOn, t.weeks * 7 - 1), t.slot.days);
    return {
      id: newId(),
      providerId: providerId(t.provider),
      title: `${t.title} ${t.level}`,
      kind: t.kind,
      targetLevel: t.level,
      startsOn,
      endsOn,
      schedule: t.slot.schedule,
      lessonsPerWeek: t.slot.lessonsPerWeek,
      capacity: rng.int(t.capacity[0], t.capacity[1]),
      childcare: t.childcare,
      location: t.location,
      district: t.district,
      weeklySlots: weeklySlots(t.slot),
      womenOnly: t.kind === 'women_with_childcare' || t.title.includes('für Frauen'),
      status: startsOn > today ? 'open' : 'running',
    };
  });
}
