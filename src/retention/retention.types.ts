import { DataSource, EntityManager } from 'typeorm';
import { DataCategory } from '../policy/policy.vocabulary';

/** What happens to a record whose retention period has passed. */
export const RETENTION_ACTIONS = ['erase', 'pseudonymise'] as const;
export type RetentionAction = (typeof RETENTION_ACTIONS)[number];

/**
 * The kinds of record a retention rule can govern. Each is owned by one subgraph schema and has
 * exactly one task (src/retention/tasks/); the migration's CHECK lists the same values.
 */
export const RECORD_TYPES = [
  'biography_entry',
  'consent',
  'person',
  'notification',
  'webhook_delivery',
  'case',
  'arrival_visit',
  'feedback_link',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** A row of hub.retention_rule: set by the data-protection officer, not by partners. */
export interface RetentionRule {
  id: string;
  recordType: RecordType;
  /** The data category of the record (vocabulary in src/policy/policy.vocabulary.ts). */
  category: DataCategory;
  /** null: any purpose. A rule naming the record's purpose beats the rule for any purpose. */
  purpose: string | null;
  /** Counted from the record's reference date (which the task defines). */
  retainDays: number;
  action: RetentionAction;
  description: string;
  statute: string;
}

/** One record that is due, as a task selects it (ids and codes only). */
export interface RetentionCandidate {
  /** The record's primary key. */
  id: string;
  /** The person it belongs to: for the `erasure` audit entry (pseudonymised there). */
  personId: string;
  ruleId: string;
  category: string;
  action: RetentionAction;
}

/** What is due (dry run), or what a run did. Counts only: never ids or other personal data. */
export interface RetentionTaskSummary {
  task: string;
  recordType: RecordType;
  dryRun: boolean;
  erased: number;
  pseudonymised: number;
  /** Distinct persons affected. */
  persons: number;
  /** Transactions committed (0 in a dry run). */
  batches: number;
  /** `erasure` entries appended to the audit log (0 in a dry run). */
  auditEntries: number;
}

/**
 * Retention of one kind of record in one subgraph schema. A task reads and writes only its own
 * schema through its own DataSource (house rule: a subgraph reads and writes only its own
 * schema); the rules (hub data) are handed to it as parameters. The service owns batching,
 * transactions and the audit entries, so each task is two queries: which records are due, and
 * the erasure or pseudonymisation itself. Tasks for the jobcenter and courses subgraphs follow
 * the same interface.
 */
export interface RetentionTask {
  /** `<schema>.<table>`, e.g. 'hub.biography_entry'. */
  readonly name: string;
  readonly recordType: RecordType;
  /** The subgraph DataSource the task works in (batches run in transactions on it). */
  readonly dataSource: DataSource;
  /** The actions this task can carry out; a rule asking for another one is refused at load. */
  readonly actions: readonly RetentionAction[];
  /** The data categories its records can have; a rule for another one is refused at load. */
  readonly categories: readonly DataCategory[];
  /** Whether its records carry a purpose; if not, a rule naming a purpose is refused at load. */
  readonly hasPurpose: boolean;
  /**
   * Up to `limit` due records, locked FOR UPDATE SKIP LOCKED in `em`'s transaction (so two runs
   * never work on the same rows). Records already erased or pseudonymised are never due again.
   */
  due(em: EntityManager, now: Date, rules: RetentionRule[], limit: number): Promise<RetentionCandidate[]>;
  /** Counts what is due without locking or writing anything (dry run). */
  countDue(now: Date, rules: RetentionRule[]): Promise<{ erase: number; pseudonymise: number; persons: number }>;
  /** Erases or pseudonymises exactly these records in `em`'s transaction; returns the rows changed. */
  apply(em: EntityManager, candidates: RetentionCandidate[], now: Date): Promise<number>;
}
