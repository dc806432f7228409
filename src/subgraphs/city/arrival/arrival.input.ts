import { isUuid } from '../../../shared/ids';
import { isoDay } from '../../../shared/time';
import { InputCheck } from '../../shared/validation';
import { FOLLOW_UP_KINDS, FollowUpKind, NOT_HELD_REASONS, NotHeldReason, Topic, TOPICS } from './arrival.state';

/** At most this many referrals are named as made at one visit. */
const MAX_REFERRALS = 20;

export interface PlanArrivalVisit {
  personId: string;
  plannedOn: Date | string;
  referralId?: string | null;
}
export interface RecordArrivalVisit {
  visitId: string;
  tookPlace: boolean;
  heldOn?: Date | string | null;
  notHeldReason?: string | null;
  welcomeFolder?: boolean | null;
  topics?: string[] | null;
  referralIds?: string[] | null;
}
export interface RecordFollowUp {
  visitId: string;
  contact: string;
  contactedOn?: Date | string | null;
}

/** What a plan must be: every refused field at once (BAD_USER_INPUT), before anything is read. */
export function checkPlan(input: PlanArrivalVisit, now: Date): { plannedOn: string; referralId: string | null } {
  const today = isoDay(now);
  const check = new InputCheck(now);
  check.require(isUuid(input.personId), 'personId is not a valid id', 'personId');
  const plannedOn = check.day(input.plannedOn, 'plannedOn');
  if (plannedOn)
    check.require(plannedOn >= today, `plannedOn must not lie in the past (today is ${today})`, 'plannedOn');
  const referralId = input.referralId ?? null;
  check.require(referralId === null || isUuid(referralId), 'referralId is not a valid id', 'referralId');
  check.done();
  return { plannedOn, referralId };
}

/** Held: the day (not in the future), codes and ids; not held: only the reason. */
export function checkRecord(
  input: RecordArrivalVisit,
  now: Date,
): { heldOn: string | null; reason: NotHeldReason | null; topics: Topic[]; referralIds: string[] } {
  const today = isoDay(now);
  const check = new InputCheck(now);
  check.require(isUuid(input.visitId), 'visitId is not a valid id', 'visitId');
  let heldOn: string | null = null;
  let reason: NotHeldReason | null = null;
  const topics = [...new Set(input.topics ?? [])] as Topic[];
  const referralIds = [...new Set(input.referralIds ?? [])];
  if (input.tookPlace) {
    if (input.heldOn === null || input.heldOn === undefined)
      check.refuse('heldOn is required when the visit took place', 'heldOn');
    else heldOn = check.day(input.heldOn, 'heldOn') || null;
    if (heldOn) check.require(heldOn <= today, `heldOn must not lie in the future (today is ${today})`, 'heldOn');
    check.require(input.notHeldReason == null, 'notHeldReason only when the visit did not take place', 'notHeldReason');
    check.require(
      topics.every((t) => (TOPICS as readonly string[]).includes(t)),
      `topics are codes: ${TOPICS.join(', ')}`,
      'topics',
    );
    check.require(
      referralIds.every(isUuid) && referralIds.length <= MAX_REFERRALS,
      `referralIds are at most ${MAX_REFERRALS} valid ids`,
      'referralIds',
    );
  } else {
    reason = (input.notHeldReason ?? null) as NotHeldReason | null;
    check.require(
      reason !== null && NOT_HELD_REASONS.includes(reason),
      `notHeldReason is required when the visit did not take place: ${NOT_HELD_REASONS.join(', ')}`,
      'notHeldReason',
    );
    for (const field of ['heldOn', 'welcomeFolder', 'topics', 'referralIds'] as const)
      check.require(input[field] == null, `${field} only when the visit took place`, field);
  }
  check.done();
  return { heldOn, reason, topics, referralIds };
}

/** A contact with its day (not in the future), or NONE without one. */
export function checkFollowUp(input: RecordFollowUp, now: Date): { kind: FollowUpKind; on: string | null } {
  const today = isoDay(now);
  const check = new InputCheck(now);
  check.require(isUuid(input.visitId), 'visitId is not a valid id', 'visitId');
  const kind = input.contact as FollowUpKind;
  check.require(FOLLOW_UP_KINDS.includes(kind), `contact is one of ${FOLLOW_UP_KINDS.join(', ')}`, 'contact');
  let on: string | null = null;
  if (kind === 'none')
    check.require(input.contactedOn == null, 'contactedOn only with a contact (not with NONE)', 'contactedOn');
  else if (input.contactedOn == null) check.refuse('contactedOn is required with a contact', 'contactedOn');
  else {
    on = check.day(input.contactedOn, 'contactedOn') || null;
    if (on) check.require(on <= today, `contactedOn must not lie in the future (today is ${today})`, 'contactedOn');
  }
  check.done();
  return { kind, on };
}
