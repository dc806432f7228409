import type { EntitlementMoveTarget } from '../shared/course-moves';
import { partner, partnersServing, RuleDeps, ruleActor, serves } from './rule-support';

/** The purpose a course provider takes a person for (the referral purpose of integration courses). */
const COURSE_PURPOSE = 'integration_course_referral';
/** Partners through which an entitlement can still be handled in a municipality. */
const CONNECTED_KINDS = ['course_provider', 'immigration_office', 'jobcenter'];

/**
 * The move rule's part for courses: each active entitlement follows the person to the new
 * municipality. One held by a provider that does not serve it is transferred (the same entry,
 * reason moved_away) to the most local active course provider serving it for integration
 * courses; with none it is released (status issued again, no provider: the old provider is told
 * to let go and any provider there may register it later); where no connected partner at all
 * serves the new municipality it leaves Lotse with the person (status transferred). Acts as the
 * hub (partner `lotse`); idempotent for the event id. Enrolments follow through their own hook.
 */
export async function moveCourses(
  deps: RuleDeps,
  eventId: string,
  p: { personId: string; fromMunicipalityKey: string; toMunicipalityKey: string },
): Promise<void> {
  const to = p.toMunicipalityKey;
  const held = await deps.entitlements.activeOf(p.personId);
  if (held.length) {
    const [next] = await partnersServing(deps.hub, {
      kind: 'course_provider',
      municipalityKey: to,
      purpose: COURSE_PURPOSE,
    });
    const connected = !!next || (await anyConnected(deps, to));
    for (const e of held) {
      const target = await targetOf(deps, e.registeredProvider, to, next?.slug ?? null, connected);
      await deps.entitlements.followMove(ruleActor('moved', 'lotse', eventId), {
        entitlementId: e.id,
        eventId,
        toMunicipalityKey: to,
        target,
      });
    }
  }
  await deps.enrolments?.transferForMove(p.personId, p.fromMunicipalityKey, to, eventId);
}

async function targetOf(
  deps: RuleDeps,
  provider: string | null,
  to: string,
  next: string | null,
  connected: boolean,
): Promise<EntitlementMoveTarget> {
  if (!connected) return { kind: 'handOver' };
  if (!provider) return { kind: 'stay' };
  const current = await partner(deps.hub, provider);
  if (current?.active && serves(current, to)) return { kind: 'stay' };
  return next ? { kind: 'transfer', toProvider: next } : { kind: 'release' };
}

async function anyConnected(deps: RuleDeps, municipalityKey: string): Promise<boolean> {
  for (const kind of CONNECTED_KINDS)
    if ((await partnersServing(deps.hub, { kind, municipalityKey })).length) return true;
  return false;
}
