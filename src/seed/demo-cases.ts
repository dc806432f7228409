import type { Actor } from '../shared/actor';
import type { CitySubgraph } from '../subgraphs/city/city.subgraph';
import type { ConsentService } from '../subgraphs/hub/consent/consent.service';
import type { Clock } from '../shared/time';
import type { LifeDomain } from '../subgraphs/city/case/case.state';
import type { DemoPerson } from './demo-types';

const RHEINE = '05566076';
const DAY = 86_400_000;

/** The persons of today's cases: the first adults in Rheine aged 18–45 on the seed day, by position. */
export function caseClients(persons: DemoPerson[], now: Date): DemoPerson[] {
  const age = (p: DemoPerson) => (now.getTime() - new Date(`${p.birthDate}T00:00:00Z`).getTime()) / (365.25 * DAY);
  return persons.filter((p) => p.municipalityKey === RHEINE && age(p) >= 18 && age(p) <= 45).slice(0, 4);
}

/**
 * Case management at the advice & support team as it stands today (docs/case-management.md):
 * four cases through the services, as the team would work them — one in monitoring with a help
 * plan (a language course at the VHS, on the person's consent), one in goal agreement, one closed
 * as planned and one closed unplanned by the client. Dates are relative to the clock: a case opens
 * only once its agreement is signed, appointments lie ahead. Persons: the first adults in Rheine
 * aged 18–45 on the seed day, by position.
 */
export async function seedDemoCases(
  city: CitySubgraph,
  consents: ConsentService,
  persons: DemoPerson[],
  team: Actor,
  clock: Clock,
): Promise<number> {
  const actor: Actor = { ...team, purpose: 'case_management' };
  const now = clock.now();
  const day = (offset: number) => new Date(now.getTime() + offset * DAY).toISOString().slice(0, 10);
  const at = (offsetDays: number, hour: number) => {
    const d = new Date(now.getTime() + offsetDays * DAY);
    d.setUTCHours(hour, 0, 0, 0);
    return d;
  };
  const clients = caseClients(persons, now);
  if (clients.length < 4) return 0;
  const s = city.services;
  const open = async (p: DemoPerson, workerRef: string, signedDaysAgo: number) =>
    s.cases.open(actor, { personId: p.id, workerRef, allianceSignedOn: day(-signedDaysAgo) });
  const assess = (caseId: string, domain: LifeDomain, problems: string[], resources: string[], situation?: string) =>
    s.caseAssessments.record(actor, { caseId, domain, problems, resources, situation, assessedOn: day(-80) });
  const goal = (caseId: string, domain: LifeDomain, wording: string, targetDays: number) =>
    s.caseGoals.agree(actor, { caseId, domain, wording, agreedOn: day(-70), targetOn: day(targetDays) });

  // 1. In training, language and school support planned: the help plan sends a course referral.
  const [a, b, c, d] = clients;
  const ca = await open(a, 'cm-3', 90);
  await assess(ca.id, 'education', ['Berufsschule: Fachsprache'], ['Ausbildungsbetrieb unterstützt'], 'apprenticeship');
  await assess(ca.id, 'language', ['Deutsch A2, Fachtexte schwer'], ['Abendkurs möglich']);
  const language = await goal(ca.id, 'language', 'Deutsch B1 für die Berufsschule', 120);
  await goal(ca.id, 'education', 'Zwischenprüfung bestehen', 200);
  await consents.record(actor, {
    personId: a.id,
    purpose: 'integration_course_referral',
    recipients: ['vhs-rheine'],
    categories: ['identity', 'contact'],
    evidenceRef: 'Einwilligung im Fallmanagement (Demo)',
  });
  await s.helpPlan.add(actor, {
    caseId: ca.id,
    service: 'language_course',
    provider: 'vhs-rheine',
    goalId: language.id,
    dueOn: day(21),
  });
  await s.caseClosure.startMonitoring(actor, ca.id);
  await s.caseAppointments.schedule(actor, { caseId: ca.id, scheduledAt: at(7, 9) });

  // 2. Assessed, a goal agreed; the next appointment ahead.
  const cb = await open(b, 'cm-3', 40);
  await assess(cb.id, 'work', ['Anerkennung des Abschlusses offen'], ['Berufserfahrung'], 'unemployed');
  await assess(cb.id, 'family', ['Kitaplatz fehlt'], ['Großeltern in der Nähe']);
  await goal(cb.id, 'family', 'Kitaplatz für das jüngste Kind', 60);
  await s.caseAppointments.schedule(actor, { caseId: cb.id, scheduledAt: at(3, 10) });

  // 3. Closed as planned, goals reached.
  const cc = await open(c, 'cm-5', 200);
  await assess(cc.id, 'housing', ['Sammelunterkunft'], ['Mietschuldenfrei'], 'shared_accommodation');
  const flat = await goal(cc.id, 'housing', 'Eigene Wohnung', -10);
  await s.caseClosure.close(actor, {
    caseId: cc.id,
    kind: 'planned',
    reason: 'goals_reached',
    goals: [{ goalId: flat.id, status: 'reached' }],
  });

  // 4. Closed unplanned: the client stopped coming.
  const cd = await open(d, 'cm-5', 150);
  await assess(cd.id, 'work', ['Keine Arbeitserlaubnis bekannt'], ['Sprachkenntnisse B1'], 'unemployed');
  const job = await goal(cd.id, 'work', 'Arbeitsstelle in der Logistik', 30);
  await s.caseClosure.close(actor, {
    caseId: cd.id,
    kind: 'unplanned_by_client',
    reason: 'no_contact',
    goals: [{ goalId: job.id, status: 'not_reached' }],
  });
  return 4;
}
