import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One entry in a person's residence-status history, as recorded by the immigration office. */
@Entity({ name: 'residence_status' })
@Index('residence_status_person', ['personId', 'validFrom'])
export class ResidenceStatusEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  @Column('text') status: string;
  @Column('text', { name: 'legal_basis' }) legalBasis: string;
  @Column('date', { name: 'valid_from' }) validFrom: string;
  @Column('date', { name: 'valid_until', nullable: true }) validUntil: string | null;
  @Column('boolean', { name: 'residence_obligation' }) residenceObligation: boolean;
  @Column('boolean', { name: 'work_permitted' }) workPermitted: boolean;
  @Column('boolean', { name: 'integration_course_obligation' }) integrationCourseObligation: boolean;
  @Column('text', { name: 'recorded_by' }) recordedBy: string;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt: Date;
}
