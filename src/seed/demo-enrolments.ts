import type { Actor } from '../shared/actor';
import type { EnrolmentService } from '../subgraphs/courses/enrolment/enrolment.service';
import type { EnrolInput } from '../subgraphs/courses/enrolment/enrolment.types';
import type { DemoCourse } from './demo-courses';
import { Random } from './demo-random';
import type { DemoPerson } from './demo-types';

/** A demo course as loaded: its generated fields and the id the courses service gave it. */
export type LoadedCourse = DemoCourse & { loadedId: string; provider: string };

/** Its own seed: the enrolments never change the persons or courses drawn before them. */
const ENROLMENT_SEED = 14_2026;

/**
 * Who sits in which demo course, in the order they enrol, as Rheine's language offensive looks:
 * 10–12 participants a course (never more than its places), about a third of the courses full with
 * a waitlist of 2–5, about 70 % women (only women in women-only courses), childcare used in
 * childcare courses, shift workers in evening courses, apprentices in apprentices' courses and
 * some who attend an integration course in parallel. Each person sits in one course at most.
 * Deterministic: the same persons and courses give the same plan.
 */
export function planDemoEnrolments(persons: DemoPerson[], courses: LoadedCourse[]): EnrolInput[] {
  const rng = new Random(ENROLMENT_SEED);
  const adults = (p: DemoPerson, on: string) => age(p.birthDate, on) >= 16 && age(p.birthDate, on) <= 64;
  const rheineFirst = [...persons].sort(
    (a, b) => Number(b.municipalityKey === '05566076') - Number(a.municipalityKey === '05566076'),
  );
  const women = rheineFirst.filter((p) => p.sex === 'female');
  const others = rheineFirst.filter((p) => p.sex !== 'female');
  const used = new Set<string>();
  const take = (pool: DemoPerson[], on: string): DemoPerson | undefined => {
    const p = pool.find((x) => !used.has(x.id) && adults(x, on));
    if (p) used.add(p.id);
    return p;
  };
  const plan: EnrolInput[] = [];
  for (const [i, c] of courses.entries()) {
    const full = i % 3 === 1;
    const count = full ? c.capacity + rng.int(2, 5) : Math.min(c.capacity, rng.int(10, 12));
    for (let i = 0; i < count; i++) {
      const woman = c.womenOnly || rng.chance(0.7);
      const p = take(woman ? women : others, c.startsOn) ?? (c.womenOnly ? undefined : take(rheineFirst, c.startsOn));
      if (!p) break;
      const evening = c.kind === 'evening_course' || c.kind === 'apprentice_course';
      plan.push({
        courseId: c.loadedId,
        personId: p.id,
        usesChildcare: c.childcare ? rng.chance(0.7) : false,
        shiftWorker: evening ? rng.chance(0.45) : null,
        apprentice: c.kind === 'apprentice_course' ? true : null,
        eveningParticipant: evening ? true : null,
        parallelIntegrationCourse: c.kind === 'integration_course' ? null : rng.chance(0.15),
      });
    }
  }
  return plan;
}

/** Enrols the plan through the service as each course's provider: seats and waitlists come out as they would. */
export async function seedDemoEnrolments(
  enrolments: EnrolmentService,
  courses: LoadedCourse[],
  plan: EnrolInput[],
  actorFor: (partner: string) => Actor,
): Promise<{ enrolled: number; waitlisted: number }> {
  const provider = new Map(courses.map((c) => [c.loadedId, c.provider]));
  const counts = { enrolled: 0, waitlisted: 0 };
  for (const input of plan) {
    const e = await enrolments.enrol(actorFor(provider.get(input.courseId)!), input);
    if (e.status === 'enrolled') counts.enrolled++;
    else counts.waitlisted++;
  }
  return counts;
}

function age(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
