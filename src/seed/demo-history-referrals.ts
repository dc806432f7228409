import type { Actor } from '../shared/actor';
import type { HistoricReferral } from '../subgraphs/hub/referral/referral.historic';
import type { ReferralService } from '../subgraphs/hub/referral/referral.service';
import { addDays, addMonths, ageOn } from './demo-random';
import type { DemoPerson } from './demo-types';

const RHEINE = '05566076';
const PROTECTION = ['entitled_to_asylum', 'recognised_refugee', 'subsidiary_protection'];

type Sketch = Omit<HistoricReferral, 'personId'> & { sender: string; who: (p: DemoPerson, on: string) => boolean };

const t = (day: string, hour: number) => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const firstOfMonth = (day: string) => `${addMonths(day, 1).slice(0, 7)}-01`;
const adult = (p: DemoPerson, on: string) => ageOn(p.birthDate, on) >= 18 && ageOn(p.birthDate, on) <= 60;

/**
 * Referrals and handovers of one year, by position (deterministic): integration-course referrals
 * of the jobcenter and the immigration office to the course providers, arrival-counselling
 * referrals of the immigration office to the team, benefit handovers of the asylum benefits office
 * to the jobcenter (due on the switch day, a few accepted some days late: the gaps) and handovers
 * of young people from youth welfare to adult services (due on the 18th birthday). Most accepted
 * within days; some rejected or failed. Everything ends before `until`.
 */
function sketches(year: string, scale: number, until: string): Sketch[] {
  const out: Sketch[] = [];
  const sent = (i: number, n: number) => addDays(`${year}-01-15`, Math.floor((i * 270) / n));
  const nCourse = 12 * scale;
  for (let i = 0; i < nCourse; i++) {
    const on = sent(i, nCourse);
    const receiver = i % 3 === 2 ? 'fbs-rheine' : 'vhs-rheine';
    const accepted = t(addDays(on, 2 + (i % 6)), 10);
    const steps: Sketch['steps'] =
      i % 7 === 5
        ? [
            { to: 'received', at: t(addDays(on, 1), 9) },
            { to: 'rejected', at: t(addDays(on, 4), 11), reasonCode: 'no_capacity' },
          ]
        : [
            { to: 'received', at: t(addDays(on, 1), 9) },
            { to: 'accepted', at: accepted },
            { to: 'in_progress', at: t(addDays(on, 14 + (i % 10)), 9) },
            i % 9 === 4
              ? { to: 'failed', at: t(addDays(on, 60), 12), reasonCode: 'not_reachable' }
              : {
                  to: 'completed',
                  at: t(minDay(addDays(on, 120), until), 12),
                  outcome: i % 5 === 1 ? 'partially_helped' : 'got_help',
                },
          ];
    out.push({
      kind: 'referral',
      sender: i % 4 === 3 ? 'rheine-abh' : 'jobcenter-steinfurt',
      receiver,
      purpose: 'integration_course_referral',
      referralType: 'integration_course',
      dueOn: null,
      sentAt: t(on, 8),
      steps,
      who: adult,
    });
  }
  const nArrival = 6 * scale;
  for (let i = 0; i < nArrival; i++) {
    const on = sent(i, nArrival);
    out.push({
      kind: 'referral',
      sender: 'rheine-abh',
      receiver: 'rheine-social',
      purpose: 'arrival_counselling',
      referralType: 'arrival_counselling',
      dueOn: null,
      sentAt: t(on, 9),
      steps: [
        { to: 'accepted', at: t(addDays(on, 1 + (i % 9)), 11) },
        { to: 'in_progress', at: t(addDays(on, 12), 10) },
        { to: 'completed', at: t(addDays(on, 30), 15), outcome: 'got_help' },
      ],
      who: adult,
    });
  }
  const nBenefit = 5 * scale;
  for (let i = 0; i < nBenefit; i++) {
    const on = sent(i, nBenefit);
    const due = firstOfMonth(addMonths(on, 1));
    // Most before the switch day; every fourth some days after it (a gap without benefits).
    const acceptedOn = i % 4 === 3 ? addDays(due, 3 + (i % 9)) : addDays(on, 2 + (i % 5));
    out.push({
      kind: 'transfer',
      sender: 'rheine-asylblg',
      receiver: 'jobcenter-steinfurt',
      purpose: 'benefit_handover',
      referralType: 'benefit_handover',
      dueOn: due,
      sentAt: t(on, 8),
      steps: [
        { to: 'received', at: t(addDays(on, 1), 9) },
        { to: 'accepted', at: t(acceptedOn, 10) },
      ],
      who: (p, day) => adult(p, day) && p.residence.some((r) => PROTECTION.includes(r.status) && r.validFrom <= day),
    });
  }
  const nYouth = 2 * scale + 1;
  for (let i = 0; i < nYouth; i++) {
    const on = sent(i, nYouth);
    out.push({
      kind: 'transfer',
      sender: 'rheine-youth',
      receiver: 'rheine-social',
      purpose: 'case_management',
      referralType: 'youth_to_adult',
      dueOn: addDays(on, 60),
      sentAt: t(on, 8),
      steps: [{ to: 'accepted', at: t(addDays(on, i % 3 === 2 ? 64 : 10 + i), 10) }],
      who: (p, day) => ageOn(p.birthDate, day) >= 16 && ageOn(p.birthDate, day) <= 19,
    });
  }
  return out;
}

function minDay(a: string, b: string): string {
  return a < b ? a : b;
}

/**
 * Loads the referrals of the pilot's last year (2019: no cooperation agreements yet, they came in
 * 2020) and of the current year (under the agreements, whose deadlines follow from the history),
 * each through `ReferralService.loadHistoric` as its sender. Persons: in Rheine before the referral,
 * by position, each at most once a year.
 */
export async function seedHistoricReferrals(
  referrals: ReferralService,
  persons: DemoPerson[],
  actorFor: (partner: string) => Actor,
  years: Array<{ year: string; scale: number }>,
  until: string,
): Promise<number> {
  let n = 0;
  for (const { year, scale } of years) {
    const used = new Set<string>();
    for (const s of sketches(year, scale, until)) {
      const day = s.sentAt.slice(0, 10);
      // Whom the sketch asks for; failing that (few young people in 2019), an adult of Rheine.
      const here = (x: DemoPerson) =>
        !used.has(x.id) && x.municipalityKey === RHEINE && x.registeredAt.slice(0, 10) < day;
      const p = persons.find((x) => here(x) && s.who(x, day)) ?? persons.find((x) => here(x) && adult(x, day));
      if (!p) continue;
      used.add(p.id);
      const { sender, who: _who, ...h } = s;
      await referrals.loadHistoric({ ...actorFor(sender), purpose: s.purpose }, { ...h, personId: p.id });
      n++;
    }
  }
  return n;
}
