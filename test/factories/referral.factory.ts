import type { Actor } from '../../src/shared/actor';
import type { ReferralEntity } from '../../src/subgraphs/hub/referral/referral.entity';
import type { CreateReferralInput, CreateTransferInput } from '../../src/subgraphs/hub/referral/referral.types';
import { actorFor, ForPerson, mutate, WithContainer, WithGql } from './factory.support';

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
export function createReferral(app: WithContainer, who: string | Actor, input: ForPerson<CreateReferralInput>): Promise<ReferralEntity> {
  return app.container.subgraphs.hub.services.referrals.create(actorFor(who), referralInput(input));
}

/** Creates a referral through the API, as `sender`; returns its id and status. */
export function createReferralViaApi(app: WithGql, sender: string, input: ForPerson<CreateReferralInput>): Promise<{ id: string; status: string }> {
  const query = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id status } }`;
  return mutate(app, sender, 'createReferral', query, { input: referralInput(input) });
}

/** A transfer to create: the case handed from the asylum benefits office to the jobcenter, unless overridden. */
export const transferInput = (input: ForPerson<CreateTransferInput>): CreateTransferInput => ({
  receiver: 'jobcenter-steinfurt',
  purpose: 'benefit_handover',
  referralType: 'benefit_handover',
  ...input,
});

/** Creates a transfer (sent at once) through the API, as `sender`; returns its id and status. */
export function createTransferViaApi(app: WithGql, sender: string, input: ForPerson<CreateTransferInput>): Promise<{ id: string; status: string }> {
  const query = `mutation($input: CreateTransferInput!) { createTransfer(input: $input) { id status } }`;
  return mutate(app, sender, 'createTransfer', query, { input: transferInput(input) });
}
