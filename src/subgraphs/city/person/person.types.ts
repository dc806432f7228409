import { PersonalData } from '../../../policy/personal-data';
import { Directive, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { Connection } from '../../shared/connection.types';

export enum Sex {
  female = 'female',
  male = 'male',
  diverse = 'diverse',
  unknown = 'unknown',
}
registerEnumType(Sex, { name: 'Sex', description: 'Sex as registered (PStG: female, male, diverse, or not stated)' });

@ObjectType({ description: 'A postal address in Germany' })
export class Address {
  @Field(() => String, { nullable: true }) street: string | null;
  @Field(() => String, { nullable: true }) houseNumber: string | null;
  @Field(() => String, { nullable: true }) postalCode: string | null;
  @Field(() => String, { nullable: true }) locality: string | null;
  @Field(() => String, { nullable: true, description: 'City district (Stadtteil), e.g. Dorenkamp' }) district:
    string | null;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A person known to the city. Owned by the city subgraph; other subgraphs extend it.' })
export class Person {
  @Field(() => ID) id: string;
  @PersonalData('identity')
  @Field(() => String, { nullable: true })
  givenName: string;
  @PersonalData('identity')
  @Field(() => String, { nullable: true })
  familyName: string;
  @PersonalData('identity')
  @Field(() => [String], { description: 'Other spellings of the names (transliteration variants)', nullable: true })
  nameVariants: string[];
  @PersonalData('identity')
  @Field(() => DateResolver, { nullable: true })
  birthDate: string | null;
  @PersonalData('identity')
  @Field(() => Sex, { nullable: true })
  sex: Sex;
  @PersonalData('identity')
  @Field(() => [String], { description: 'ISO 3166-1 alpha-2 codes', nullable: true })
  nationalities: string[];
  @PersonalData('identity')
  @Field(() => [String], { description: 'ISO 639-1 codes', nullable: true })
  languages: string[];
  // `address` is declared by PersonResolver's field resolver only: declared here as well, its
  // @personalData directive would be dropped from the SDL (the guard would still run).
  @PersonalData('contact')
  @Field(() => String, { description: 'Official municipality key (AGS) of the place of residence', nullable: true })
  municipalityKey: string;
  @Field(() => DateTimeResolver) registeredAt: Date;
  // `mergedInto` is declared by PersonResolver's field resolver only (as `address`).
  @PersonalData('identity')
  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'When this record was merged into another after a confirmed duplicate suspicion (see mergedInto)',
  })
  mergedAt: Date | null;
  householdId: string | null;
}

export const PersonConnection = Connection('Person', Person);
export type PersonConnection = InstanceType<typeof PersonConnection>;

@InputType({ description: 'Filters for persons; all given filters must match' })
export class PersonFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Matches given or family name or a variant, tolerant of transliteration',
  })
  name?: string;
  @Field(() => String, { nullable: true, description: 'AGS or an AGS prefix' }) municipalityKey?: string;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' }) nationality?: string;
  @Field(() => String, { nullable: true }) district?: string;
  @Field(() => ID, { nullable: true }) householdId?: string;
}

@InputType()
export class AddressInput {
  @Field(() => String, { nullable: true }) street?: string;
  @Field(() => String, { nullable: true }) houseNumber?: string;
  @Field(() => String, { nullable: true }) postalCode?: string;
  @Field(() => String, { nullable: true }) locality?: string;
  @Field(() => String, { nullable: true }) district?: string;
}

@InputType()
export class RegisterPersonInput {
  @Field(() => String) givenName: string;
  @Field(() => String) familyName: string;
  @Field(() => [String], { nullable: true }) nameVariants?: string[];
  @Field(() => DateResolver, { nullable: true }) birthDate?: Date | string;
  @Field(() => Sex, { nullable: true }) sex?: Sex;
  @Field(() => [String], { nullable: true }) nationalities?: string[];
  @Field(() => [String], { nullable: true }) languages?: string[];
  @Field(() => String) municipalityKey: string;
  @Field(() => AddressInput, { nullable: true }) address?: AddressInput;
  @Field(() => ID, { nullable: true, description: 'Join an existing household' }) householdId?: string;
  @Field(() => Boolean, { nullable: true, description: 'Start a new household with this person' })
  newHousehold?: boolean;
  @Field(() => DateResolver, {
    nullable: true,
    description:
      'Day of arrival, if known; a long-settled person (RULE_ARRIVAL_MAX_AGE_DAYS) gets no arrival counselling',
  })
  arrivedOn?: Date | string;
}

@InputType()
export class MovePersonInput {
  @Field(() => ID) personId: string;
  @Field(() => String) municipalityKey: string;
  @Field(() => AddressInput, { nullable: true }) address?: AddressInput;
}
