import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A language course provider (Sprachkursträger), a contractor connected to the hub as a partner. */
@Entity({ name: 'course_provider' })
export class CourseProviderEntity {
  @PrimaryColumn('uuid') id: string;
  /** The hub partner this provider is; it alone may create its courses. */
  @Column('text', { name: 'partner_slug', unique: true }) partnerSlug: string;
  @Column('text') name: string;
  @Column('text', { name: 'municipality_key' }) municipalityKey: string;
  @Column('text', { nullable: true }) street: string | null;
  @Column('text', { name: 'postal_code', nullable: true }) postalCode: string | null;
  @Column('text', { nullable: true }) locality: string | null;
  @Column('boolean') childcare: boolean;
  /** BAMF approval (Zulassung) as a course provider for integration courses, and until when. */
  @Column('text', { name: 'bamf_approval', nullable: true }) bamfApproval: string | null;
  @Column('date', { name: 'bamf_approved_until', nullable: true }) bamfApprovedUntil: string | null;
  /** City districts (Stadtteile) the provider serves with courses on site. */
  @Column('text', { name: 'served_districts', array: true }) servedDistricts: string[];
  @Column('text', { name: 'registered_by' }) registeredBy: string;
  @Column('timestamptz', { name: 'registered_at' }) registeredAt: Date;
}
