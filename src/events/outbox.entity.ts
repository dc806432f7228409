import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One table per subgraph schema (the DataSource's schema decides which). */
@Entity({ name: 'outbox' })
@Index('outbox_unacked', ['publishedAt'], { where: 'acked_at IS NULL' })
export class OutboxEvent {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  type: string;

  @Column('uuid', { name: 'person_id', nullable: true })
  personId: string | null;

  @Column('text', { name: 'aggregate_type' })
  aggregateType: string;

  @Column('uuid', { name: 'aggregate_id' })
  aggregateId: string;

  @Column('jsonb')
  payload: Record<string, unknown>;

  @Column('text', { name: 'actor_partner' })
  actorPartner: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt: Date | null;

  @Column('timestamptz', { name: 'acked_at', nullable: true })
  ackedAt: Date | null;

  /** W3C `traceparent` of the append, when tracing was on: the relay and the worker continue its trace. */
  @Column('text', { name: 'trace_context', nullable: true })
  traceContext: string | null;
}
