import { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { wantsTotalCount } from '../../shared/connection.selection';
import { HubContext } from '../hub.context';
import { HubPerson } from '../hub.person';
import { ReferralEntity } from './referral.entity';
import { ReferralAction } from './referral.state';
import {
  CreateReferralInput,
  CreateTransferInput,
  OutcomeEnum,
  ReasonCodeEnum,
  Referral,
  ReferralConnection,
  ReferralFilter,
} from './referral.types';

@ArgsType()
class ReferralsArgs {
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
  @Field(() => ReferralFilter, { nullable: true }) filter?: ReferralFilter;
}

const view = (ctx: HubContext, r: ReferralEntity): Referral => ({
  ...r,
  person: { id: r.personId },
  allowedActions: ctx.services.referrals.actionsFor(ctx.actor, r),
});
const step = async (
  ctx: HubContext,
  id: string,
  action: ReferralAction,
  extra: { reasonCode?: string | null; outcome?: string | null } = {},
) => view(ctx, await ctx.services.referrals.transition(ctx.actor, id, action, extra));

@Resolver(() => Referral)
export class ReferralResolver {
  @Query(() => Referral, { nullable: true, description: 'A referral you sent or received' })
  async referral(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext) {
    const r = await ctx.services.referrals.get(ctx.actor, id);
    return r ? view(ctx, r) : null;
  }

  @Query(() => ReferralConnection, { description: 'Your inbox and outbox, newest first' })
  async referrals(
    @Args(() => ReferralsArgs) args: ReferralsArgs,
    @Ctx() ctx: HubContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const page = await ctx.services.referrals.list(ctx.actor, { ...args, count: wantsTotalCount(info) });
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: view(ctx, e.node) })) };
  }

  @Mutation(() => Referral, { description: 'Create a referral (a draft unless send: true)' })
  async createReferral(@Arg('input', () => CreateReferralInput) input: CreateReferralInput, @Ctx() ctx: HubContext) {
    return view(ctx, await ctx.services.referrals.create(ctx.actor, input));
  }

  @Mutation(() => Referral) sendReferral(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext) {
    return step(ctx, id, 'send');
  }
  @Mutation(() => Referral) acknowledgeReferral(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext) {
    return step(ctx, id, 'acknowledge');
  }
  @Mutation(() => Referral) acceptReferral(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext) {
    return step(ctx, id, 'accept');
  }
  @Mutation(() => Referral) startReferral(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext) {
    return step(ctx, id, 'start');
  }
  @Mutation(() => Referral) holdReferral(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext) {
    return step(ctx, id, 'hold');
  }

  @Mutation(() => Referral)
  rejectReferral(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => ReasonCodeEnum) reason: string,
    @Ctx() ctx: HubContext,
  ) {
    return step(ctx, id, 'reject', { reasonCode: reason });
  }

  @Mutation(() => Referral)
  completeReferral(
    @Arg('id', () => ID) id: string,
    @Arg('outcome', () => OutcomeEnum) outcome: string,
    @Ctx() ctx: HubContext,
  ) {
    return step(ctx, id, 'complete', { outcome });
  }

  @Mutation(() => Referral)
  failReferral(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => ReasonCodeEnum, { nullable: true }) reason: string | null,
    @Ctx() ctx: HubContext,
  ) {
    return step(ctx, id, 'fail', { reasonCode: reason });
  }

  @Mutation(() => Referral)
  cancelReferral(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => ReasonCodeEnum, { nullable: true }) reason: string | null,
    @Ctx() ctx: HubContext,
  ) {
    return step(ctx, id, 'cancel', { reasonCode: reason });
  }

  @Mutation(() => Referral, {
    description:
      'Send a rejected, failed, expired or cancelled referral to another receiver (a new referral linked to it)',
  })
  async redirectReferral(
    @Arg('id', () => ID) id: string,
    @Arg('receiver', () => String) receiver: string,
    @Ctx() ctx: HubContext,
  ) {
    return view(ctx, await ctx.services.referrals.redirect(ctx.actor, id, receiver));
  }

  @Mutation(() => Referral, {
    description: 'Hand a case over to another partner (change of legal domain, move); it moves on acceptance',
  })
  async createTransfer(@Arg('input', () => CreateTransferInput) input: CreateTransferInput, @Ctx() ctx: HubContext) {
    return view(ctx, await ctx.services.referrals.create(ctx.actor, { ...input, kind: 'transfer' }));
  }

  @Mutation(() => Referral) acceptTransfer(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext) {
    return step(ctx, id, 'accept');
  }

  @Mutation(() => Referral)
  rejectTransfer(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => ReasonCodeEnum) reason: string,
    @Ctx() ctx: HubContext,
  ) {
    return step(ctx, id, 'reject', { reasonCode: reason });
  }
}

@Resolver(() => HubPerson)
export class PersonReferralResolver {
  @FieldResolver(() => [Referral], { description: 'Referrals and transfers of this person that you sent or received' })
  async referrals(@Root() p: HubPerson, @Ctx() ctx: HubContext) {
    return (await ctx.loaders.referrals.load(p.id)).map((r) => view(ctx, r));
  }
}
