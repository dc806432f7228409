import type { HelpPlanReferralState } from './help-plan.ports';
import { isOverdue } from './help-plan.state';

/**
 * Why a case is on the worklist (Arbeitsliste), most urgent first; the weights add up to a case's
 * urgency. dropout_risk is the Mr A. pattern: in training, with open language and education goals
 * whose help-plan referrals are overdue; he drops out if nobody acts (docs/case-management-help-plan.md).
 */
export const WORKLIST_REASONS = [
  'dropout_risk',
  'overdue_referral',
  'missed_appointments',
  'goal_past_target',
] as const;
export type WorklistReason = (typeof WORKLIST_REASONS)[number];
const WEIGHT: Record<WorklistReason, number> = {
  dropout_risk: 8,
  overdue_referral: 4,
  missed_appointments: 2,
  goal_past_target: 1,
};

/** Missed appointments count when the last ones that were due (kept or missed) were all missed. */
export const MISSED_IN_A_ROW = 2;
/** The situation code of a person in training (assessment of education or work). */
export const IN_TRAINING = 'apprenticeship';

/** What the worklist's one query says of an open case. */
export interface CaseSignals {
  caseId: string;
  personId: string;
  openedAt: Date;
  /** The open goal past its target day, if any. */
  goalPastTarget: boolean;
  /** Statuses of the last MISSED_IN_A_ROW appointments that were due, newest first. */
  lastDue: string[];
  inTraining: boolean;
  /** Domains of the open goals among language and education. */
  openGoalDomains: string[];
  /** Help-plan items with a referral; goalDomain set when the item serves an open goal. */
  items: Array<{ referralId: string; dueOn: string | null; goalDomain: string | null }>;
}

export const DROPOUT_DOMAINS = ['language', 'education'];

/** The reasons a case needs attention on `today`, most urgent first (none: not on the list). */
export function worklistReasons(
  s: CaseSignals,
  states: ReadonlyMap<string, HelpPlanReferralState>,
  today: string,
): WorklistReason[] {
  const overdue = s.items.filter((i) => isOverdue(states.get(i.referralId), i.dueOn, today));
  const reasons: WorklistReason[] = [];
  const trainingAtRisk =
    s.inTraining &&
    DROPOUT_DOMAINS.every((d) => s.openGoalDomains.includes(d)) &&
    overdue.some((i) => i.goalDomain !== null && DROPOUT_DOMAINS.includes(i.goalDomain));
  if (trainingAtRisk) reasons.push('dropout_risk');
  if (overdue.length) reasons.push('overdue_referral');
  if (s.lastDue.length >= MISSED_IN_A_ROW && s.lastDue.every((st) => st === 'missed'))
    reasons.push('missed_appointments');
  if (s.goalPastTarget) reasons.push('goal_past_target');
  return reasons;
}

export const urgency = (reasons: readonly WorklistReason[]): number => reasons.reduce((sum, r) => sum + WEIGHT[r], 0);
