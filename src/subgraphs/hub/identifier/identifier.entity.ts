import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An agency-local identifier of a person: how a partner system finds "its" person in the hub. */
@Entity({ name: 'person_identifier' })
@Index('person_identifier_unique', ['system', 'issuedBy', 'value'], { unique: true })
export class PersonIdentifierEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  @Column('text') system: string;
  @Column('text') value: string;
  @Column('text', { name: 'issued_by' }) issuedBy: string;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt: Date;
}
