import type { LifeDomain } from './case.state';

/**
 * The eUMA track (eUMA-Konzept: young adults leaving youth welfare): which transfer opens a case,
 * for whom, and the concept's goals, pre-filled as proposals the case manager agrees on with the
 * young adult (docs/case-management-help-plan.md).
 */

/** The transfer of the euma_turning_18 rule (src/rules/euma-turning-18.rule.ts). */
export const EUMA_TRANSFER = { referralType: 'youth_to_adult', purpose: 'case_management' } as const;
/** Only the advice & support team (kind social_services) runs the eUMA track. */
export const EUMA_RECEIVER_KIND = 'social_services';
/** Ages in full years, both included. */
export const EUMA_AGES = { min: 18, max: 27 } as const;
/** The worker reference of a case nobody was assigned to yet (a code, as every worker reference). */
export const UNASSIGNED_WORKER = 'unassigned';

/** The concept's goals, in German: city staff read them. */
export const EUMA_GOALS: ReadonlyArray<{ domain: LifeDomain; wording: string }> = [
  { domain: 'housing', wording: 'Selbstständiges Wohnen' },
  { domain: 'education', wording: 'Schulabschluss oder Ausbildung' },
  { domain: 'work', wording: 'Unabhängigkeit von Sozialleistungen' },
];

/** Full years of age on `day` (ISO days). */
export function ageOn(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/**
 * The day the age is checked on: the acceptance, or the transfer's due day when that is later. The
 * rule hands the case over a few months before the 18th birthday, due on the birthday: such a
 * young person is 18 when the receiver takes over, though 17 on the day of acceptance.
 */
export function eumaAgeDay(acceptedOn: string, dueOn: string | null): string {
  return dueOn && dueOn > acceptedOn ? dueOn : acceptedOn;
}

/** Whether a person of this birth date belongs to the eUMA track on `day`. */
export function inEumaAge(birthDate: string, day: string): boolean {
  const age = ageOn(birthDate, day);
  return age >= EUMA_AGES.min && age <= EUMA_AGES.max;
}
