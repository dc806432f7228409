import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The hub's view of `Person` (owned by city): only the key; the hub adds identifiers, biography, referrals and case owners. */
@Directive('@key(fields: "id")')
@ObjectType('Person')
export class HubPerson {
  @Field(() => ID) id: string;
}
