import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A referral (the sender keeps the case, the receiver acts for one purpose) or a transfer (the
 * case moves to the receiver on acceptance).
 */
@Entity({ name: 'referral' })
@Index('referral_receiver', ['receiver', 'status'])
@Index('referral_sender', ['sender', 'status'])
export class ReferralEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') kind: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  @Column('text') purpose: string;
  @Column('text', { name: 'referral_type' }) referralType: string;
  @Column('text') sender: string;
  @Column('text') receiver: string;
  @Column('text') status: string;
  @Column('text', { name: 'reason_code', nullable: true }) reasonCode: string | null;
  @Column('text', { nullable: true }) outcome: string | null;
  /** What let the sender pass the person's data to the receiver: legal_basis:<id> or consent:<id>. */
  @Column('text', { nullable: true }) basis: string | null;
  @Column('uuid', { name: 'parent_id', nullable: true }) parentId: string | null;
  /** By when the receiver must have taken over (e.g. the benefit switch of a handover); set by the sender. */
  @Column('date', { name: 'due_on', nullable: true }) dueOn: string | null;
  /** The pool the hub chose the receiver from, when the sender named none (referral.capacity.ts). */
  @Column('text', { name: 'receiver_pool', nullable: true }) receiverPool: string | null;
  @Column('int') version: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
