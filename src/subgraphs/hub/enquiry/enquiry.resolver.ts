import { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { wantsTotalCount } from '../../shared/connection.selection';
import { HubContext } from '../hub.context';
import { EmployerEnquiryEntity } from './enquiry.entity';
import { allowedEnquiryActions, EnquiryStatus } from './enquiry.state';
import {
  AnswerEnquiryInput,
  EmployerEnquiriesFilter,
  EmployerEnquiry,
  EmployerEnquiryConnection,
  EmployerEnquiryInput,
  EnquiryContact,
  EnquiryActionEnum,
  EnquiryRefInput,
} from './enquiry.types';

@ArgsType()
class EmployerEnquiriesArgs {
  @Field(() => EmployerEnquiriesFilter, { nullable: true }) filter?: EmployerEnquiriesFilter | null;
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

@Resolver(() => EmployerEnquiry)
export class EnquiryResolver {
  @Query(() => EmployerEnquiryConnection, {
    description:
      'Employer enquiries: an employer sees those it asked, the routed partner those routed to it (scope enquiries:write); newest first',
  })
  employerEnquiries(
    @Args(() => EmployerEnquiriesArgs) args: EmployerEnquiriesArgs,
    @Ctx() ctx: HubContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.services.enquiries.list(ctx.actor, {
      first: args.first,
      after: args.after,
      status: (args.filter?.status as EnquiryStatus | null | undefined) ?? null,
      count: wantsTotalCount(info),
    });
  }

  @Mutation(() => EmployerEnquiry, {
    description:
      'Ask a residence-law or workplace question (Arbeitgeberservice) as an employer partner; routed to the contact serving your municipality',
  })
  employerEnquiry(@Arg('input', () => EmployerEnquiryInput) input: EmployerEnquiryInput, @Ctx() ctx: HubContext) {
    return ctx.services.enquiries.ask(ctx.actor, input);
  }

  @Mutation(() => EmployerEnquiry, { description: 'Take an enquiry routed to you into work (received → in_progress)' })
  takeEnquiry(@Arg('input', () => EnquiryRefInput) input: EnquiryRefInput, @Ctx() ctx: HubContext) {
    return ctx.services.enquiries.take(ctx.actor, input);
  }

  @Mutation(() => EmployerEnquiry, { description: 'Answer an enquiry routed to you; the employer is told' })
  answerEnquiry(@Arg('input', () => AnswerEnquiryInput) input: AnswerEnquiryInput, @Ctx() ctx: HubContext) {
    return ctx.services.enquiries.answer(ctx.actor, input);
  }

  @Mutation(() => EmployerEnquiry, { description: 'Close your enquiry (the employer that asked)' })
  closeEnquiry(@Arg('input', () => EnquiryRefInput) input: EnquiryRefInput, @Ctx() ctx: HubContext) {
    return ctx.services.enquiries.close(ctx.actor, input);
  }

  @FieldResolver(() => EnquiryContact)
  async routedTo(@Root() e: EmployerEnquiryEntity, @Ctx() ctx: HubContext): Promise<EnquiryContact> {
    const p = await ctx.loaders.enquiryPartner.load(e.routedTo);
    const c = p?.contact ?? null;
    return {
      partner: e.routedTo,
      name: p?.name ?? e.routedTo,
      contact: c ? { name: c.name ?? null, email: c.email ?? null, phone: c.phone ?? null } : null,
    };
  }

  @FieldResolver(() => Boolean)
  employeeLinked(@Root() e: EmployerEnquiryEntity) {
    return e.employeePersonId !== null;
  }

  @FieldResolver(() => [EnquiryActionEnum])
  allowedActions(@Root() e: EmployerEnquiryEntity, @Ctx() ctx: HubContext) {
    const role = ctx.services.enquiries.roleOf(ctx.actor, e);
    return role ? allowedEnquiryActions(e.status, role) : [];
  }
}
