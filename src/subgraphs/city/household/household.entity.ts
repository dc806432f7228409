import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A household (Haushalt): the people who live together at one address. */
@Entity({ name: 'household' })
export class HouseholdEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'municipality_key' }) municipalityKey: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
