import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where a partner wants to be told of events (ids and codes; personal data only at send time). */
@Entity({ name: 'webhook_endpoint' })
@Index('webhook_endpoint_partner', ['partner', 'createdAt', 'id'])
export class WebhookEndpointEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') partner: string;
  @Column('text') url: string;
  @Column('text', { nullable: true }) description: string | null;
  @Column('text', { name: 'event_types', array: true }) eventTypes: string[];
  @Column('boolean') enabled: boolean;
  @Column('text', { name: 'disabled_reason', nullable: true }) disabledReason: string | null;
  /** Requests in flight at once (1–100); null: the deployment's WEBHOOK_ENDPOINT_CONCURRENCY. */
  @Column('int', { name: 'max_concurrency', nullable: true }) maxConcurrency: number | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

/**
 * A signing secret of an endpoint. Kept readable: HMAC signing needs the secret itself. One
 * without expiry is current; during a rotation the previous one signs too until it expires.
 */
@Entity({ name: 'webhook_secret' })
export class WebhookSecretEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'endpoint_id' }) endpointId: string;
  @Column('text') secret: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt: Date | null;
}

/**
 * One event for one endpoint: the source of truth for its delivery (Redis only holds the timer).
 * Its id is the `webhook-id` every attempt and redelivery sends.
 */
@Entity({ name: 'webhook_delivery' })
export class WebhookDeliveryEntity {
  @PrimaryColumn('text') id: string;
  @Column('uuid', { name: 'endpoint_id' }) endpointId: string;
  @Column('text') partner: string;
  @Column('text', { name: 'event_type' }) eventType: string;
  @Column('uuid', { name: 'event_id' }) eventId: string;
  /** Outbox (subgraph) the event came from. */
  @Column('text', { name: 'event_source' }) eventSource: string;
  @Column('uuid', { name: 'person_id', nullable: true }) personId: string | null;
  @Column('uuid', { name: 'referral_id', nullable: true }) referralId: string | null;
  /** Ids and codes the event type names for its recipients (catalogue `details`); null for most types. */
  @Column('jsonb', { nullable: true }) details: Record<string, string | number | boolean | null> | null;
  /** Data category the event reveals: the partner needs a basis for it when it is sent. */
  @Column('text') category: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('text') status: string;
  @Column('int', { name: 'attempt_count' }) attemptCount: number;
  /** Attempts made before the last redelivery or replay: the retry schedule starts again after them. */
  @Column('int', { name: 'retry_base' }) retryBase: number;
  /** Null while pending: the endpoint is disabled and the delivery waits for it. */
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt: Date | null;
  @Column('text', { name: 'cancel_reason', nullable: true }) cancelReason: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

/** One HTTP attempt of a delivery: no response bodies, no personal data. */
@Entity({ name: 'webhook_attempt' })
export class WebhookAttemptEntity {
  @PrimaryColumn('text', { name: 'delivery_id' }) deliveryId: string;
  @PrimaryColumn('int') attempt: number;
  @Column('timestamptz') at: Date;
  @Column('int', { name: 'status_code', nullable: true }) statusCode: number | null;
  @Column('int', { name: 'latency_ms' }) latencyMs: number;
  @Column('text', { nullable: true }) error: string | null;
}
