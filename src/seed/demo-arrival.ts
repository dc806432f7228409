import type { Actor } from '../shared/actor';
import type { ArrivalService, HistoricVisit } from '../subgraphs/city/arrival/arrival.service';
import { addMonths, NOT_HELD_REASONS, TOPICS } from '../subgraphs/city/arrival/arrival.state';
import type { DemoPerson } from './demo-types';

const RHEINE = '05566076';
const YEARS = ['2019', '2026'] as const;
const KINDS = [0, 0, 0, 5, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4];
/** Visits per year, at most: enough for shares in the report, few enough to read. */
const PER_YEAR = 12;

/**
 * Arrival visits of the advice & support team to Rheine families, in 2019 and in the demo's
 * current year, for the report's indicators: most held as planned, some moved or held on another
 * day, some not held; topics and folders vary; follow-ups by a
 * district office or the school placement within 2 months, a few later, some none or unknown.
 * Deterministic: by position, no randomness.
 */
export function planDemoArrivalVisits(persons: DemoPerson[]): HistoricVisit[] {
  const families = new Map<string, DemoPerson>();
  for (const p of persons)
    if (p.municipalityKey === RHEINE && !families.has(p.householdId) && p.birthDate <= '2000-01-01')
      families.set(p.householdId, p);
  const visits: HistoricVisit[] = [];
  for (const [y, year] of YEARS.entries()) {
    // Families registered that year or the year before, before the summer: visited some weeks after.
    const candidates = [...families.values()]
      .filter((p) => p.registeredAt.slice(0, 4) >= String(Number(year) - 1) && p.registeredAt < `${year}-08-01`)
      .sort((a, b) => (a.registeredAt < b.registeredAt ? 1 : -1))
      .slice(0, PER_YEAR);
    for (const [i, p] of candidates.entries()) {
      const weeksAfter = addDays(p.registeredAt.slice(0, 10), 14 + 7 * (i % 4));
      const plannedOn = weeksAfter < `${year}-01-08` ? `${year}-01-${String(8 + i).padStart(2, '0')}` : weeksAfter;
      // Most as planned (the report: 90 %); the fourth not held, the tenth moved, the fourteenth held on another day.
      const kind = KINDS[i % KINDS.length]; // 0 as planned, 3 moved, 4 another day, 5 not held
      const visit: HistoricVisit = {
        personId: p.id,
        householdId: p.householdId,
        firstPlannedOn: plannedOn,
        plannedOn: kind === 3 ? addDays(plannedOn, 7) : plannedOn,
        rescheduleCount: kind === 3 ? 1 : 0,
        heldOn: null,
        notHeldReason: null,
        welcomeFolder: null,
        topics: [],
        followUp: null,
      };
      if (kind === 5) {
        visit.notHeldReason = NOT_HELD_REASONS[(y * 2 + i) % NOT_HELD_REASONS.length];
      } else {
        visit.heldOn = kind === 4 ? addDays(plannedOn, 2) : visit.plannedOn;
        visit.welcomeFolder = i % 4 !== 1;
        visit.topics = TOPICS.filter((_, t) => (i + t) % 3 !== 0);
        const f = i % 5; // district office in time, school placement in time, district office late, none, unknown
        const due = addMonths(visit.heldOn, 2);
        if (f === 0) visit.followUp = { kind: 'district_office', on: addDays(visit.heldOn, 20) };
        else if (f === 1) visit.followUp = { kind: 'school_placement', on: addDays(visit.heldOn, 35) };
        else if (f === 2) visit.followUp = { kind: 'district_office', on: addDays(due, 10) };
        else if (f === 3) visit.followUp = { kind: 'none', on: null };
      }
      visits.push(visit);
    }
  }
  return visits;
}

/** Loads the visits through the arrival service as the team; returns how many. */
export async function seedDemoArrivalVisits(arrivals: ArrivalService, visits: HistoricVisit[], actor: Actor) {
  for (const v of visits) await arrivals.loadHistoric(actor, v);
  return visits.length;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
