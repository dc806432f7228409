import type { WithGql } from './factory.support';

/** What every arrival-visit test reads back. */
export const ARRIVAL_VISIT_FIELDS = `id personId householdId partner referralId status plannedOn firstPlannedOn rescheduleCount
  tookPlaceAsPlanned notHeldReason heldOn welcomeFolder topics referralIds followUpDueOn followUpContact followUpOn
  followUpSource followUpInTime followUpReferralId`;

type Answer = { status: number; body: { data?: any; errors?: any } };

/** The team's arrival-visit mutations, as `partner` acting for arrival counselling; the raw answer. */
export function arrivalMutation(
  app: WithGql,
  partner: string,
  mutation: 'planArrivalVisit' | 'recordArrivalVisit' | 'recordFollowUp',
  input: Record<string, unknown>,
): Promise<Answer> {
  const type = `${mutation[0].toUpperCase()}${mutation.slice(1)}Input`;
  return app.gql(
    partner,
    `mutation($input: ${type}!) { ${mutation}(input: $input) { ${ARRIVAL_VISIT_FIELDS} } }`,
    { input },
    { purpose: 'arrival_counselling' },
  );
}

/** Plans a visit (today unless given) as the advice & support team; returns the visit, throws with the errors otherwise. */
export async function planArrivalVisitViaApi(
  app: WithGql,
  input: { personId: string; plannedOn: string; referralId?: string | null },
  partner = 'rheine-social',
): Promise<any> {
  const res = await arrivalMutation(app, partner, 'planArrivalVisit', input);
  if (res.body.errors) throw new Error(`planArrivalVisit failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.planArrivalVisit;
}

/** Records the visit as held on `heldOn` (and whatever else is given), as the team. */
export async function recordArrivalVisitViaApi(
  app: WithGql,
  input: { visitId: string; tookPlace: boolean } & Record<string, unknown>,
  partner = 'rheine-social',
): Promise<any> {
  const res = await arrivalMutation(app, partner, 'recordArrivalVisit', input);
  if (res.body.errors) throw new Error(`recordArrivalVisit failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.recordArrivalVisit;
}
