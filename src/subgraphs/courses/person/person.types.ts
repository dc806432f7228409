import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The city subgraph's `Person`, extended here with entitlements and enrolments; the gateway joins the rest by id. */
@Directive('@key(fields: "id")')
@ObjectType('Person')
export class CoursesPerson {
  @Field(() => ID) id: string;
}
