import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A cooperation agreement (Kooperationsvereinbarung): which receiver answers which referral type
 * within how many calendar days, whom to escalate to when it does not, and when it applies.
 * Data, not code: the steering group's binding decisions are rows of this table.
 */
@Entity({ name: 'cooperation_agreement' })
@Index('cooperation_agreement_lookup', ['receiver', 'referralType', 'validFrom'])
export class CooperationAgreementEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') receiver: string;
  @Column('text', { name: 'referral_type' }) referralType: string;
  @Column('int', { name: 'acknowledge_days', nullable: true }) acknowledgeDays: number | null;
  @Column('int', { name: 'decide_days', nullable: true }) decideDays: number | null;
  @Column('int', { name: 'start_days', nullable: true }) startDays: number | null;
  /** Partner slug that is told when a deadline passes (on_breach = escalate). */
  @Column('text', { name: 'escalate_to', nullable: true }) escalateTo: string | null;
  @Column('text', { name: 'on_breach' }) onBreach: string;
  @Column('date', { name: 'valid_from' }) validFrom: string;
  @Column('date', { name: 'valid_until', nullable: true }) validUntil: string | null;
  /** e.g. "Beschluss der Steuerungsgruppe vom 12.03.2019". */
  @Column('text', { name: 'statute_or_decision' }) statuteOrDecision: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

/**
 * One deadline of one referral under an agreement. Exactly one of met_at, breached_at, closed_at
 * ends it (met_at may follow breached_at when the receiver answers late); open while all are null.
 */
@Entity({ name: 'referral_deadline' })
export class ReferralDeadlineEntity {
  @PrimaryColumn('uuid', { name: 'referral_id' }) referralId: string;
  @PrimaryColumn('text') kind: string;
  @Column('uuid', { name: 'agreement_id' }) agreementId: string;
  /** When the referral was sent; deadlines count from here, compliance reports group by it. */
  @Column('timestamptz', { name: 'requested_at' }) requestedAt: Date;
  @Column('timestamptz', { name: 'due_at' }) dueAt: Date;
  @Column('timestamptz', { name: 'met_at', nullable: true }) metAt: Date | null;
  @Column('timestamptz', { name: 'breached_at', nullable: true }) breachedAt: Date | null;
  /** The referral ended (cancelled, expired, rejected before start, …) before the deadline was met: moot. */
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
