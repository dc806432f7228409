import { DataSource } from 'typeorm';
import { isCategory, isPurpose } from '../policy/policy.vocabulary';
import {
  RECORD_TYPES,
  RETENTION_ACTIONS,
  RecordType,
  RetentionAction,
  RetentionRule,
  RetentionTask,
} from './retention.types';

/** The rules are unusable: nothing is erased until they are fixed (a wrong rule must not erase silently). */
export class RetentionRuleError extends Error {
  constructor(public readonly problems: string[]) {
    super(`retention rules refused:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RetentionRuleError';
  }
}

interface RuleRow {
  id: string;
  record_type: string;
  category: string;
  purpose: string | null;
  retain_days: number;
  action: string;
  description: string;
  statute: string;
}

/** Reads hub.retention_rule (schema-qualified, on the hub's DataSource). */
export async function loadRules(hub: DataSource): Promise<RetentionRule[]> {
  const rows: RuleRow[] = await hub.query(
    `SELECT id, record_type, category, purpose, retain_days, action, description, statute
       FROM hub.retention_rule ORDER BY record_type, category, purpose NULLS FIRST, id`,
  );
  return rows.map((r) => ({
    id: r.id,
    recordType: r.record_type as RecordType,
    category: r.category as RetentionRule['category'],
    purpose: r.purpose,
    retainDays: Number(r.retain_days),
    action: r.action as RetentionAction,
    description: r.description,
    statute: r.statute,
  }));
}

/**
 * Checks every rule against the vocabulary and the tasks; returns all problems at once. The
 * database checks what it can (CHECKs, one rule per record type, category and purpose); the
 * vocabulary lives in code, so category, purpose and what each task can do are checked here.
 */
export function validateRules(rules: RetentionRule[], tasks: readonly RetentionTask[]): string[] {
  const problems: string[] = [];
  const byType = new Map(tasks.map((t) => [t.recordType, t]));
  const seen = new Set<string>();
  for (const r of rules) {
    const name = `rule ${r.id} (${r.recordType}/${r.category}/${r.purpose ?? 'any purpose'})`;
    if (!(RECORD_TYPES as readonly string[]).includes(r.recordType)) {
      problems.push(`${name}: unknown record type`);
      continue;
    }
    const task = byType.get(r.recordType);
    if (!task) {
      problems.push(`${name}: no retention task for record type ${r.recordType}`);
      continue;
    }
    if (!isCategory(r.category)) problems.push(`${name}: unknown data category`);
    else if (!task.categories.includes(r.category))
      problems.push(
        `${name}: ${task.name} records have no category ${r.category} (only ${task.categories.join(', ')})`,
      );
    if (r.purpose !== null && !isPurpose(r.purpose)) problems.push(`${name}: unknown purpose`);
    if (r.purpose !== null && !task.hasPurpose)
      problems.push(`${name}: ${task.name} records have no purpose; leave purpose empty`);
    if (!(RETENTION_ACTIONS as readonly string[]).includes(r.action))
      problems.push(`${name}: unknown action ${r.action}`);
    else if (!task.actions.includes(r.action))
      problems.push(`${name}: ${task.name} supports ${task.actions.join(', ')}, not ${r.action}`);
    if (!Number.isInteger(r.retainDays) || r.retainDays <= 0)
      problems.push(`${name}: retain_days must be a positive integer`);
    const key = `${r.recordType}\u0000${r.category}\u0000${r.purpose ?? ''}`;
    if (seen.has(key)) problems.push(`${name}: more than one rule for the same record type, category and purpose`);
    seen.add(key);
  }
  return problems;
}

/**
 * The rules as a CTE named `rules` over a jsonb parameter, so a task can match them in SQL on its
 * own schema without reading the hub's table: `WITH ${rulesCte('$1')} SELECT …`, with
 * `rulesJson(rules)` as that parameter.
 */
export const rulesCte = (param: string): string =>
  `rules AS MATERIALIZED (SELECT * FROM jsonb_to_recordset(${param}::jsonb) AS r(id uuid, category text, purpose text, retain_days int, action text))`;

export const rulesJson = (rules: RetentionRule[]): string =>
  JSON.stringify(
    rules.map((r) => ({
      id: r.id,
      category: r.category,
      purpose: r.purpose,
      retain_days: r.retainDays,
      action: r.action,
    })),
  );
