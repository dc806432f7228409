import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { Connection } from '../../shared/connection.types';
import { Person } from '../person/person.types';

export enum DuplicateSuspicionStatus {
  open = 'open',
  confirmed = 'confirmed',
  dismissed = 'dismissed',
}
registerEnumType(DuplicateSuspicionStatus, {
  name: 'DuplicateSuspicionStatus',
  description: 'open: to be reviewed; confirmed: merged into one record; dismissed: two persons, not suggested again',
});

@ObjectType({
  description: 'Two person records that may be one person (Dublettenverdacht); never merged without a review',
})
export class DuplicateSuspicion {
  @Field(() => ID) id: string;
  @Field(() => Person, { description: 'The record registered first' }) personA: Person;
  @Field(() => Person) personB: Person;
  @Field(() => [String], {
    description:
      'Why: name_variant (transliteration variants of the names), birth_date (the same), shared_identifier:<system>',
  })
  reasons: string[];
  @Field(() => DuplicateSuspicionStatus) status: DuplicateSuspicionStatus;
  @Field(() => DateTimeResolver) detectedAt: Date;
  @Field(() => String, { nullable: true, description: 'Partner slug that confirmed or dismissed it' }) decidedBy:
    string | null;
  @Field(() => DateTimeResolver, { nullable: true }) decidedAt: Date | null;
  @Field(() => Person, { nullable: true, description: 'Confirmed: the record kept; the other is merged into it' })
  keptPerson: Person | null;
}

export const DuplicateSuspicionConnection = Connection('DuplicateSuspicion', DuplicateSuspicion);
export type DuplicateSuspicionConnection = InstanceType<typeof DuplicateSuspicionConnection>;

@InputType()
export class ConfirmDuplicateInput {
  @Field(() => ID) suspicionId: string;
  @Field(() => ID, {
    nullable: true,
    description: 'The record to keep (one of the two); default the one registered first',
  })
  keepPersonId?: string | null;
}

@InputType()
export class DismissDuplicateInput {
  @Field(() => ID) suspicionId: string;
  @Field(() => String, { nullable: true, description: 'Why these are two persons (no more than 500 characters)' })
  reason?: string | null;
}
