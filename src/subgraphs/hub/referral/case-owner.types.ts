import { Field, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';

/** Who holds a person's case in one legal domain: an accepted transfer moves it (hub.case_owner). */
@ObjectType('CaseOwner', { description: 'The partner that holds the case, since when, and for which purpose' })
export class CaseOwner {
  /** Whose case it is: the resolver's loader key, not part of the API. */
  personId: string;
  @Field(() => String, { description: 'The partner (slug)' }) partner: string;
  @Field(() => String, { description: "The partner's name" }) name: string;
  @Field(() => DateTimeResolver, { description: 'Since when it holds the case (the transfer’s acceptance)' })
  since: Date;
  @Field(() => String, {
    nullable: true,
    description: 'The purpose of the transfer that moved the case here; null when recorded without one',
  })
  purpose: string | null;
}
