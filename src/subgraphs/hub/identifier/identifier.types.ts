import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';

export enum IdentifierSystem {
  azr_number = 'azr_number',
  jobcenter_customer_number = 'jobcenter_customer_number',
  provider_participant_id = 'provider_participant_id',
  city_resident_id = 'city_resident_id',
  youth_welfare_case_id = 'youth_welfare_case_id',
}
registerEnumType(IdentifierSystem, { name: 'IdentifierSystem' });

@ObjectType({ description: "An agency's own identifier for a person" })
export class PersonIdentifier {
  @Field(() => ID) id: string;
  @Field(() => IdentifierSystem) system: IdentifierSystem;
  @Field(() => String) value: string;
  @Field(() => String, { description: 'Partner slug that issued it' }) issuedBy: string;
  @Field(() => DateTimeResolver) recordedAt: Date;
  personId: string;
}

@InputType()
export class AddPersonIdentifierInput {
  @Field(() => ID) personId: string;
  @Field(() => IdentifierSystem) system: IdentifierSystem;
  @Field(() => String) value: string;
}
