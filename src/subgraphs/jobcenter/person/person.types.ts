import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * The city subgraph's `Person`, extended here. A separate class (not city's) so this schema
 * gets only the fields this subgraph resolves; the gateway joins the rest by id.
 */
@Directive('@key(fields: "id")')
@ObjectType('Person')
export class JobcenterPerson {
  @Field(() => ID) id: string;
}
