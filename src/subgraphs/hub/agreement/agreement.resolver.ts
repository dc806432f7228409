import { Args, ArgsType, Ctx, Field, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { HubContext } from '../hub.context';
import { Referral } from '../referral/referral.types';
import { deadlineState } from './agreement.service';
import { AgreementCompliance, CooperationAgreement, ReferralDeadline } from './agreement.types';

@ArgsType()
class AgreementsArgs {
  @Field(() => String, { nullable: true, description: 'Partner that answers' }) receiver?: string | null;
  @Field(() => String, { nullable: true }) referralType?: string | null;
}

@ArgsType()
class ComplianceArgs {
  @Field(() => DateTimeResolver, { description: 'Referrals sent at or after' }) from: Date;
  @Field(() => DateTimeResolver, { description: 'Referrals sent before' }) to: Date;
}

@Resolver(() => CooperationAgreement)
export class AgreementResolver {
  @Query(() => [CooperationAgreement], {
    description: 'Cooperation agreements: who answers which referral type within how many days (not personal data)',
  })
  cooperationAgreements(@Args(() => AgreementsArgs) args: AgreementsArgs, @Ctx() ctx: HubContext) {
    return ctx.services.agreements.list(ctx.actor, { receiver: args.receiver, referralType: args.referralType });
  }

  @Query(() => [AgreementCompliance], {
    description:
      'Per agreement and deadline: how the referrals sent in [from, to) were answered. Counts only, visible to every partner with partners:read',
  })
  agreementCompliance(@Args(() => ComplianceArgs) args: ComplianceArgs, @Ctx() ctx: HubContext) {
    return ctx.services.agreements.compliance(ctx.actor, args.from, args.to);
  }
}

@Resolver(() => Referral)
export class ReferralDeadlineResolver {
  @FieldResolver(() => [ReferralDeadline], {
    description: 'Deadlines of the cooperation agreement the referral was sent under (empty without one)',
  })
  async deadlines(@Root() r: Referral, @Ctx() ctx: HubContext): Promise<ReferralDeadline[]> {
    const now = ctx.services.agreements.now();
    return (await ctx.loaders.deadlines.load(r.id)).map((d) => ({
      kind: d.kind,
      agreementId: d.agreementId,
      dueAt: d.dueAt,
      metAt: d.metAt,
      breachedAt: d.breachedAt,
      closedAt: d.closedAt,
      state: deadlineState(d, now),
    }));
  }
}
