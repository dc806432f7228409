import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';

@ObjectType({ description: "A step in a person's integration biography, from any agency" })
export class BiographyEntry {
  @Field(() => ID, { description: 'The id of the domain event' }) id: string;
  @Field(() => String, { description: 'Event type, e.g. person.residence_status_recorded' }) type: string;
  @Field(() => String, { description: 'Subgraph the event came from' }) source: string;
  @Field(() => String, { description: 'Partner that caused it' }) actor: string;
  @Field(() => String, { description: 'One line, in plain words' }) summary: string;
  @Field(() => String, { description: 'Data category the entry reveals' }) category: string;
  @Field(() => JSONObjectResolver, { description: 'Codes and ids of the event' }) data: Record<string, unknown>;
  @Field(() => DateTimeResolver) occurredAt: Date;
}
