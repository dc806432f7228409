import type { Actor } from '../shared/actor';
import type { EnrolInput } from '../subgraphs/courses/enrolment/enrolment.types';
import type { EntitlementService } from '../subgraphs/courses/entitlement/entitlement.service';
import { EntitlementBasis, EntitlementCourseKind } from '../subgraphs/courses/entitlement/entitlement.types';
import type { LoadedCourse } from './demo-enrolments';
import { Random } from './demo-random';
import type { DemoPerson } from './demo-types';

/** Its own seed: the entitlements never change what was drawn before them. */
const ENTITLEMENT_SEED = 14_1988;
const RHEINE = '05566076';
const ABH = 'rheine-abh';
const JOBCENTER = 'jobcenter-steinfurt';
/** People entitled who wait for a course: not in any course yet. */
const WAITING = 30;

/** The entitlement a demo course's seat uses (the same mapping as the courses subgraph). */
const KIND: Partial<Record<string, EntitlementCourseKind>> = {
  integration_course: EntitlementCourseKind.integration_course,
  youth_course: EntitlementCourseKind.integration_course,
  vocational_language: EntitlementCourseKind.job_language_course,
};

export interface DemoEntitlement {
  personId: string;
  courseKind: EntitlementCourseKind;
  issuer: string;
  basis: EntitlementBasis;
  /** A second body that obliges the person on the same entitlement (never a second certificate). */
  alsoObligedBy: string | null;
  /** The provider the person registered with, if any. */
  provider: string | null;
}

/**
 * Entitlements (Berechtigungsscheine) behind the demo enrolments, as Rheine's would look: everyone
 * in an integration or job-related language course holds one, registered at the course's provider
 * (taking the seat puts it in use); the immigration office issues most integration course
 * entitlements, the jobcenter obliges its customers (sometimes on the office's entitlement, as an
 * obliging body) and issues the job-related ones. Some more people are entitled and still wait
 * for a course, a few of them already registered with a provider. Deterministic.
 */
export function planDemoEntitlements(
  persons: DemoPerson[],
  courses: LoadedCourse[],
  plan: EnrolInput[],
): DemoEntitlement[] {
  const rng = new Random(ENTITLEMENT_SEED);
  const byId = new Map(persons.map((p) => [p.id, p]));
  const course = new Map(courses.map((c) => [c.loadedId, c]));
  const out: DemoEntitlement[] = [];
  for (const e of plan) {
    const c = course.get(e.courseId)!;
    const kind = KIND[c.kind];
    const p = byId.get(e.personId!)!;
    if (!kind) continue;
    const customer = !!p.jobcenter && p.jobcenter.benefitStatus !== 'ended';
    if (kind === EntitlementCourseKind.job_language_course || p.municipalityKey !== RHEINE) {
      out.push(entry(p, kind, JOBCENTER, EntitlementBasis.obligation, null, c.provider));
    } else if (customer && rng.chance(0.4)) {
      out.push(entry(p, kind, JOBCENTER, EntitlementBasis.obligation, null, c.provider));
    } else {
      const obliged = customer && rng.chance(0.5) ? JOBCENTER : null;
      out.push(entry(p, kind, ABH, EntitlementBasis.entitlement, obliged, c.provider));
    }
  }
  const taken = new Set(plan.map((e) => e.personId));
  const waiting = persons.filter((p) => !taken.has(p.id) && p.municipalityKey === RHEINE && adult(p)).slice(0, WAITING);
  for (const [i, p] of waiting.entries()) {
    const provider = i % 6 === 0 ? 'fbs-rheine' : i % 3 === 0 ? 'vhs-rheine' : null;
    out.push(entry(p, EntitlementCourseKind.integration_course, ABH, EntitlementBasis.entitlement, null, provider));
  }
  return out;
}

const entry = (
  p: DemoPerson,
  courseKind: EntitlementCourseKind,
  issuer: string,
  basis: EntitlementBasis,
  alsoObligedBy: string | null,
  provider: string | null,
): DemoEntitlement => ({ personId: p.id, courseKind, issuer, basis, alsoObligedBy, provider });

/** Issues, obliges and registers the plan through the ledger, as each body and provider would. */
export async function seedDemoEntitlements(
  entitlements: EntitlementService,
  plan: DemoEntitlement[],
  actorFor: (partner: string) => Actor,
): Promise<{ entitlements: number; obligingBodies: number; registered: number }> {
  const counts = { entitlements: 0, obligingBodies: 0, registered: 0 };
  for (const d of plan) {
    const e = await entitlements.issue(actorFor(d.issuer), {
      personId: d.personId,
      courseKind: d.courseKind,
      basis: d.basis,
    });
    counts.entitlements++;
    if (d.alsoObligedBy) {
      await entitlements.addObligingBody(actorFor(d.alsoObligedBy), {
        entitlementId: e.id,
        body: d.alsoObligedBy,
        basis: EntitlementBasis.obligation,
      });
      counts.obligingBodies++;
    }
    if (d.provider) {
      await entitlements.register(actorFor(d.provider), { entitlementId: e.id });
      counts.registered++;
    }
  }
  return counts;
}

function adult(p: DemoPerson): boolean {
  const year = Number(p.birthDate.slice(0, 4));
  return year <= 2006 && year >= 1962;
}
