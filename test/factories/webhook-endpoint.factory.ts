import type { CreateWebhookEndpointInput } from '../../src/subgraphs/hub/webhook/webhook.types';
import { mutate, WithGql } from './factory.support';

/** Overrides of an endpoint: the receiver's URL is the one thing a factory cannot choose. */
export type EndpointOverrides = Partial<CreateWebhookEndpointInput> & { url: string };

/** An endpoint to create: told of requested referrals, unless overridden. */
export const webhookEndpointInput = (input: EndpointOverrides): CreateWebhookEndpointInput => ({
  eventTypes: ['referral.requested'],
  ...input,
});

/** Creates a webhook endpoint through the API, as `partner`; returns its id and the signing secret. */
export async function createWebhookEndpoint(
  app: WithGql,
  partner: string,
  input: EndpointOverrides,
): Promise<{ id: string; secret: string }> {
  const query = `mutation($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) { endpoint { id } secret }
  }`;
  const variables = { input: webhookEndpointInput(input) };
  type Created = { endpoint: { id: string }; secret: string };
  const created = await mutate<Created>(app, partner, 'createWebhookEndpoint', query, variables);
  return { id: created.endpoint.id, secret: created.secret };
}
