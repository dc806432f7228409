/**
 * Residence histories for the demo data: the sequence of residence titles a person holds, oldest
 * first, at most three entries (renewals of the same title extend validUntil, they add no entry).
 * Flags (residence obligation, work permission, integration-course obligation) are set per person
 * in demo-data.ts because they depend on age.
 */
import type { AsylumOutcome, OriginProfile } from './demo-origins';
import { addDays, addMonths, addYears, dateBetween, maxDate, Random } from './demo-random';

export type ResidenceStatusCode =
  | 'asylum_applicant'
  | 'tolerated'
  | 'entitled_to_asylum'
  | 'recognised_refugee'
  | 'subsidiary_protection'
  | 'deportation_ban'
  | 'temporary_protection'
  | 'residence_permit_family'
  | 'residence_permit_employment'
  | 'residence_permit_education'
  | 'eu_free_movement'
  | 'settlement_permit'
  | 'naturalised';

export interface StatusEntry {
  status: ResidenceStatusCode;
  validFrom: string;
  validUntil?: string;
}

/** The EU's temporary protection for people from Ukraine currently runs until 4 March 2027. */
export const TEMPORARY_PROTECTION_UNTIL = '2027-03-04';

/** First validity period and renewal period, in months; undefined = open-ended. */
const VALIDITY: Partial<Record<ResidenceStatusCode, readonly [number, number]>> = {
  asylum_applicant: [6, 6],
  tolerated: [6, 6],
  recognised_refugee: [36, 36],
  entitled_to_asylum: [36, 36],
  subsidiary_protection: [12, 24],
  deportation_ban: [12, 24],
  residence_permit_family: [12, 24],
  residence_permit_employment: [24, 24],
  residence_permit_education: [24, 24],
  temporary_protection: [12, 12],
};

/** The end of the validity period running on `today` (a title renewed as often as needed). */
function currentValidUntil(status: ResidenceStatusCode, validFrom: string, today: string): string | undefined {
  if (status === 'temporary_protection' && TEMPORARY_PROTECTION_UNTIL > today) return TEMPORARY_PROTECTION_UNTIL;
  const v = VALIDITY[status];
  if (!v) return undefined;
  let end = addMonths(validFrom, v[0]);
  while (end <= today) end = addMonths(end, v[1]);
  return addDays(end, -1);
}

/** Close each entry the day before the next one starts; the last one gets its current validity. */
export function finish(entries: StatusEntry[], today: string): StatusEntry[] {
  return entries.map((e, i) => {
    const next = entries[i + 1];
    const validUntil = next ? addDays(next.validFrom, -1) : currentValidUntil(e.status, e.validFrom, today);
    return validUntil
      ? { status: e.status, validFrom: e.validFrom, validUntil }
      : { status: e.status, validFrom: e.validFrom };
  });
}

/** A later step (settlement permit, naturalisation …) if its date has passed; otherwise nothing. */
function later(entries: StatusEntry[], status: ResidenceStatusCode, from: string, today: string): boolean {
  if (from >= today) return false;
  entries.push({ status, validFrom: from });
  return true;
}

/**
 * Asylum procedure: applicant, then the decision (protection, or rejection followed by a
 * toleration), then possibly a settlement permit, naturalisation or a higher status won in court.
 * Returns the entries and whether the decision (if any) granted protection.
 */
export function asylumHistory(
  rng: Random,
  origin: OriginProfile,
  arrival: string,
  today: string,
  uma = false,
): StatusEntry[] {
  const appliedOn = dateBetween(rng, addDays(arrival, uma ? 20 : 5), minBefore(addDays(arrival, uma ? 90 : 40), today));
  const entries: StatusEntry[] = [{ status: 'asylum_applicant', validFrom: appliedOn }];
  const months = appliedOn < '2017-01-01' ? rng.int(6, 20) : rng.int(4, 14);
  const decidedOn = addDays(addMonths(appliedOn, months), rng.int(0, 27));
  // The BAMF put decisions on Syrian applications on hold from December 2024.
  const onHold = origin.code === 'SY' && appliedOn >= '2024-06-01' && rng.chance(0.8);
  if (decidedOn >= today || onHold) return entries;

  const outcome: AsylumOutcome = rng.weighted(origin.outcomes ?? [['recognised_refugee', 1]]);
  if (outcome === 'rejected') {
    // Toleration once the rejection is final (after an appeal); still an applicant while the court decides.
    const toleratedFrom = addDays(decidedOn, rng.int(30, 240));
    if (!later(entries, 'tolerated', toleratedFrom, today)) return entries;
    // Some tolerated people get a residence permit for employment (Beschäftigungsduldung, § 104c, § 25b).
    if (rng.chance(0.2))
      later(entries, 'residence_permit_employment', addDays(addYears(toleratedFrom, 3), rng.int(0, 500)), today);
    return entries;
  }
  entries.push({ status: outcome, validFrom: decidedOn });
  if (outcome === 'subsidiary_protection' && rng.chance(0.08)) {
    // Refugee status won in court (Aufstockungsklage).
    later(entries, 'recognised_refugee', addDays(decidedOn, rng.int(300, 900)), today);
    return entries;
  }
  const settleFrom = addDays(addYears(decidedOn, 5), rng.int(0, 700));
  const roll = rng.next();
  if (roll < 0.12 && addYears(arrival, 6) < today)
    later(entries, 'naturalised', maxDate(settleFrom, addDays(addYears(arrival, 6), rng.int(0, 900))), today);
  else if (roll < (outcome === 'deportation_ban' ? 0.3 : 0.47)) later(entries, 'settlement_permit', settleFrom, today);
  return entries;
}

/** Family reunion with a protected sponsor: family asylum or a residence permit for family reasons. */
export function reunionHistory(
  rng: Random,
  sponsorStatus: ResidenceStatusCode,
  arrival: string,
  today: string,
): StatusEntry[] {
  const entries: StatusEntry[] = [];
  if ((sponsorStatus === 'recognised_refugee' || sponsorStatus === 'entitled_to_asylum') && rng.chance(0.5)) {
    const appliedOn = dateBetween(rng, addDays(arrival, 5), minBefore(addDays(arrival, 20), today));
    entries.push({ status: 'asylum_applicant', validFrom: appliedOn });
    later(entries, 'recognised_refugee', addDays(appliedOn, rng.int(60, 180)), today);
  } else {
    entries.push({
      status: 'residence_permit_family',
      validFrom: dateBetween(rng, addDays(arrival, 7), minBefore(addDays(arrival, 30), today)),
    });
  }
  const settleFrom = addDays(addYears(entries[entries.length - 1].validFrom, 5), rng.int(0, 500));
  if (entries.length < 3 && rng.chance(0.4)) later(entries, 'settlement_permit', settleFrom, today);
  return entries;
}

/** Residence permits (Turkey): family reunion, employment or studies, later settlement or naturalisation. */
export function permitHistory(rng: Random, arrival: string, today: string): StatusEntry[] {
  const first: ResidenceStatusCode = rng.weighted([
    ['residence_permit_family', 50],
    ['residence_permit_employment', 30],
    ['residence_permit_education', 20],
  ]);
  const start = dateBetween(rng, addDays(arrival, 7), minBefore(addDays(arrival, 60), today));
  const entries: StatusEntry[] = [{ status: first, validFrom: start }];
  let at = start;
  if (first === 'residence_permit_education') {
    at = addDays(addYears(at, rng.int(2, 5)), rng.int(0, 200));
    if (!rng.chance(0.7) || !later(entries, 'residence_permit_employment', at, today)) return entries;
  }
  at = addDays(addYears(at, first === 'residence_permit_family' ? 3 : 4), rng.int(0, 900));
  if (!rng.chance(0.6) || !later(entries, 'settlement_permit', at, today)) return entries;
  if (entries.length < 3 && rng.chance(0.3))
    later(entries, 'naturalised', addDays(maxDate(addYears(arrival, 8), at), rng.int(200, 1500)), today);
  return entries;
}

export function temporaryProtectionHistory(rng: Random, arrival: string, today: string): StatusEntry[] {
  return [
    {
      status: 'temporary_protection',
      validFrom: dateBetween(rng, addDays(arrival, 3), minBefore(addDays(arrival, 45), today)),
    },
  ];
}

export function euHistory(rng: Random, arrival: string, today: string): StatusEntry[] {
  return [{ status: 'eu_free_movement', validFrom: dateBetween(rng, arrival, minBefore(addDays(arrival, 14), today)) }];
}

/** Spouse and children of a worker or student hold residence permits for family reasons (§§ 27 ff.). */
export function dependantHistory(entries: StatusEntry[]): StatusEntry[] {
  const out: StatusEntry[] = [];
  for (const e of entries) {
    const own = e.status === 'residence_permit_education' || e.status === 'residence_permit_employment';
    const status: ResidenceStatusCode = own ? 'residence_permit_family' : e.status;
    if (out.length > 0 && out[out.length - 1].status === status) continue;
    out.push({ status, validFrom: e.validFrom });
  }
  return out;
}

/** The part of a history that applies to someone born on `birthDate` (children born in Germany). */
export function historyFromBirth(entries: StatusEntry[], birthDate: string): StatusEntry[] {
  const from = entries.findIndex((e, i) => !entries[i + 1] || entries[i + 1].validFrom > birthDate);
  return entries.slice(from).map((e, i) => (i === 0 ? { ...e, validFrom: maxDate(e.validFrom, birthDate) } : { ...e }));
}

/** `date`, but not later than the day before `today`. */
function minBefore(date: string, today: string): string {
  const limit = addDays(today, -1);
  return date < limit ? date : limit;
}
