import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { wantsTotalCount } from '../../shared/connection.selection';
import { HubContext } from '../hub.context';
import {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookDeliveryFilter,
  WebhookEndpoint,
  WebhookEndpointConnection,
  WebhookEndpointWithSecret,
} from './webhook.types';

@ArgsType()
class WebhookEndpointsArgs {
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

@ArgsType()
class WebhookDeliveriesArgs extends WebhookEndpointsArgs {
  @Field(() => WebhookDeliveryFilter, { nullable: true }) filter?: WebhookDeliveryFilter;
}

/** Your webhook endpoints and deliveries (scope webhooks:manage). */
@Resolver()
export class WebhookResolver {
  @Query(() => WebhookEndpointConnection, { description: 'Your webhook endpoints, oldest first' })
  webhookEndpoints(
    @Args(() => WebhookEndpointsArgs) args: WebhookEndpointsArgs,
    @Ctx() ctx: HubContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.services.webhooks.list(ctx.actor, { ...args, count: wantsTotalCount(info) });
  }

  @Query(() => WebhookDeliveryConnection, { description: 'Deliveries to your endpoints, newest first' })
  webhookDeliveries(
    @Args(() => WebhookDeliveriesArgs) args: WebhookDeliveriesArgs,
    @Ctx() ctx: HubContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.services.webhooks.deliveries(ctx.actor, { ...args, count: wantsTotalCount(info) });
  }

  @Mutation(() => WebhookEndpointWithSecret, {
    description: 'Register an endpoint; the signing secret is returned this once',
  })
  createWebhookEndpoint(
    @Arg('input', () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput,
    @Ctx() ctx: HubContext,
  ) {
    return ctx.services.webhooks.create(ctx.actor, input);
  }

  @Mutation(() => WebhookEndpoint)
  updateWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput,
    @Ctx() ctx: HubContext,
  ) {
    return ctx.services.webhooks.update(ctx.actor, id, input);
  }

  @Mutation(() => Boolean, { description: 'Delete an endpoint with its deliveries' })
  deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext) {
    return ctx.services.webhooks.delete(ctx.actor, id);
  }

  @Mutation(() => WebhookEndpointWithSecret, {
    description: 'A new signing secret; the previous ones keep signing for overlapHours (0–168)',
  })
  rotateWebhookSecret(
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('overlapHours', () => Int, { nullable: true, defaultValue: 24 }) overlapHours: number,
    @Ctx() ctx: HubContext,
  ) {
    return ctx.services.webhooks.rotate(ctx.actor, endpointId, overlapHours ?? 24);
  }

  @Mutation(() => WebhookDelivery, { description: 'Send a delivery again now, with the same webhook-id' })
  redeliverWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext) {
    return ctx.services.webhooks.redeliver(ctx.actor, id);
  }

  @Mutation(() => Int, {
    description: 'Send every dead delivery of an endpoint again (same webhook-ids); returns how many',
  })
  replayDeadLetters(@Arg('endpointId', () => ID) endpointId: string, @Ctx() ctx: HubContext) {
    return ctx.services.webhooks.replayDeadLetters(ctx.actor, endpointId);
  }
}
