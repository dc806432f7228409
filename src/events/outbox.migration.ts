/** The outbox table, identical in every subgraph schema. */
export const outboxTableSql = (schema: string): string[] => [
  `CREATE TABLE "${schema}".outbox (
    id uuid PRIMARY KEY,
    type text NOT NULL,
    person_id uuid,
    aggregate_type text NOT NULL,
    aggregate_id uuid NOT NULL,
    payload jsonb NOT NULL,
    actor_partner text NOT NULL,
    occurred_at timestamptz NOT NULL,
    published_at timestamptz,
    acked_at timestamptz
  )`,
  `CREATE INDEX outbox_unacked ON "${schema}".outbox (published_at) WHERE acked_at IS NULL`,
];

/** The append's trace context (W3C traceparent, 55 characters), added to every outbox table alike. */
export const outboxTraceContextSql = (schema: string): string[] => [
  `ALTER TABLE "${schema}".outbox ADD COLUMN trace_context text`,
];
export const dropOutboxTraceContextSql = (schema: string): string[] => [
  `ALTER TABLE "${schema}".outbox DROP COLUMN trace_context`,
];
