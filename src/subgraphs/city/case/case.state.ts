/**
 * A case's phases as data (the report's case management): working alliance (agreement signed) →
 * assessment → goal agreement → help plan → monitoring → closed. A step names the phases it may
 * run in and the phase it leads to at least: phases only move forward (a step in a later phase
 * leaves it there), except `reopenCase`, the one documented way back (docs/case-management.md).
 */
export const CASE_PHASES = [
  'working_alliance',
  'assessment',
  'goal_agreement',
  'help_plan',
  'monitoring',
  'closed',
] as const;
export type CasePhase = (typeof CASE_PHASES)[number];

export const OPEN_PHASES: readonly CasePhase[] = CASE_PHASES.filter((p) => p !== 'closed');

export interface CaseStep {
  /** Phases the step may run in. */
  from: readonly CasePhase[];
  /** The phase the case is in at least afterwards (null: the step does not move it). */
  to: CasePhase | null;
  /** Only here: the phase moves back (reopen). */
  back?: true;
}

const AFTER_ASSESSMENT: readonly CasePhase[] = ['assessment', 'goal_agreement', 'help_plan', 'monitoring'];
const WITH_GOALS: readonly CasePhase[] = ['goal_agreement', 'help_plan', 'monitoring'];

/** Keys are the mutations' names: a CONFLICT lists the allowed ones as they are called. */
export const CASE_STEPS = {
  // A case opened from a transfer (eUMA track) starts before the agreement is signed: this signs it.
  confirmWorkingAlliance: { from: ['working_alliance'], to: null },
  recordAssessment: { from: ['working_alliance', ...AFTER_ASSESSMENT], to: 'assessment' },
  agreeGoal: { from: AFTER_ASSESSMENT, to: 'goal_agreement' },
  updateGoal: { from: WITH_GOALS, to: null },
  addHelpPlanItem: { from: WITH_GOALS, to: 'help_plan' },
  startMonitoring: { from: ['help_plan'], to: 'monitoring' },
  scheduleAppointment: { from: OPEN_PHASES, to: null },
  recordAppointment: { from: OPEN_PHASES, to: null },
  closeCase: { from: OPEN_PHASES, to: 'closed' },
  reopenCase: { from: ['closed'], to: 'monitoring', back: true },
} as const satisfies Record<string, CaseStep>;
export type CaseAction = keyof typeof CASE_STEPS;

export const CASE_ACTIONS = Object.keys(CASE_STEPS) as CaseAction[];

/** Steps possible before the working alliance is signed (a case opened from a transfer). */
const UNSIGNED: readonly CaseAction[] = [
  'confirmWorkingAlliance',
  'scheduleAppointment',
  'recordAppointment',
  'closeCase',
];

/** The steps a case allows now: by its phase, and before a signed working alliance only the unsigned ones. */
export function allowedCaseActions(phase: CasePhase, allianceSigned = true): CaseAction[] {
  return CASE_ACTIONS.filter((a) => mayRun(a, phase, allianceSigned));
}

export function mayRun(action: CaseAction, phase: CasePhase, allianceSigned = true): boolean {
  if (!(CASE_STEPS[action].from as readonly CasePhase[]).includes(phase)) return false;
  return allianceSigned ? action !== 'confirmWorkingAlliance' : UNSIGNED.includes(action);
}

/** The phase after `action` in `phase` (call only when mayRun): forward to its target, never back but for reopen. */
export function phaseAfter(action: CaseAction, phase: CasePhase): CasePhase {
  const step: CaseStep = CASE_STEPS[action];
  if (!step.to) return phase;
  if (step.back) return step.to;
  return CASE_PHASES.indexOf(step.to) > CASE_PHASES.indexOf(phase) ? step.to : phase;
}

export const LIFE_DOMAINS = [
  'residence',
  'language',
  'education',
  'work',
  'housing',
  'health',
  'family',
  'participation',
] as const;
export type LifeDomain = (typeof LIFE_DOMAINS)[number];

export const GOAL_STATUSES = ['proposed', 'open', 'reached', 'partly_reached', 'not_reached', 'dropped'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];
/** Statuses a goal leaves no more (goal attainment counts these at closure). */
export const SETTLED_GOAL: readonly GoalStatus[] = ['reached', 'partly_reached', 'not_reached', 'dropped'];

export const CLOSURE_KINDS = ['planned', 'unplanned_by_client', 'unplanned_by_case_manager'] as const;
export type ClosureKind = (typeof CLOSURE_KINDS)[number];

export const APPOINTMENT_STATUSES = ['scheduled', 'kept', 'missed', 'cancelled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const CASE_TRACKS = ['standard', 'euma'] as const;
export type CaseTrack = (typeof CASE_TRACKS)[number];
