import type { Actor } from '../../src/shared/actor';
import type { ReferralEntity } from '../../src/subgraphs/hub/referral/referral.entity';
import type { CreateReferralInput } from '../../src/subgraphs/hub/referral/referral.types';
import { actorFor, ForPerson, mutate, WithContainer, WithGql, asHub } from './factory.support';

type Created = { id: string; status: string };

/**
 * A referral to create: to the VHS for an integration course (the jobcenter and the VHS hold a
 * legal basis for it), sent at once, unless overridden (`send: false` keeps it a draft).
 */
export const referralInput = (input: ForPerson<CreateReferralInput>): CreateReferralInput => ({
  receiver: 'vhs-rheine',
  purpose: 'integration_course_referral',
  referralType: 'integration_course',
  send: true,
  ...input,
});

/** Creates a referral through the hub's service, as `who`. */
export function createReferral(
  app: WithContainer,
  who: string | Actor,
  input: ForPerson<CreateReferralInput>,
): Promise<ReferralEntity> {
  return asHub(app, () => app.container.subgraphs.hub.services.referrals.create(actorFor(who), referralInput(input)));
}

/** Creates a referral through the API, as `sender`; returns its id and status. */
export function createReferralViaApi(
  app: WithGql,
  sender: string,
  input: ForPerson<CreateReferralInput>,
): Promise<Created> {
  const query = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id status } }`;
  return mutate(app, sender, 'createReferral', query, { input: referralInput(input) });
}
