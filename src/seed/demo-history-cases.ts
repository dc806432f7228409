import type { Actor } from '../shared/actor';
import type { HistoricCase } from '../subgraphs/city/case/case.historic';
import type { CaseService } from '../subgraphs/city/case/case.service';
import type { ClosureKind, GoalStatus, LifeDomain } from '../subgraphs/city/case/case.state';
import type { ConsentService } from '../subgraphs/hub/consent/consent.service';
import { addDays, addMonths, ageOn, daysBetween, minDate } from './demo-random';
import type { DemoPerson } from './demo-types';

const RHEINE = '05566076';

/** One case of the history, in short: when, how long, how it ended, what it was about, how it went. */
interface CaseSketch {
  openedOn: string;
  months: number;
  closure: ClosureKind | 'open';
  reason?: string;
  /** Appointments missed (the rest kept); 0: kept every one. */
  missed: number;
  domains: LifeDomain[];
  /** Status of each agreed goal at the end. */
  goals: GoalStatus[];
}

const R: GoalStatus = 'reached';
const N: GoalStatus = 'not_reached';
const P: GoalStatus = 'partly_reached';
const O: GoalStatus = 'open';

/**
 * The pilot's ten cases (2019): 3 closed as planned and 4 unplanned in 2019, 3 open at the end of
 * the year and closed as planned in 2020; 7 persons kept every appointment; goals reached 9 of 10
 * in planned and 3 of 10 in unplanned closures; housing, health and school/training in 4–5 cases
 * each, social behaviour (participation) and childcare (family) in some; 4 to 8 months, 6 on average.
 */
const PILOT: CaseSketch[] = [
  {
    openedOn: '2019-02-04',
    months: 6,
    closure: 'planned',
    missed: 0,
    domains: ['housing', 'education', 'family'],
    goals: [R, R, R],
  },
  {
    openedOn: '2019-03-11',
    months: 5,
    closure: 'planned',
    missed: 0,
    domains: ['health', 'housing', 'language'],
    goals: [R, R, P, R],
  },
  {
    openedOn: '2019-04-01',
    months: 7,
    closure: 'planned',
    missed: 0,
    domains: ['education', 'work', 'participation'],
    goals: [R, R, R],
  },
  {
    openedOn: '2019-01-14',
    months: 4,
    closure: 'unplanned_by_client',
    reason: 'no_contact',
    missed: 3,
    domains: ['housing', 'health'],
    goals: [N, N, R],
  },
  {
    openedOn: '2019-02-18',
    months: 6,
    closure: 'unplanned_by_client',
    reason: 'no_contact',
    missed: 4,
    domains: ['education', 'participation'],
    goals: [N, P],
  },
  {
    openedOn: '2019-03-25',
    months: 5,
    closure: 'unplanned_by_client',
    reason: 'moved_away',
    missed: 0,
    domains: ['health', 'family', 'housing'],
    goals: [R, N],
  },
  {
    openedOn: '2019-01-28',
    months: 8,
    closure: 'unplanned_by_case_manager',
    reason: 'needs_other_help',
    missed: 4,
    domains: ['health', 'participation', 'education'],
    goals: [R, N, N],
  },
  {
    openedOn: '2019-07-08',
    months: 6,
    closure: 'planned',
    missed: 0,
    domains: ['housing', 'work', 'language'],
    goals: [R, R, R],
  },
  {
    openedOn: '2019-08-12',
    months: 8,
    closure: 'planned',
    missed: 0,
    domains: ['family', 'language', 'participation'],
    goals: [R, R],
  },
  {
    openedOn: '2019-09-16',
    months: 5,
    closure: 'planned',
    missed: 0,
    domains: ['education', 'health'],
    goals: [R, P, R],
  },
];

/**
 * The current year: a larger programme (32 cases) so its figures show. 12 closed as planned and
 * 8 unplanned during the year, 12 still open; about three quarters kept every appointment.
 */
function currentYear(year: string): CaseSketch[] {
  const domains: LifeDomain[][] = [
    ['housing', 'education'],
    ['health', 'housing', 'family'],
    ['education', 'work'],
    ['housing', 'participation'],
    ['health', 'education', 'language'],
    ['family', 'housing'],
    ['work', 'health'],
    ['education', 'participation', 'housing'],
  ];
  const out: CaseSketch[] = [];
  for (let i = 0; i < 32; i++) {
    const months = 4 + (i % 5);
    const kind: CaseSketch['closure'] =
      i < 12 ? 'planned' : i < 17 ? 'unplanned_by_client' : i < 20 ? 'unplanned_by_case_manager' : 'open';
    // Closed ones end between February and October; open ones began this year.
    const openedOn =
      kind === 'open' ? addDays(`${year}-03-02`, 14 * (i - 20)) : addMonths(addDays(`${year}-02-02`, 13 * i), -months);
    const goals: GoalStatus[] =
      kind === 'planned'
        ? [R, R, i % 4 === 0 ? P : R]
        : kind === 'open'
          ? [i % 3 === 0 ? R : O, O]
          : [i % 3 === 0 ? R : N, N, i % 2 ? P : N];
    out.push({
      openedOn,
      months,
      closure: kind,
      reason:
        kind === 'unplanned_by_client'
          ? i % 2
            ? 'no_contact'
            : 'client_withdrew'
          : kind === 'unplanned_by_case_manager'
            ? 'needs_other_help'
            : undefined,
      missed: i % 4 === 3 ? 2 + (i % 3) : 0,
      domains: domains[i % domains.length],
      goals,
    });
  }
  return out;
}

const PROBLEMS: Record<LifeDomain, [string, string]> = {
  residence: ['Aufenthaltstitel läuft aus', 'Unterlagen vorhanden'],
  language: ['Deutsch A1, Behördenbriefe unverständlich', 'Sprachkurs am Vormittag möglich'],
  education: ['Schulabschluss nicht anerkannt', 'Motivation für eine Ausbildung'],
  work: ['Keine Arbeit, Qualifikation unklar', 'Berufserfahrung im Herkunftsland'],
  housing: ['Wohnung zu klein, Mietrückstand', 'Unterstützung durch Verwandte'],
  health: ['Unbehandelte Beschwerden, kein Hausarzt', 'Krankenversicherung besteht'],
  family: ['Kein Kitaplatz für das jüngste Kind', 'Großeltern in der Nähe'],
  participation: ['Konflikte in der Nachbarschaft und in der Schule', 'Verein im Stadtteil bekannt'],
};
const GOALS: Record<LifeDomain, string> = {
  residence: 'Aufenthaltstitel verlängert',
  language: 'Deutsch A2 erreicht',
  education: 'Schulplatz oder Ausbildungsplatz gefunden',
  work: 'Beratung bei der Arbeitsagentur wahrgenommen',
  housing: 'Mietrückstand geregelt, größere Wohnung gefunden',
  health: 'Hausarzt gefunden, Behandlung begonnen',
  family: 'Kitaplatz für das jüngste Kind',
  participation: 'Konflikte geklärt, Angebot im Stadtteil besucht',
};

/** A sketch as a case: assessments in the first weeks, goals after them, appointments every three weeks. */
function expand(s: CaseSketch, personId: string, workerRef: string): HistoricCase {
  const endOn = addMonths(s.openedOn, s.months);
  // An open case's appointments so far (all recorded: the demo's today is in November).
  const lastOn =
    s.closure === 'open' ? minDate(addDays(s.openedOn, 7 * 3 * 6), `${s.openedOn.slice(0, 4)}-10-25`) : endOn;
  const days = daysBetween(s.openedOn, lastOn);
  const count = Math.max(3, Math.floor(days / 21));
  const appointments: HistoricCase['appointments'] = [];
  for (let k = 0; k < count; k++) {
    const on = addDays(s.openedOn, 7 + Math.floor((k * (days - 10)) / count));
    // The missed ones come last: the client stops coming.
    appointments.push({
      at: `${on}T${k % 2 ? '14' : '10'}:00:00.000Z`,
      status: k >= count - s.missed ? 'missed' : 'kept',
    });
  }
  return {
    personId,
    workerRef,
    openedOn: s.openedOn,
    assessments: s.domains.map((domain, k) => ({
      domain,
      problems: [PROBLEMS[domain][0]],
      resources: [PROBLEMS[domain][1]],
      situation: domain === 'housing' ? 'own_flat' : domain === 'education' || domain === 'work' ? 'unemployed' : null,
      assessedOn: addDays(s.openedOn, 7 + 3 * k),
    })),
    goals: s.goals.map((status, k) => {
      const domain = s.domains[k % s.domains.length];
      return {
        domain,
        wording: k < s.domains.length ? GOALS[domain] : `${GOALS[domain]} (2. Schritt)`,
        agreedOn: addDays(s.openedOn, 21 + 2 * k),
        // An open case's goals are due by the demo's today at the latest (a reached one is settled then).
        targetOn:
          s.closure === 'open' ? minDate(addDays(endOn, -7), `${s.openedOn.slice(0, 4)}-10-20`) : addDays(endOn, -7),
        status,
      };
    }),
    appointments,
    closure: s.closure === 'open' ? null : { on: endOn, kind: s.closure, reason: s.reason ?? null },
  };
}

/**
 * The case management history of the advice & support team: the pilot's cases of 2019 and the
 * current year's, each through `CaseService.loadHistoric` as the team worked it, after the
 * person's consent for health data where the assessment covers health. Persons: adults in Rheine
 * when the case opened, by position, none of those with today's cases (`reserved`).
 */
export async function seedHistoricCases(
  cases: CaseService,
  consents: ConsentService,
  persons: DemoPerson[],
  reserved: Set<string>,
  team: Actor,
  year: string,
): Promise<number> {
  const actor: Actor = { ...team, purpose: 'case_management' };
  const used = new Set(reserved);
  const sketches = [...PILOT, ...currentYear(year)];
  let n = 0;
  for (const [i, s] of sketches.entries()) {
    const p = persons.find(
      (x) =>
        !used.has(x.id) &&
        x.municipalityKey === RHEINE &&
        x.registeredAt.slice(0, 10) < addDays(s.openedOn, -30) &&
        ageOn(x.birthDate, s.openedOn) >= 18 &&
        ageOn(x.birthDate, s.openedOn) <= 60,
    );
    if (!p) continue;
    used.add(p.id);
    const h = expand(s, p.id, i < PILOT.length ? 'cm-1' : `cm-${2 * (1 + (i % 3))}`);
    if (s.domains.includes('health'))
      await consents.record(actor, {
        personId: p.id,
        purpose: 'case_management',
        recipients: [team.partner],
        categories: ['health'],
        givenAt: new Date(`${s.openedOn}T08:30:00.000Z`),
        evidenceRef: 'Einwilligung Gesundheitsdaten im Fallmanagement (Demo)',
      });
    await cases.loadHistoric(actor, h);
    n++;
  }
  return n;
}
