import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A person's case at the jobcenter (SGB II), from application to the end of benefits. */
@Entity({ name: 'jobcenter_record' })
@Index('jobcenter_record_person', ['personId', 'startedOn'])
export class JobcenterRecordEntity {
  @PrimaryColumn('uuid') id: string;
  /** The city subgraph owns the person; the id is not checked here (the gateway joins). */
  @Column('uuid', { name: 'person_id' }) personId: string;
  /** Kundennummer, e.g. 845D123456. */
  @Column('text', { name: 'customer_number', unique: true }) customerNumber: string;
  @Column('text', { name: 'benefit_status' }) benefitStatus: string;
  /** Bedarfsgemeinschaftsnummer, e.g. 84503//0012345. */
  @Column('text', { name: 'household_community_number', nullable: true }) householdCommunityNumber: string | null;
  @Column('text', { name: 'municipality_key' }) municipalityKey: string;
  @Column('date', { name: 'started_on' }) startedOn: string;
  @Column('date', { name: 'ended_on', nullable: true }) endedOn: string | null;
  @Column('text', { name: 'opened_by' }) openedBy: string;
  @Column('timestamptz', { name: 'opened_at' }) openedAt: Date;
}
