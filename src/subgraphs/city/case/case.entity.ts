import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AppointmentStatus, CasePhase, CaseTrack, ClosureKind, GoalStatus, LifeDomain } from './case.state';

/**
 * A case of case management (docs/case-management.md): one client (a person, or a household with
 * the person as its contact), held by one partner, worked by a case manager known only by a
 * pseudonymous worker reference.
 */
@Entity({ name: 'client_case' })
export class CaseEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  /** Set when the case is the household's; personId is then its contact person. */
  @Column('uuid', { name: 'household_id', nullable: true }) householdId: string | null;
  /** The case manager's organisation (partner slug): the case's holder. */
  @Column('text') partner: string;
  /** The case manager: a pseudonymous reference the partner assigns (e.g. cm-17), never a name. */
  @Column('text', { name: 'worker_ref' }) workerRef: string;
  @Column('text') phase: CasePhase;
  @Column('text') track: CaseTrack;
  /** The day the working alliance (Arbeitsbündnis) was signed. */
  @Column('date', { name: 'alliance_signed_on', nullable: true }) allianceSignedOn: string | null;
  /** The accepted transfer the case was opened from (eUMA track), if any. */
  @Column('uuid', { name: 'source_referral_id', nullable: true }) sourceReferralId: string | null;
  @Column('timestamptz', { name: 'opened_at' }) openedAt: Date;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('text', { name: 'closure_kind', nullable: true }) closureKind: ClosureKind | null;
  /** A code (e.g. moved_away, no_contact, goals_reached); required for an unplanned closure. */
  @Column('text', { name: 'closure_reason', nullable: true }) closureReason: string | null;
  @Column('int') version: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

/** Problems and resources in one life domain; health is special-category data (its own category). */
@Entity({ name: 'case_assessment' })
export class CaseAssessmentEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'case_id' }) caseId: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  @Column('text') domain: LifeDomain;
  @Column('text', { array: true }) problems: string[];
  @Column('text', { array: true }) resources: string[];
  /** The person's situation in the domain as a code, e.g. education/work: apprenticeship, school, employed, unemployed. */
  @Column('text', { nullable: true }) situation: string | null;
  @Column('date', { name: 'assessed_on' }) assessedOn: string;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt: Date;
}

@Entity({ name: 'case_goal' })
export class CaseGoalEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'case_id' }) caseId: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  @Column('text') domain: LifeDomain;
  @Column('text') wording: string;
  /** null while only proposed (the eUMA track's pre-filled goals). */
  @Column('date', { name: 'agreed_on', nullable: true }) agreedOn: string | null;
  @Column('date', { name: 'target_on', nullable: true }) targetOn: string | null;
  @Column('text') status: GoalStatus;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

@Entity({ name: 'case_appointment' })
export class CaseAppointmentEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'case_id' }) caseId: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  @Column('timestamptz', { name: 'scheduled_at' }) scheduledAt: Date;
  @Column('text') status: AppointmentStatus;
  /** A cancelled appointment: client or case_manager. */
  @Column('text', { name: 'cancelled_by', nullable: true }) cancelledBy: string | null;
  @Column('timestamptz', { name: 'recorded_at', nullable: true }) recordedAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

/** A service of the help plan at a provider partner, with the referral that sends the person there. */
@Entity({ name: 'case_help_plan_item' })
export class CaseHelpPlanItemEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'case_id' }) caseId: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  /** The goal the item serves, if any. */
  @Column('uuid', { name: 'goal_id', nullable: true }) goalId: string | null;
  /** A code, e.g. language_course, school_support, housing_advice, psychological_support. */
  @Column('text') service: string;
  /** The provider partner (slug). */
  @Column('text') provider: string;
  @Column('uuid', { name: 'referral_id', nullable: true }) referralId: string | null;
  /** By when the provider should have taken over (the referral's dueOn). */
  @Column('date', { name: 'due_on', nullable: true }) dueOn: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
