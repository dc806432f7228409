import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EnquiryStatus, EnquiryTopic } from './enquiry.state';

/**
 * An employer's question to the city (docs/employer-service.md): asked by a partner of kind
 * employer, answered by the partner it was routed to. An employee is named only through a consent.
 */
@Entity({ name: 'employer_enquiry' })
export class EmployerEnquiryEntity {
  @PrimaryColumn('uuid') id: string;
  /** The employer partner (slug) that asked. */
  @Column('text') employer: string;
  @Column('text') topic: EnquiryTopic;
  /** The employer's free text; shown to the employer and the routed partner only. */
  @Column('text') question: string;
  @Column('boolean', { name: 'on_site_visit_wanted' }) onSiteVisitWanted: boolean;
  /** The partner (slug) that answers: the immigration office or the social worker team. */
  @Column('text', { name: 'routed_to' }) routedTo: string;
  /** The employee's consent that links the person; null for an enquiry about no one. */
  @Column('uuid', { name: 'employee_consent_id', nullable: true }) employeeConsentId: string | null;
  /** The consent's person (shown only under the policy). */
  @Column('uuid', { name: 'employee_person_id', nullable: true }) employeePersonId: string | null;
  @Column('text') status: EnquiryStatus;
  @Column('text', { nullable: true }) answer: string | null;
  @Column('timestamptz', { name: 'received_at' }) receivedAt: Date;
  @Column('timestamptz', { name: 'answered_at', nullable: true }) answeredAt: Date | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('int') version: number;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
