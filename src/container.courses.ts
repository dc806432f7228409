import { systemActor } from './shared/actor';
import type { ReferralLookup } from './subgraphs/courses/enrolment/enrolment.ports';
import type { ReferralService } from './subgraphs/hub/referral/referral.service';

/**
 * Enrolments reach the hub's referrals through this port only (ADR 0007): an accepted course
 * referral names the person, and enrolling starts it. The hub is built after the courses, so it
 * is asked for once requests or jobs run.
 */
export function enrolmentReferrals(referralsOf: () => ReferralService): ReferralLookup {
  const asEnrolment = () => systemActor('enrolment', 'enrolment');
  return {
    async acceptedFor(provider, referralId) {
      const r = await referralsOf().get(asEnrolment(), referralId);
      const accepted = r && r.receiver === provider && ['accepted', 'in_progress'].includes(r.status);
      return accepted && r.purpose === 'integration_course_referral' && r.kind === 'referral'
        ? { personId: r.personId, sender: r.sender }
        : null;
    },
    async senderOf(referralId) {
      return (await referralsOf().get(asEnrolment(), referralId))?.sender ?? null;
    },
    async start(actor, referralId) {
      const r = await referralsOf().get(asEnrolment(), referralId);
      if (r?.status === 'accepted' && r.receiver === actor.partner)
        await referralsOf().transition(actor, referralId, 'start');
    },
  };
}
