import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SuspicionStatus = 'open' | 'confirmed' | 'dismissed';

/** Two records that may be one person: an ordered pair (personA < personB), at most one row per pair. */
@Entity({ name: 'duplicate_suspicion' })
export class DuplicateSuspicionEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'person_a' }) personA: string;
  @Column('uuid', { name: 'person_b' }) personB: string;
  /** name_variant, birth_date, shared_identifier:<system>. */
  @Column('text', { array: true }) reasons: string[];
  @Column('text') status: SuspicionStatus;
  @Column('timestamptz', { name: 'detected_at' }) detectedAt: Date;
  @Column('text', { name: 'decided_by', nullable: true }) decidedBy: string | null;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt: Date | null;
  @Column('uuid', { name: 'kept_person_id', nullable: true }) keptPersonId: string | null;
  @Column('text', { name: 'decision_reason', nullable: true }) decisionReason: string | null;
}
