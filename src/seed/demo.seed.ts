import type { DemoPerson } from './demo-types';
import { Container } from '../container';
import { Actor, systemSubject } from '../shared/actor';
import { ResidenceStatusCode } from '../subgraphs/city/residence/residence.types';
import { Sex } from '../subgraphs/city/person/person.types';
import { IdentifierSystem } from '../subgraphs/hub/identifier/identifier.types';
import { BenefitStatus } from '../subgraphs/jobcenter/record/record.types';
import { CefrLevel, CourseKind, CourseStatus, WeeklySlotInput } from '../subgraphs/courses/course/course.types';
import { generateDemoData } from './demo-data';
import { LoadedCourse, planDemoEnrolments, seedDemoEnrolments } from './demo-enrolments';
import { planDemoEntitlements, seedDemoEntitlements } from './demo-entitlements';
import { planDemoArrivalVisits, seedDemoArrivalVisits } from './demo-arrival';
import { caseClients, seedDemoCases } from './demo-cases';
import { DEMO_DEFAULTS } from './demo-data';
import { seedHistoricCourses } from './demo-history-courses';
import { seedHistoricCases } from './demo-history-cases';
import { seedHistoricReferrals } from './demo-history-referrals';

/** The system context the demo data is loaded in (every municipality); it names the writes in the audit log. */
export const SEED_CONTEXT = 'seed';

const actorFor = (partner: string): Actor => ({
  subject: systemSubject(SEED_CONTEXT),
  partner,
  scopes: ['*'],
  jurisdiction: ['05566'],
  purpose: 'system',
  requestId: `seed-${partner}`,
});

export interface SeedCounts {
  persons: number;
  households: number;
  residenceStatuses: number;
  jobcenterRecords: number;
  identifiers: number;
  courseProviders: number;
  courses: number;
  enrolments: number;
  waitlisted: number;
  entitlements: number;
  obligingBodies: number;
  arrivalVisits: number;
  cases: number;
  /** The history for the report (2019, the pilot's last year, and the current year). */
  historicCourses: number;
  historicEnrolments: number;
  formerParticipants: number;
  historicCases: number;
  historicReferrals: number;
}

/** Where the 2019 participants who have left Rheine live now. */
const MUENSTER = '05515000';

/**
 * Loads the deterministic demo data set through the services, as the partners would: each write
 * is attributed to the partner that would make it and emits its domain event. Runs once: if
 * persons exist already, nothing is loaded. Runs as the hub, in the system context `seed`.
 */
export function seedDemo(container: Container, progress: (msg: string) => void = () => undefined): Promise<SeedCounts> {
  return container.rowSecurity.system(SEED_CONTEXT, () => loadDemo(container, progress));
}

async function loadDemo(container: Container, progress: (msg: string) => void): Promise<SeedCounts> {
  const counts: SeedCounts = {
    persons: 0,
    households: 0,
    residenceStatuses: 0,
    jobcenterRecords: 0,
    identifiers: 0,
    courseProviders: 0,
    courses: 0,
    enrolments: 0,
    waitlisted: 0,
    entitlements: 0,
    obligingBodies: 0,
    arrivalVisits: 0,
    cases: 0,
    historicCourses: 0,
    historicEnrolments: 0,
    formerParticipants: 0,
    historicCases: 0,
    historicReferrals: 0,
  };
  const { city, jobcenter, courses, hub } = container.subgraphs;
  const data = generateDemoData();
  // Resumable: persons already loaded (an earlier run that stopped half-way) are skipped.
  const existing = new Set<string>(
    (await city.dataSource.query('SELECT id FROM city.person WHERE id = ANY($1)', [data.persons.map((p) => p.id)])).map(
      (r: { id: string }) => r.id,
    ),
  );
  if (existing.size === data.persons.length) {
    progress(`demo data already present (${existing.size} persons): nothing loaded`);
    return counts;
  }
  const social = actorFor('rheine-social');
  const abh = actorFor('rheine-abh');
  const jc = actorFor('jobcenter-steinfurt');
  const households = new Set<string>();

  for (const [i, p] of data.persons.entries()) {
    if (existing.has(p.id)) continue;
    await city.services.persons.register(social, registration(p), { id: p.id, householdId: p.householdId });
    households.add(p.householdId);
    counts.persons++;
    for (const r of p.residence) {
      await city.services.residence.record(abh, { personId: p.id, ...r, status: r.status as ResidenceStatusCode });
      counts.residenceStatuses++;
    }
    if (p.azrNumber) {
      await hub.services.identifiers.add(abh, {
        personId: p.id,
        system: IdentifierSystem.azr_number,
        value: p.azrNumber,
      });
      counts.identifiers++;
    }
    if (p.jobcenter) {
      // A record is opened, then ends: as it happens at the jobcenter, with both events.
      const ended = p.jobcenter.benefitStatus === 'ended';
      const record = await jobcenter.services.records.open(jc, {
        personId: p.id,
        customerNumber: p.jobcenter.customerNumber,
        householdCommunityNumber: p.jobcenter.householdCommunityNumber,
        municipalityKey: p.municipalityKey,
        startedOn: p.jobcenter.startedOn,
        benefitStatus: ended ? BenefitStatus.receiving : (p.jobcenter.benefitStatus as BenefitStatus),
      });
      if (ended)
        await jobcenter.services.records.changeStatus(jc, { recordId: record.id, status: BenefitStatus.ended });
      counts.jobcenterRecords++;
    }
    if ((i + 1) % 100 === 0) progress(`demo data: ${i + 1} of ${data.persons.length} persons`);
  }
  counts.households = households.size;
  if (existing.size) {
    progress(`demo data: completed ${counts.persons} persons of an earlier, unfinished run`);
    return counts;
  }

  const providerIds = new Map<string, string>();
  for (const prov of data.providers) {
    const row = await courses.services.providers.register(actorFor(prov.partnerSlug), {
      partnerSlug: prov.partnerSlug,
      name: prov.name,
      municipalityKey: '05566076',
      street: prov.street,
      postalCode: prov.postalCode,
      locality: prov.locality,
      childcare: prov.childcare,
      bamfApproval: prov.bamfApproval,
      bamfApprovedUntil: prov.bamfApprovedUntil,
      servedDistricts: prov.servedDistricts,
    });
    providerIds.set(prov.id, row.id);
    counts.courseProviders++;
  }
  const loaded: LoadedCourse[] = [];
  for (const c of data.courses) {
    const provider = data.providers.find((p) => p.id === c.providerId)!;
    const row = await courses.services.courses.create(actorFor(provider.partnerSlug), {
      providerId: providerIds.get(c.providerId)!,
      title: c.title,
      kind: c.kind as CourseKind,
      targetLevel: c.targetLevel as CefrLevel,
      startsOn: c.startsOn,
      endsOn: c.endsOn,
      schedule: c.schedule,
      lessonsPerWeek: c.lessonsPerWeek,
      capacity: c.capacity,
      childcare: c.childcare,
      location: c.location,
      district: c.district,
      municipalityKey: '05566076',
      weeklySlots: c.weeklySlots as WeeklySlotInput[],
      womenOnly: c.womenOnly,
      status: c.status as CourseStatus,
    });
    loaded.push({ ...c, loadedId: row.id, provider: provider.partnerSlug });
    counts.courses++;
  }
  const plan = planDemoEnrolments(data.persons, loaded);
  // Certificates first: taking a seat in an integration course puts the person's entitlement in use.
  const entitled = await seedDemoEntitlements(
    courses.services.entitlements,
    planDemoEntitlements(data.persons, loaded, plan),
    actorFor,
  );
  counts.entitlements = entitled.entitlements;
  counts.obligingBodies = entitled.obligingBodies;
  const enrolled = await seedDemoEnrolments(courses.services.enrolments, loaded, plan, actorFor);
  counts.enrolments = enrolled.enrolled;
  counts.waitlisted = enrolled.waitlisted;
  // Arrival visits of 2019 and this year, as the team recorded them (docs/arrival-counselling.md).
  counts.arrivalVisits = await seedDemoArrivalVisits(
    city.services.arrivals,
    planDemoArrivalVisits(data.persons),
    social,
  );
  // The report's history (docs/indicators.md): the 2019 language offensive, the pilot's cases and
  // this year's, referrals and handovers of both years, with the days they happened.
  const year = DEMO_DEFAULTS.today.slice(0, 4);
  const bySlug = new Map(data.providers.map((p) => [p.partnerSlug as string, providerIds.get(p.id)!]));
  const history = await seedHistoricCourses(
    {
      courses: courses.services.courses,
      enrolments: courses.services.enrolments,
      providerIds: bySlug,
      registerFormer: async (p) => {
        await city.services.persons.register(social, registration(p), { id: p.id });
        await city.services.persons.move(social, {
          personId: p.id,
          municipalityKey: MUENSTER,
          address: {
            street: 'Hammer Straße',
            houseNumber: String(10 + (counts.formerParticipants++ % 90)),
            postalCode: '48153',
            locality: 'Münster',
            district: 'Geist',
          },
        });
      },
    },
    data.persons,
    actorFor,
  );
  counts.historicCourses = history.courses;
  counts.historicEnrolments = history.enrolments;
  counts.historicCases = await seedHistoricCases(
    city.services.cases,
    hub.services.consents,
    data.persons,
    new Set(caseClients(data.persons, container.clock.now()).map((p) => p.id)),
    social,
    year,
  );
  counts.historicReferrals = await seedHistoricReferrals(
    hub.services.referrals,
    data.persons,
    actorFor,
    [
      { year: '2019', scale: 1 },
      { year, scale: 2 },
    ],
    `${year}-10-25`,
  );
  // Case management at the team today: four cases in different phases (docs/case-management.md).
  counts.cases = await seedDemoCases(city, hub.services.consents, data.persons, social, container.clock);
  // The indicator facts (docs/indicators.md#facts): the demo loads before workers run, and some of it
  // without events, so they are computed here once from the records.
  const facts = await hub.services.indicatorFacts.rebuild();
  progress(
    `demo data: indicator facts for ${Object.entries(facts)
      .map(([kind, c]) => `${c.upserted} ${kind}`)
      .join(', ')}`,
  );
  progress(
    `demo data: ${counts.persons} persons, ${counts.courses} courses, ` +
      `${counts.enrolments} enrolled and ${counts.waitlisted} waitlisted, ${counts.entitlements} entitlements loaded`,
  );
  return counts;
}

/** A demo person as the team registers them. */
function registration(p: DemoPerson) {
  return {
    givenName: p.givenName,
    familyName: p.familyName,
    nameVariants: p.nameVariants,
    birthDate: p.birthDate,
    sex: p.sex as Sex,
    nationalities: p.nationalities,
    languages: p.languages,
    municipalityKey: p.municipalityKey,
    address: p.address,
  };
}
