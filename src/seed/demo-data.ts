/**
 * Deterministic demo data for Lotse: households and persons in Rheine (and a few in Emsdetten and
 * Greven), their residence histories, jobcenter records, and the language courses of the VHS and
 * the FBS. Pure: no database, no I/O, no clock, no Math.random. The same options give byte-identical
 * output (the docs quote it), so any change to this module or its data files changes the demo data.
 *
 *   generateDemoData()                       // seed 2019, 500 persons, today 2026-11-01
 *   generateDemoData({ seed: 7, persons: 50 })
 */
import { generateCourses, generateProviders } from './demo-courses';
import { ORIGIN_NAMES, spellings, type NamePool, type OriginCode } from './demo-names';
import {
  EU_MEMBERS,
  ORIGINS,
  UMA_ORIGINS,
  originProfile,
  type HouseholdType,
  type OriginProfile,
} from './demo-origins';
import { MUNICIPALITIES, RHEINE, type DemoMunicipality } from './demo-places';
import {
  addDays,
  addYears,
  ageOn,
  dateBetween,
  daysBetween,
  maxDate,
  minDate,
  mulberry32,
  Random,
  uuidFrom,
} from './demo-random';
import {
  asylumHistory,
  dependantHistory,
  euHistory,
  finish,
  historyFromBirth,
  permitHistory,
  reunionHistory,
  temporaryProtectionHistory,
  type ResidenceStatusCode,
  type StatusEntry,
} from './demo-residence';
import type {
  DemoData,
  DemoDataOptions,
  DemoHousehold,
  DemoJobcenterRecord,
  DemoPerson,
  DemoResidence,
  DemoSex,
} from './demo-types';

export type { DemoCourse, DemoCourseProvider } from './demo-courses';
export type {
  DemoData,
  DemoDataOptions,
  DemoHousehold,
  DemoJobcenterRecord,
  DemoPerson,
  DemoResidence,
  DemoSex,
} from './demo-types';
export type { ResidenceStatusCode } from './demo-residence';
export { uuidFrom, mulberry32 } from './demo-random';

export const DEMO_DEFAULTS = { seed: 2019, persons: 500, today: '2026-11-01' } as const;

/** One arrival: the people who came (or were born) together and share a residence history. */
interface Group {
  arrival: string;
  registeredOn: string;
  history: StatusEntry[];
}

interface Member {
  role: 'father' | 'mother' | 'grandmother' | 'child' | 'single' | 'uma';
  sex: DemoSex;
  birthDate: string;
  group: Group;
}

interface HouseholdPlan {
  origin: OriginProfile;
  members: Member[];
  municipality: DemoMunicipality;
}

/** Statuses without SGB II: asylum seekers and tolerated persons get AsylbLG, students support themselves. */
const SGB2_EXCLUDED: ReadonlySet<ResidenceStatusCode> = new Set([
  'asylum_applicant',
  'tolerated',
  'residence_permit_education',
]);
const PROTECTION: ReadonlySet<ResidenceStatusCode> = new Set([
  'recognised_refugee',
  'subsidiary_protection',
  'entitled_to_asylum',
  'deportation_ban',
]);

export function generateDemoData(opts: DemoDataOptions = {}): DemoData {
  const seed = opts.seed ?? DEMO_DEFAULTS.seed;
  const target = opts.persons ?? DEMO_DEFAULTS.persons;
  const today = opts.today ?? DEMO_DEFAULTS.today;
  if (!Number.isInteger(target) || target < 0)
    throw new RangeError(`persons must be a non-negative integer, got ${target}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new RangeError(`today must be YYYY-MM-DD, got ${today}`);

  const rng = new Random(seed);
  const idPrng = mulberry32((seed ^ 0x5eed1d5) >>> 0);
  const newId = () => uuidFrom(idPrng);
  const latest = addDays(today, -21); // nobody arrives in the last three weeks

  const pickArrival = (windows: OriginProfile['arrivals']): string => {
    const open = windows.filter(([[from]]) => from <= latest);
    if (open.length === 0) return dateBetween(rng, addYears(today, -3), latest);
    const [from, to] = rng.weighted(open);
    return dateBetween(rng, from, minDate(to, latest));
  };

  const historyFor = (origin: OriginProfile, arrival: string, asylum: boolean, uma = false): StatusEntry[] => {
    if (asylum) return asylumHistory(rng, origin, arrival, today, uma);
    if (origin.track === 'temporary') return temporaryProtectionHistory(rng, arrival, today);
    if (origin.track === 'eu') return euHistory(rng, arrival, today);
    return permitHistory(rng, arrival, today);
  };

  const registration = (arrival: string, asylum: boolean): string => {
    const delay = asylum ? (arrival < '2017-01-01' ? rng.int(20, 240) : rng.int(14, 120)) : rng.int(1, 21);
    return minDate(addDays(arrival, delay), addDays(today, -1));
  };

  // --- Household plans: who lives together, born when, arrived when, with which residence history.
  const umaCount = Math.min(target, Math.round(target / 50));
  const plans: HouseholdPlan[] = [];
  let remaining = target - umaCount;
  while (remaining > 0) {
    const plan = planHousehold(remaining);
    plans.push(plan);
    remaining -= plan.members.length;
  }
  for (let i = 0; i < umaCount; i++) plans.push(planUma());
  rng.shuffle(plans);

  function planHousehold(maxSize: number): HouseholdPlan {
    const origin = rng.weighted(ORIGINS.map((o) => [o, o.weight] as const));
    const asylum = origin.track === 'protection' || rng.chance(origin.asylumShare ?? 0);
    const arrival = pickArrival(asylum && origin.asylumArrivals ? origin.asylumArrivals : origin.arrivals);
    const group: Group = {
      arrival,
      registeredOn: registration(arrival, asylum),
      history: historyFor(origin, arrival, asylum),
    };
    let type: HouseholdType = rng.weighted(origin.households);
    if (maxSize < 2) type = 'single';
    const members = planMembers(origin, type, group, maxSize);

    // Family reunion: the father came first, wife and children followed after his recognition.
    const sponsorStatus = group.history[1]?.status;
    const youngest = members[members.length - 1];
    if (
      asylum &&
      type === 'family' &&
      (sponsorStatus === 'recognised_refugee' ||
        sponsorStatus === 'subsidiary_protection' ||
        sponsorStatus === 'entitled_to_asylum') &&
      youngest.birthDate < addDays(arrival, -280) &&
      rng.chance(0.35)
    ) {
      const reunion = addDays(group.history[1].validFrom, rng.int(180, 900));
      if (reunion < latest) {
        const followers: Group = {
          arrival: reunion,
          registeredOn: registration(reunion, false),
          history: reunionHistory(rng, sponsorStatus, reunion, today),
        };
        for (const m of members) if (m.role !== 'father') m.group = followers;
      }
    }
    return { origin, members, municipality: rng.weighted(MUNICIPALITIES) };
  }

  function planMembers(origin: OriginProfile, type: HouseholdType, group: Group, maxSize: number): Member[] {
    const born = (age: number) => addDays(addYears(today, -age), -rng.int(0, 364));
    const member = (role: Member['role'], sex: DemoSex, birthDate: string): Member => ({ role, sex, birthDate, group });
    if (type === 'single') {
      const male = rng.chance(origin.singleMale);
      const age = male
        ? 19 + rng.int(0, 10) + rng.int(0, 12)
        : origin.code === 'UA'
          ? rng.int(20, 74)
          : rng.int(19, 48);
      const sex: DemoSex = rng.chance(0.01) ? 'diverse' : male ? 'male' : 'female';
      return [member('single', sex, born(age))];
    }
    const motherAge = type === 'couple' ? rng.int(20, 58) : rng.int(23, 49);
    const mother = member('mother', 'female', born(motherAge));
    const out: Member[] = [];
    if (type === 'couple' || type === 'family') out.push(member('father', 'male', born(motherAge + rng.int(0, 9))));
    out.push(mother);
    if (type === 'mother_with_children' && maxSize >= 3 && rng.chance(0.3)) {
      out.push(member('grandmother', 'female', addDays(addYears(mother.birthDate, -rng.int(20, 30)), rng.int(0, 364))));
    }
    if (type === 'couple') return out;
    const wanted =
      type === 'family'
        ? rng.weighted([
            [1, 15],
            [2, 25],
            [3, 25],
            [4, 18],
            [5, 12],
            [6, 5],
          ])
        : rng.weighted([
            [1, 35],
            [2, 35],
            [3, 20],
            [4, 10],
          ]);
    const room = Math.min(wanted, maxSize - out.length, 7 - out.length);
    let birth = addDays(addYears(mother.birthDate, rng.int(18, 29)), rng.int(0, 300));
    const children: Member[] = [];
    while (children.length < room && birth <= addDays(today, -30) && ageOn(mother.birthDate, birth) <= 44) {
      // Grown-up children over 25 have moved out.
      if (ageOn(birth, today) <= 25) children.push(member('child', childSex(), birth));
      birth = addDays(birth, rng.int(420, 1460));
    }
    if (children.length === 0 && room > 0)
      children.push(member('child', childSex(), addDays(today, -rng.int(30, 700))));
    return [...out, ...children];
  }

  function childSex(): DemoSex {
    return rng.chance(0.004) ? 'unknown' : rng.chance(0.5) ? 'male' : 'female';
  }

  /** A former unaccompanied minor: 17, turning 18 in the coming months, living alone in youth welfare. */
  function planUma(): HouseholdPlan {
    const origin = originProfile(rng.weighted(UMA_ORIGINS));
    const birthDate = addDays(addYears(today, -18), rng.int(10, 170));
    const arrival = dateBetween(rng, maxDate(addYears(birthDate, 14), addYears(today, -3)), addDays(today, -120));
    const group: Group = {
      arrival,
      registeredOn: minDate(addDays(arrival, rng.int(1, 7)), addDays(today, -1)),
      history: historyFor(origin, arrival, true, true),
    };
    return {
      origin,
      municipality: RHEINE,
      members: [{ role: 'uma', sex: rng.chance(0.88) ? 'male' : 'female', birthDate, group }],
    };
  }

  // --- Materialise: names, addresses, statuses, registers.
  const households: DemoHousehold[] = [];
  const persons: DemoPerson[] = [];
  const azrNumbers = new Set<string>();
  const customerNumbers = new Set<string>();
  const communityNumbers = new Set<string>();
  const unique = (set: Set<string>, make: () => string): string => {
    let value = make();
    while (set.has(value)) value = make();
    set.add(value);
    return value;
  };

  for (const plan of plans) {
    const { origin, municipality } = plan;
    const household: DemoHousehold = { id: newId(), municipalityKey: municipality.key };
    households.push(household);
    const district = rng.weighted(municipality.districts);
    const address = {
      street: rng.pick(district.streets),
      houseNumber: `${rng.int(1, 140)}${rng.chance(0.12) ? rng.pick(['a', 'b', 'c']) : ''}`,
      postalCode: district.postalCode,
      locality: municipality.locality,
      district: district.name,
    };
    const names = ORIGIN_NAMES[origin.code];
    const latinScript = origin.code === 'TR' || origin.code === 'RO' || origin.code === 'PL';
    const family = chooseSpelling(spellings(rng.pick(flatPool(names.family))), latinScript);
    const baseLanguages = origin.languages(rng);
    const usedGiven = new Set<string>();
    const familySpellings = new Set([family.primary, ...family.others]);

    const drafts = plan.members.map((m) => {
      const pool =
        m.sex === 'male' ? names.male : m.sex === 'female' ? names.female : rng.chance(0.5) ? names.male : names.female;
      // Siblings get different names, and nobody is called "Hassan Hasan".
      const clashes = (e: string) => usedGiven.has(e) || spellings(e).some((s) => familySpellings.has(s));
      let entry = rng.pick(flatPool(pool));
      for (let tries = 0; tries < 8 && clashes(entry); tries++) entry = rng.pick(flatPool(pool));
      usedGiven.add(entry);
      const given = chooseSpelling(spellings(entry), latinScript);
      const gendered = m.sex === 'female' && names.feminine ? names.feminine : (s: string) => s;
      const familyName = gendered(family.primary);
      const nameVariants = [...new Set([...given.others, ...family.others.map(gendered)])].filter(
        (n) => n !== given.primary && n !== familyName,
      );

      const bornHere = m.birthDate > m.group.arrival;
      const first = m.group.history[0].status;
      const dependant =
        m !== plan.members[0] && (first === 'residence_permit_education' || first === 'residence_permit_employment');
      const own = dependant ? dependantHistory(m.group.history) : m.group.history;
      const entries = bornHere ? historyFromBirth(own, m.birthDate) : own;
      const residence = finish(entries, today).map((e, i, all) => withFlags(e, i === all.length - 1, m.birthDate));
      const current = residence[residence.length - 1].status;
      const registeredOn = bornHere
        ? maxDate(m.group.registeredOn, minDate(addDays(m.birthDate, rng.int(2, 14)), addDays(today, -1)))
        : m.group.registeredOn;
      const registeredAt = `${registeredOn}T${pad(rng.int(6, 14))}:${pad(rng.int(0, 59))}:00.000Z`;

      const person: DemoPerson = {
        id: newId(),
        givenName: given.primary,
        familyName,
        nameVariants,
        birthDate: m.birthDate,
        sex: m.sex,
        nationalities: current === 'naturalised' ? ['DE', origin.code] : [origin.code],
        languages: languagesFor(baseLanguages, m, bornHere, current),
        municipalityKey: municipality.key,
        address: { ...address },
        householdId: household.id,
        registeredAt,
        residence,
      };
      if (!EU_MEMBERS.has(origin.code) && current !== 'naturalised') {
        person.azrNumber = unique(azrNumbers, () => `${rng.int(1, 9)}${rng.digits(11)}`);
      }
      if (m.role === 'uma') person.unaccompaniedMinor = true;
      return { person, member: m };
    });

    assignJobcenter(
      drafts.map((d) => d.person),
      origin,
    );
    persons.push(...drafts.map((d) => d.person));
  }

  /** SGB II: adults in one Bedarfsgemeinschaft share a household community number. */
  function assignJobcenter(members: DemoPerson[], origin: OriginProfile): void {
    const adults = members.filter((p) => ageOn(p.birthDate, today) >= 18 && !p.unaccompaniedMinor);
    const eligible = adults.filter((p) => !SGB2_EXCLUDED.has(p.residence[p.residence.length - 1].status));
    if (eligible.length === 0) return;
    const lead = eligible[0];
    const status = lead.residence[lead.residence.length - 1];
    const qualifyingFrom = lead.residence.find((r) => !SGB2_EXCLUDED.has(r.status))!.validFrom;
    const years = daysBetween(status.validFrom, today) / 365.25;
    let p = 0;
    if (PROTECTION.has(status.status)) p = years < 2 ? 0.85 : years < 5 ? 0.6 : 0.4;
    // Ukrainians arriving from April 2025 are modelled under AsylbLG, as the 2025 benefits reform provides.
    else if (status.status === 'temporary_protection') p = status.validFrom >= '2025-04-01' ? 0 : 0.75;
    else if (status.status === 'residence_permit_family') p = origin.track === 'protection' ? 0.6 : 0.15;
    else if (status.status === 'settlement_permit') p = 0.25;
    else if (status.status === 'naturalised') p = 0.1;
    else if (status.status === 'eu_free_movement')
      p = daysBetween(qualifyingFrom, today) > 365 ? 0.12 : 0; // top-up for low wages
    else if (status.status === 'residence_permit_employment') p = 0.05;
    if (!rng.chance(p)) return;

    const sinceStart = daysBetween(qualifyingFrom, today);
    let benefitStatus: DemoJobcenterRecord['benefitStatus'];
    let startedOn: string;
    if (sinceStart < 60) {
      benefitStatus = 'applied';
      startedOn = addDays(qualifyingFrom, rng.int(0, Math.max(0, sinceStart)));
    } else {
      benefitStatus = rng.weighted([
        ['receiving', 80],
        ['ended', 12],
        ['suspended', 4],
        ['applied', 4],
      ]);
      const earliest = status.status === 'eu_free_movement' ? addDays(qualifyingFrom, 365) : qualifyingFrom;
      startedOn =
        benefitStatus === 'applied'
          ? addDays(today, -rng.int(1, 40))
          : minDate(addDays(earliest, rng.int(3, 45)), today);
    }
    const householdCommunityNumber = unique(communityNumbers, () => `84503//${rng.digits(7)}`);
    for (const p of eligible) {
      // Family members who joined later enter the Bedarfsgemeinschaft when their own title starts.
      const own = minDate(maxDate(startedOn, p.residence.find((r) => !SGB2_EXCLUDED.has(r.status))!.validFrom), today);
      p.jobcenter = {
        customerNumber: unique(customerNumbers, () => `845D${rng.digits(6)}`),
        householdCommunityNumber,
        benefitStatus,
        startedOn: own,
      };
    }
  }

  function withFlags(e: StatusEntry, current: boolean, birthDate: string): DemoResidence {
    const end = e.validUntil && e.validUntil < today ? e.validUntil : today;
    const adultAtStart = ageOn(birthDate, e.validFrom) >= 18;
    let residenceObligation = false;
    let workPermitted = true;
    let integrationCourseObligation = false;
    switch (e.status) {
      case 'asylum_applicant':
      case 'tolerated':
        residenceObligation = true;
        workPermitted = ageOn(birthDate, end) >= 18 && daysBetween(e.validFrom, end) > 90 && rng.chance(0.5);
        break;
      case 'recognised_refugee':
      case 'subsidiary_protection':
      case 'entitled_to_asylum':
      case 'deportation_ban':
      case 'temporary_protection': {
        // Wohnsitzauflage (§ 12a AufenthG): for three years from recognition, for recognitions since 2016.
        const recent = daysBetween(e.validFrom, today) < 3 * 365;
        residenceObligation = e.validFrom >= '2016-01-01' && (!current || recent);
        const p = e.status === 'temporary_protection' ? 0.25 : current ? (recent ? 0.8 : 0.3) : 0.6;
        integrationCourseObligation = adultAtStart && rng.chance(p);
        break;
      }
      case 'residence_permit_family':
        integrationCourseObligation = adultAtStart && rng.chance(0.5);
        break;
    }
    return e.validUntil
      ? {
          status: e.status,
          validFrom: e.validFrom,
          validUntil: e.validUntil,
          residenceObligation,
          workPermitted,
          integrationCourseObligation,
        }
      : { status: e.status, validFrom: e.validFrom, residenceObligation, workPermitted, integrationCourseObligation };
  }

  function languagesFor(base: string[], m: Member, bornHere: boolean, current: ResidenceStatusCode): string[] {
    const age = ageOn(m.birthDate, today);
    const yearsHere = daysBetween(bornHere ? m.birthDate : m.group.arrival, today) / 365.25;
    const languages = age < 3 ? base.slice(0, 1) : [...base];
    const german =
      current === 'naturalised' ||
      (age >= 5 && age < 18
        ? yearsHere >= 1 && rng.chance(0.9)
        : age >= 18 && rng.chance(yearsHere >= 5 ? 0.6 : yearsHere >= 2 ? 0.35 : 0.08));
    if (german) languages.push('de');
    return languages;
  }

  function chooseSpelling(all: string[], latinScript: boolean): { primary: string; others: string[] } {
    const i = all.length === 1 || rng.chance(latinScript ? 0.75 : 0.5) ? 0 : rng.int(1, all.length - 1);
    return { primary: all[i], others: all.filter((_, j) => j !== i) };
  }

  const providers = generateProviders(newId);
  const courses = generateCourses(rng, newId, providers, today);
  return { households, persons, providers, courses };
}

const flatCache = new WeakMap<NamePool, string[]>();
/** Pool entries repeated by weight, so a uniform pick honours the weights. */
function flatPool(pool: NamePool): string[] {
  let flat = flatCache.get(pool);
  if (!flat) {
    flat = pool.flatMap((e) => (typeof e === 'string' ? [e] : Array<string>(e[1]).fill(e[0])));
    flatCache.set(pool, flat);
  }
  return flat;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export type { OriginCode };
