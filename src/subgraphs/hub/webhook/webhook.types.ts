import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { Connection } from '../../shared/connection.types';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'dead', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const WebhookDeliveryStatusEnum = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, s])) as Record<
  DeliveryStatus,
  DeliveryStatus
>;
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description:
    'pending: queued or retrying; succeeded: a 2xx answer; dead: retries used up or 410 Gone; cancelled: not sent (e.g. no_basis)',
});

const MAX_CONCURRENCY = 'Most requests the hub sends this endpoint at once (1–100)';

@ObjectType({ description: 'A signing secret of an endpoint; only its first characters are ever shown again' })
export class WebhookSecret {
  @Field(() => ID) id: string;
  @Field(() => DateTimeResolver) createdAt: Date;
  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'Set during a rotation: the old secret signs too until then',
  })
  expiresAt: Date | null;
  @Field(() => String, { description: 'The first characters of the secret, to tell secrets apart' }) prefix: string;
}

@ObjectType({ description: 'An HTTPS endpoint of yours that receives signed event notifications (Standard Webhooks)' })
export class WebhookEndpoint {
  @Field(() => ID) id: string;
  @Field(() => String) url: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => [String], { description: 'Public event types, e.g. referral.requested' }) eventTypes: string[];
  @Field(() => Boolean) enabled: boolean;
  @Field(() => String, { nullable: true, description: 'Why the hub disabled it (e.g. the endpoint answered 410 Gone)' })
  disabledReason: string | null;
  @Field(() => Int, { nullable: true, description: `${MAX_CONCURRENCY}; null: the hub's default` }) maxConcurrency:
    number | null;
  @Field(() => DateTimeResolver) createdAt: Date;
  @Field(() => [WebhookSecret], { description: 'Secrets that currently sign requests' }) secrets: WebhookSecret[];
}

@ObjectType({ description: 'An endpoint with its new signing secret: shown this once, store it now' })
export class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint) endpoint: WebhookEndpoint;
  @Field(() => String, { description: 'whsec_… (base64 after the prefix)' }) secret: string;
}

@ObjectType({ description: 'One HTTP attempt of a delivery' })
export class WebhookAttempt {
  @Field(() => DateTimeResolver) at: Date;
  @Field(() => Int, { nullable: true, description: 'HTTP status, null when no answer arrived' }) statusCode:
    number | null;
  @Field(() => Int) latencyMs: number;
  @Field(() => String, { nullable: true, description: 'What went wrong (never the response body)' }) error:
    string | null;
}

@ObjectType({ description: 'One event for one endpoint; its id is the webhook-id header of every attempt' })
export class WebhookDelivery {
  @Field(() => ID) id: string;
  @Field(() => ID) endpointId: string;
  @Field(() => String) eventType: string;
  @Field(() => ID) eventId: string;
  @Field(() => ID, { nullable: true }) referralId: string | null;
  @Field(() => WebhookDeliveryStatusEnum) status: string;
  @Field(() => Int) attemptCount: number;
  @Field(() => [WebhookAttempt], { description: 'Oldest first' }) attempts: WebhookAttempt[];
  @Field(() => DateTimeResolver, { nullable: true }) nextAttemptAt: Date | null;
  @Field(() => DateTimeResolver) createdAt: Date;
  @Field(() => String, { nullable: true, description: 'no_basis, consent_withdrawn, …' }) cancelReason: string | null;
}

export const WebhookEndpointConnection = Connection('WebhookEndpoint', WebhookEndpoint);
export const WebhookDeliveryConnection = Connection('WebhookDelivery', WebhookDelivery);

@InputType()
export class CreateWebhookEndpointInput {
  @Field(() => String, { description: 'https URL (http only outside production)' }) url: string;
  @Field(() => [String], { description: 'Public event types to receive' }) eventTypes: string[];
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Int, { nullable: true, description: `${MAX_CONCURRENCY}; null: the hub's default` }) maxConcurrency?:
    number | null;
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => [String], { nullable: true }) eventTypes?: string[] | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'true resumes the deliveries that waited while it was disabled',
  })
  enabled?: boolean | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Int, { nullable: true, description: `${MAX_CONCURRENCY}; null resets it to the hub's default` })
  maxConcurrency?: number | null;
}

@InputType()
export class WebhookDeliveryFilter {
  @Field(() => ID, { nullable: true }) endpointId?: string | null;
  @Field(() => WebhookDeliveryStatusEnum, { nullable: true }) status?: string | null;
  @Field(() => String, { nullable: true }) eventType?: string | null;
}
