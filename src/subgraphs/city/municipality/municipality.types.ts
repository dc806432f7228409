import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A state, district or municipality, by its official key (AGS)' })
export class Municipality {
  @Field(() => String, { description: 'AGS, e.g. 05566076 for Rheine; 05566 is the district of Steinfurt' })
  key: string;
  @Field(() => String) name: string;
  @Field(() => String, { description: 'state, district or municipality' }) level: string;
}
