import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ArrivalVisitStatus, FollowUpKind, FollowUpSource, NotHeldReason, Topic } from './arrival.state';

/** A visit of the arrival counselling team to a newly arrived family (docs/arrival-counselling.md). */
@Entity({ name: 'arrival_visit' })
export class ArrivalVisitEntity {
  @PrimaryColumn('uuid') id: string;
  /** The family's first adult the proposal was for. */
  @Column('uuid', { name: 'person_id' }) personId: string;
  @Column('uuid', { name: 'household_id', nullable: true }) householdId: string | null;
  /** The household, or the person when registered without one: one planned visit per family. */
  @Column('uuid', { name: 'family_id' }) familyId: string;
  /** The team (partner slug) that visits. */
  @Column('text') partner: string;
  /** The arrival referral the visit answers, when the proposal was one. */
  @Column('uuid', { name: 'referral_id', nullable: true }) referralId: string | null;
  @Column('text') status: ArrivalVisitStatus;
  @Column('date', { name: 'first_planned_on' }) firstPlannedOn: string;
  @Column('date', { name: 'planned_on' }) plannedOn: string;
  @Column('int', { name: 'reschedule_count' }) rescheduleCount: number;
  @Column('boolean', { name: 'took_place_as_planned', nullable: true }) tookPlaceAsPlanned: boolean | null;
  @Column('text', { name: 'not_held_reason', nullable: true }) notHeldReason: NotHeldReason | null;
  @Column('date', { name: 'held_on', nullable: true }) heldOn: string | null;
  @Column('boolean', { name: 'welcome_folder', nullable: true }) welcomeFolder: boolean | null;
  @Column('text', { array: true }) topics: Topic[];
  /** Referrals the team made for the family's members during the visit (hub referral ids). */
  @Column('uuid', { name: 'referral_ids', array: true }) referralIds: string[];
  /** held_on + 2 months: a contact by then counts for the follow-up indicator. */
  @Column('date', { name: 'follow_up_due_on', nullable: true }) followUpDueOn: string | null;
  @Column('text', { name: 'follow_up_kind', nullable: true }) followUpKind: FollowUpKind | null;
  @Column('date', { name: 'follow_up_on', nullable: true }) followUpOn: string | null;
  @Column('text', { name: 'follow_up_source', nullable: true }) followUpSource: FollowUpSource | null;
  @Column('boolean', { name: 'follow_up_in_time', nullable: true }) followUpInTime: boolean | null;
  /** The referral a derived follow-up was taken from. */
  @Column('uuid', { name: 'follow_up_referral_id', nullable: true }) followUpReferralId: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'recorded_at', nullable: true }) recordedAt: Date | null;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
