import { AuditCheckpoints1764960000000 } from './migrations/1764960000000-audit-checkpoints';
import { AuditGrants1764500000000 } from './migrations/1764500000000-audit-grants';
import { AuditInitial1764200000000 } from './migrations/1764200000000-audit-initial';
import { AuditConfigurationKind1765210000000 } from './migrations/1765210000000-audit-configuration-kind';

/** The audit log owns one PostgreSQL schema, migrated like a subgraph's (own migrations table in it). */
export const AUDIT_SCHEMA = 'audit';
export const auditMigrations = [
  AuditInitial1764200000000,
  AuditGrants1764500000000,
  AuditCheckpoints1764960000000,
  AuditConfigurationKind1765210000000,
];
