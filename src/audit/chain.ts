import crypto from 'node:crypto';

/** prev_hash of row 1. */
export const GENESIS = '0'.repeat(64);

export const AUDIT_KINDS = ['read', 'write', 'denied', 'consent', 'erasure', 'system', 'configuration'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** One row of audit.entry as it is hashed (every column except `hash`). */
export interface ChainRow {
  seq: number;
  /** ISO 8601 with milliseconds, UTC (`Date.prototype.toISOString`). */
  at: string;
  kind: string;
  partner: string;
  subject: string;
  request_id: string;
  person_ref: string | null;
  categories: string[];
  fields: string[];
  purpose: string | null;
  basis: string | null;
  operation: string | null;
  detail: Record<string, unknown>;
  prev_hash: string;
}

/**
 * JSON with object keys sorted at every level, so the same row always serialises to the same
 * bytes whichever order PostgreSQL (jsonb) or the caller used. Built as a string, never as an
 * object, so keys like "__proto__" cannot change the result.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonicalJson: non-finite number');
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new Error(`canonicalJson: ${typeof value} is not JSON`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** hash = sha256(prev_hash || canonical JSON of the row without hash), hex. */
export function entryHash(row: ChainRow): string {
  return crypto.createHash('sha256').update(row.prev_hash).update(canonicalJson(row)).digest('hex');
}

/**
 * `at` as PostgreSQL stores it, in the form the hash uses. Selected as text with microseconds
 * (not as a JS Date, which would silently drop them), so a sub-millisecond edit is not masked.
 */
export const AT_SQL = `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

export function atFromDb(text: string): string | undefined {
  // Rows are written at millisecond precision; anything else was changed outside append().
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000$/.test(text)) return undefined;
  return `${text.slice(0, 23)}Z`;
}

/** The columns verify() reads, in the shape ChainRow needs. Order by the table's seq (`e.seq`): `seq` alone is this text column. */
export const CHAIN_COLUMNS = `seq::text AS seq, ${AT_SQL} AS at, kind, partner, subject, request_id, person_ref,
  categories, fields, purpose, basis, operation, detail, prev_hash, hash`;

/** A row as PostgreSQL returns it: seq as text (bigint), plus the stored hash. */
export type DbChainRow = Omit<ChainRow, 'seq'> & { seq: string; hash: string };

/** A row read back from PostgreSQL as ChainRow; atValid is false when `at` cannot have been written by append(). */
export function chainRowFromDb(r: DbChainRow): { row: ChainRow; atValid: boolean } {
  const at = atFromDb(r.at);
  const { hash: _hash, ...rest } = r;
  return { row: { ...rest, seq: Number(r.seq), at: at ?? r.at }, atValid: at !== undefined };
}
