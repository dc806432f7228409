import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One step of a person's integration biography, built from the domain events of every subgraph. */
@Entity({ name: 'biography_entry' })
@Index('biography_person', ['personId', 'occurredAt'])
export class BiographyEntryEntity {
  /** The event id: consuming an event twice writes one entry. */
  @PrimaryColumn('uuid', { name: 'event_id' }) eventId: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  @Column('text') source: string;
  @Column('text') type: string;
  @Column('text') summary: string;
  @Column('text') category: string;
  @Column('jsonb') data: Record<string, unknown>;
  @Column('text', { name: 'actor_partner' }) actorPartner: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt: Date;
}
