import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A person's place in a course: on the waitlist, offered a seat, enrolled, or ended. */
@Entity({ name: 'enrolment' })
export class EnrolmentEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'course_id' }) courseId: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  /** waitlisted, offered, enrolled, completed, dropped, transferred (enrolment.state.ts). */
  @Column('text') status: string;
  /** Order on the course's waitlist (first come, first offered); kept after leaving it, for the record. */
  @Column('integer', { name: 'waitlist_position', nullable: true }) waitlistPosition: number | null;
  @Column('timestamptz', { name: 'waitlisted_at', nullable: true }) waitlistedAt: Date | null;
  @Column('timestamptz', { name: 'offered_at', nullable: true }) offeredAt: Date | null;
  @Column('timestamptz', { name: 'offer_expires_at', nullable: true }) offerExpiresAt: Date | null;
  @Column('timestamptz', { name: 'enrolled_at', nullable: true }) enrolledAt: Date | null;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt: Date | null;
  @Column('text', { name: 'end_reason', nullable: true }) endReason: string | null;
  /** The hub referral the enrolment came from, if any (an id only: the hub owns it). */
  @Column('uuid', { name: 'referral_id', nullable: true }) referralId: string | null;
  /** The course's municipality: row-level security scopes enrolments like their course. */
  @Column('text', { name: 'municipality_key' }) municipalityKey: string;
  // Participant facts, recorded where they arise; null means not known.
  @Column('boolean', { name: 'uses_childcare', nullable: true }) usesChildcare: boolean | null;
  @Column('boolean', { name: 'shift_worker', nullable: true }) shiftWorker: boolean | null;
  @Column('boolean', { nullable: true }) apprentice: boolean | null;
  @Column('boolean', { name: 'evening_participant', nullable: true }) eveningParticipant: boolean | null;
  @Column('boolean', { name: 'parallel_integration_course', nullable: true }) parallelIntegrationCourse: boolean | null;
  @Column('text', { name: 'created_by' }) createdBy: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

/** Whether an enrolled participant attended one session day. */
@Entity({ name: 'attendance' })
export class AttendanceEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'enrolment_id' }) enrolmentId: string;
  @Column('date', { name: 'session_on' }) sessionOn: string;
  @Column('boolean') present: boolean;
  @Column('text', { name: 'municipality_key' }) municipalityKey: string;
  @Column('text', { name: 'recorded_by' }) recordedBy: string;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt: Date;
}
