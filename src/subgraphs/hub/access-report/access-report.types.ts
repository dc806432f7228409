import { Field, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';

@ObjectType({ description: 'One access to a person’s data, from the audit log (DSGVO Art. 15: who has seen my data)' })
export class AccessReportEntry {
  @Field(() => DateTimeResolver) at: Date;
  @Field(() => String, { description: 'Partner that accessed the data' }) partner: string;
  @Field(() => String, { description: 'read, write or denied' }) kind: string;
  @Field(() => [String], { description: 'Data categories involved' }) categories: string[];
  @Field(() => String, { nullable: true }) purpose: string | null;
  @Field(() => String, {
    nullable: true,
    description: "legal_basis:<id>, consent:<id>, referral:<id> (a referral's steps, shown to its parties) or system",
  })
  basis: string | null;
  @Field(() => String, { nullable: true, description: 'GraphQL operation name' }) operation: string | null;
}
