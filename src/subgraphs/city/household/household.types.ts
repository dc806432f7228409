import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'People who live together at one address' })
export class Household {
  @Field(() => ID) id: string;
  municipalityKey: string;
}
