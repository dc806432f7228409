import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A person's informed consent: one purpose, named recipients, named categories; withdrawable at any time. */
@Entity({ name: 'consent' })
export class ConsentEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  @Column('text') purpose: string;
  @Column('text', { array: true }) recipients: string[];
  @Column('text', { array: true }) categories: string[];
  @Column('timestamptz', { name: 'given_at' }) givenAt: Date;
  @Column('timestamptz', { name: 'valid_until', nullable: true }) validUntil: Date | null;
  @Column('timestamptz', { name: 'withdrawn_at', nullable: true }) withdrawnAt: Date | null;
  @Column('text', { name: 'withdrawal_reason', nullable: true }) withdrawalReason: string | null;
  /** Where the signed form or the record of the oral consent is kept (no scan here). */
  @Column('text', { name: 'evidence_ref' }) evidenceRef: string;
  @Column('text', { name: 'given_by' }) givenBy: string;
  @Column('text', { name: 'recorded_by' }) recordedBy: string;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt: Date;
}
