import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'person' })
@Index('person_sort', ['familyName', 'givenName', 'id'])
export class PersonEntity {
  @PrimaryColumn('uuid') id: string;
  /** Official municipality key (AGS) of the place of residence. */
  @Column('text', { name: 'municipality_key' }) municipalityKey: string;
  @Column('text', { name: 'given_name' }) givenName: string;
  @Column('text', { name: 'family_name' }) familyName: string;
  /** Other spellings of the names, e.g. from other offices' transliterations. */
  @Column('text', { name: 'name_variants', array: true, default: () => "'{}'" }) nameVariants: string[];
  @Column('text', { name: 'search_names', array: true, default: () => "'{}'" }) searchNames: string[];
  @Column('date', { name: 'birth_date', nullable: true }) birthDate: string | null;
  @Column('text') sex: string;
  @Column('text', { array: true, default: () => "'{}'" }) nationalities: string[];
  @Column('text', { array: true, default: () => "'{}'" }) languages: string[];
  @Column('text', { nullable: true }) street: string | null;
  @Column('text', { name: 'house_number', nullable: true }) houseNumber: string | null;
  @Column('text', { name: 'postal_code', nullable: true }) postalCode: string | null;
  @Column('text', { nullable: true }) locality: string | null;
  @Column('text', { nullable: true }) district: string | null;
  @Column('uuid', { name: 'household_id', nullable: true }) householdId: string | null;
  /** The day the person arrived, when the registering office knows it (the new-arrival rule reads it). */
  @Column('date', { name: 'arrived_on', nullable: true }) arrivedOn: string | null;
  @Column('timestamptz', { name: 'registered_at' }) registeredAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  /** Set when a reviewer confirmed this record a duplicate of another (docs/duplicates.md): the record kept. */
  @Column('uuid', { name: 'merged_into', nullable: true }) mergedInto?: string | null;
  @Column('timestamptz', { name: 'merged_at', nullable: true }) mergedAt?: Date | null;
}
