import { PersonalData } from '../../../policy/personal-data';
import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { JobcenterContext } from '../jobcenter.context';
import { JobcenterPerson } from '../person/person.types';
import { JobcenterRecordEntity } from './record.entity';
import { ChangeBenefitStatusInput, JobcenterRecord, OpenJobcenterRecordInput } from './record.types';

@Resolver(() => JobcenterRecord)
export class JobcenterRecordResolver {
  @Query(() => JobcenterRecord, {
    nullable: true,
    description: 'A record in your jurisdiction by customer number, or null',
  })
  jobcenterRecord(@Arg('customerNumber', () => String) customerNumber: string, @Ctx() ctx: JobcenterContext) {
    return ctx.services.records.byCustomerNumber(ctx.actor, customerNumber);
  }

  @Mutation(() => JobcenterRecord, {
    description: 'Open a jobcenter record; a person has at most one that is not ended',
  })
  openJobcenterRecord(
    @Arg('input', () => OpenJobcenterRecordInput) input: OpenJobcenterRecordInput,
    @Ctx() ctx: JobcenterContext,
  ) {
    return ctx.services.records.open(ctx.actor, input);
  }

  @Mutation(() => JobcenterRecord, { description: 'Change the benefit status; an ended record cannot change' })
  changeBenefitStatus(
    @Arg('input', () => ChangeBenefitStatusInput) input: ChangeBenefitStatusInput,
    @Ctx() ctx: JobcenterContext,
  ) {
    return ctx.services.records.changeStatus(ctx.actor, input);
  }

  @FieldResolver(() => JobcenterPerson, { description: 'The person (owned by the city subgraph)' })
  person(@Root() r: JobcenterRecordEntity): JobcenterPerson {
    return { id: r.personId };
  }
}

@Resolver(() => JobcenterPerson)
export class PersonJobcenterResolver {
  @PersonalData('benefits')
  @FieldResolver(() => JobcenterRecord, {
    nullable: true,
    description: 'The open record, else the newest; null if none you may see',
  })
  async jobcenter(@Root() p: JobcenterPerson, @Ctx() ctx: JobcenterContext) {
    return ctx.services.records.current(await ctx.loaders.recordsByPerson.load(p.id));
  }
}
