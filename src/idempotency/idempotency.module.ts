import { IdempotencyInitial1765000000000 } from './migrations/1765000000000-idempotency-initial';

/** Idempotency keys own one PostgreSQL schema, migrated like the audit log's (own migrations table in it). */
export const IDEMPOTENCY_SCHEMA = 'idempotency';
export const idempotencyMigrations = [IdempotencyInitial1765000000000];
