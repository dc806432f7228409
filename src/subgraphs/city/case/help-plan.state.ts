import type { HelpPlanReferralState } from './help-plan.ports';

/** A lower-case code, as referral types are (e.g. language_course, school_support). */
export const SERVICE_CODE = /^[a-z][a-z0-9_]{1,62}$/;

/**
 * The purpose a help-plan referral is sent for when the case manager names none: course providers
 * act for integration courses, everyone else is asked within case management.
 */
export function defaultPurpose(providerKind: string): string {
  return providerKind === 'course_provider' ? 'integration_course_referral' : 'case_management';
}

/**
 * Statuses in which the provider has not taken the person over (yet, or at all). A referral past
 * its day in one of these is overdue; accepted, started, held, completed or failed ones were taken
 * over, and a cancelled one was the holder's own decision.
 */
export const NOT_TAKEN_OVER: readonly string[] = ['draft', 'requested', 'received', 'rejected', 'expired'];

/**
 * Whether a help-plan referral is overdue on `today`: not taken over and either past the item's
 * dueOn (the day itself still counts as in time) or with an agreement deadline that has passed
 * unmet (overdue or breached).
 */
export function isOverdue(state: HelpPlanReferralState | null | undefined, dueOn: string | null, today: string) {
  if (!state || !NOT_TAKEN_OVER.includes(state.status)) return false;
  const due = dueOn ?? state.dueOn;
  if (due && due < today) return true;
  return state.deadlines.some((d) => d.state === 'overdue' || d.state === 'breached');
}
