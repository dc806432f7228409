import crypto from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Histogram } from 'prom-client';
import { Clock } from '../shared/time';
import {
  AccessReportEntry,
  AccessReportPage,
  AccessReportPageOptions,
  readAccessReportPage,
} from './access-report.query';
import { AtCommit } from './audit.at-commit';
import { GroupCommit } from './audit.batch';
import {
  AUDIT_KINDS,
  AuditKind,
  CHAIN_COLUMNS,
  ChainRow,
  chainRowFromDb,
  DbChainRow,
  entryHash,
  GENESIS,
} from './chain';
import {
  Checkpoint,
  CHECKPOINT_COLUMNS,
  checkpointKeyId,
  checkpointMismatch,
  isCheckpointShape,
  SeenAt,
  signatureHolds,
  signCheckpoint,
} from './checkpoint';

export type { AuditKind } from './chain';
export type { Checkpoint } from './checkpoint';
export type { AccessReportEntry } from './access-report.query';

export interface AuditEntryInput {
  kind: AuditKind;
  /** Partner slug (or 'system'). */
  partner: string;
  /** Who acted within the partner (token subject). */
  subject: string;
  requestId: string;
  /** Pseudonymised inside; the raw id is never stored. */
  personId?: string | null;
  categories?: string[];
  fields?: string[];
  purpose?: string | null;
  /** e.g. 'consent:<uuid>', 'legal_basis:<uuid>', 'case_owner'. */
  basis?: string | null;
  /** GraphQL operation name. */
  operation?: string | null;
  /** Codes only, never personal data. */
  detail?: Record<string, unknown>;
}

export type VerifyResult =
  | {
      ok: true;
      rows: number;
      head: string;
      /** The newest stored checkpoint, which the chain still matches (absent when none is stored yet). */
      checkpoint?: { seq: number; at: string };
    }
  | { ok: false; rows: number; brokenAt: number; reason: string };

export interface VerifyOptions {
  fromSeq?: number;
  batch?: number;
  /** Called after each batch with the number of rows verified so far (CLI progress). */
  onProgress?: (rows: number) => void;
}

export interface AuditLogOptions {
  pseudonymKey: string;
  checkpointKey: string;
  clock: Clock;
  /**
   * Exists only for `bench/` (LOTSE_BENCH_SKIP_AUDIT=1, refused in production): append and
   * appendNow then write nothing, to measure what the audit log costs.
   */
  skipForBenchmark?: boolean;
  /** Most entries one appendNow flush writes (default 500); one caller's entries always go together. */
  maxBatchEntries?: number;
  /** Observes each append until committed (appendNow, path `reads`) or inserted (in a transaction, `writes`). */
  appendSeconds?: Pick<Histogram<'path'>, 'startTimer'>;
}

/** pg_advisory_xact_lock key that serialises appenders (an arbitrary constant used nowhere else). */
const CHAIN_LOCK_KEY = '7416128380519201';
const LOCK_SQL = `SELECT pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`;
const MIN_BIGINT = '-9223372036854775808';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Prepared = Omit<ChainRow, 'seq' | 'at' | 'prev_hash'>;
type WalkResult = VerifyResult & { lastSeq: number; seen?: SeenAt };

/**
 * The tamper-evident audit log: an insert-only table whose rows form a SHA-256 hash chain with
 * gap-free `seq`. Queries are schema-qualified, so any DataSource on the database will do.
 */
export class AuditLog {
  private readonly pseudonymKey: string;
  private readonly checkpointKey: string;
  private readonly clock: Clock;
  private readonly skip: boolean;
  /** appendNow's queue: one flush in flight per instance, the rest wait for the next (ADR 0009). */
  private readonly reads: GroupCommit<Prepared>;
  /** appendAtCommit's entries, per open transaction until it commits. */
  private readonly atCommit: AtCommit<Prepared>;
  private readonly timer: (path: 'reads' | 'writes') => () => void;

  constructor(
    private readonly ds: DataSource,
    opts: AuditLogOptions,
  ) {
    if (!opts.pseudonymKey || opts.pseudonymKey.length < 32)
      throw new Error('AuditLog: pseudonymKey must be at least 32 characters');
    if (!opts.checkpointKey || opts.checkpointKey.length < 32)
      throw new Error('AuditLog: checkpointKey must be at least 32 characters');
    this.pseudonymKey = opts.pseudonymKey;
    this.checkpointKey = opts.checkpointKey;
    this.clock = opts.clock;
    this.skip = opts.skipForBenchmark === true;
    const histogram = opts.appendSeconds;
    this.timer = histogram ? (path) => histogram.startTimer({ path }) : () => () => undefined;
    this.reads = new GroupCommit(
      (take) =>
        this.ds.transaction(async (em) => {
          await em.query(LOCK_SQL);
          // Taken once the lock is held: whoever queued while this flush waited goes in it too.
          await this.insertChained(em, take());
        }),
      opts.maxBatchEntries ?? 500,
    );
    this.atCommit = new AtCommit(async (qr, prepared) => {
      const done = this.timer('writes');
      await qr.query(LOCK_SQL);
      await this.insertChained(qr.manager, prepared);
      done();
    });
  }

  /** HMAC-SHA256 of the person id, hex. UUIDs are lower-cased first: PostgreSQL accepts either case for the same person. */
  pseudonym(personId: string): string {
    const id = UUID.test(personId) ? personId.toLowerCase() : personId;
    return crypto.createHmac('sha256', this.pseudonymKey).update(id).digest('hex');
  }

  /**
   * Appends in the caller's transaction, so audited writes and their entries commit or roll back
   * together. The advisory lock is held until that transaction ends: call this late in it. The
   * transaction must be READ COMMITTED (the default), so the head read after the lock sees the
   * previous appender's commit; under a stale snapshot the insert fails on the primary key instead.
   */
  async append(em: EntityManager, entries: AuditEntryInput[]): Promise<void> {
    if (this.skip || entries.length === 0) return;
    if (!em.queryRunner?.isTransactionActive) throw new Error('AuditLog.append must run inside a transaction');
    const prepared = entries.map((e) => this.prepare(e)); // validate before taking the lock
    const done = this.timer('writes');
    await em.query(LOCK_SQL);
    await this.insertChained(em, prepared);
    done();
  }

  /**
   * Appends in the caller's transaction, as its last statements before COMMIT: the entries are
   * validated now and queued on the transaction; when it commits, every entry queued on it goes
   * in one append (one chain lock, one head read, one INSERT). The lock is then held only for
   * that and the commit, not across the rest of the transaction. A failing append fails the
   * commit (the transaction rolls back); a rolled-back transaction or savepoint drops its entries.
   */
  appendAtCommit(em: EntityManager, entries: AuditEntryInput[]): void {
    if (this.skip || entries.length === 0) return;
    const qr = em.queryRunner;
    if (!qr?.isTransactionActive) throw new Error('AuditLog.appendAtCommit must run inside a transaction');
    this.atCommit.queue(
      qr,
      entries.map((e) => this.prepare(e)),
    );
  }

  /**
   * Appends in a short transaction of its own (e.g. a request's batched reads, at its end) and
   * resolves once the entries are committed. Calls made while another flush of this instance is in
   * flight wait and go together in the next one (group commit: one lock, one head read, one
   * INSERT). Rejects when that transaction fails; invalid entries reject this call only.
   */
  async appendNow(entries: AuditEntryInput[]): Promise<void> {
    if (this.skip || entries.length === 0) return;
    const prepared = entries.map((e) => this.prepare(e)); // a bad entry fails its caller, not the batch
    const done = this.timer('reads');
    await this.reads.submit(prepared);
    done();
  }

  /**
   * Recomputes the chain in seq order, batch by batch, and names the first broken row. A full
   * run also holds the chain against the newest stored checkpoint: its signature, and that the
   * log still reaches its row with the signed hash and row count. That is what catches a deleted
   * tail or a chain recomputed consistently from some row on, when the change reaches back before
   * the checkpoint.
   */
  async verify(opts: VerifyOptions = {}): Promise<VerifyResult> {
    const full = (opts.fromSeq ?? 1) === 1;
    const cp = full ? await this.latestCheckpoint() : null;
    const { lastSeq, seen, ...result } = await this.walk({ ...opts, watchSeq: cp?.seq });
    if (!result.ok || !cp) return result;
    const named = `checkpoint of row ${cp.seq} (${cp.at})`;
    const broken = (reason: string): VerifyResult => ({
      ok: false,
      rows: result.rows,
      brokenAt: cp.seq,
      reason: `${named} does not hold: ${reason}`,
    });
    if (!isCheckpointShape(cp) || !signatureHolds(this.checkpointKey, cp))
      return broken('signature does not match (different key or edited checkpoint)');
    const mismatch = checkpointMismatch(cp, lastSeq, seen);
    if (mismatch) return broken(mismatch);
    return { ...result, checkpoint: { seq: cp.seq, at: cp.at } };
  }

  /** Verifies the whole chain (against the newest stored checkpoint too), then signs its head. Refuses to sign a broken chain. */
  async checkpoint(): Promise<Checkpoint> {
    const res = await this.verify();
    if (!res.ok) throw new Error(`audit log BROKEN at row ${res.brokenAt}: ${res.reason}; no checkpoint signed`);
    const seq = res.rows; // the chain is gap-free from row 1
    const cp = { seq, head: res.head, rows: res.rows, at: this.clock.now().toISOString() };
    return { ...cp, signature: signCheckpoint(this.checkpointKey, cp) };
  }

  /**
   * Signs the head and stores it in audit.checkpoint (the scheduled `checkpoint` job). Nothing
   * new is stored when the head is already checkpointed (no rows since).
   */
  async writeCheckpoint(writtenBy: string): Promise<{ checkpoint: Checkpoint; written: boolean }> {
    const cp = await this.checkpoint();
    const inserted: unknown[] = await this.ds.query(
      `INSERT INTO audit.checkpoint (seq, head, rows, at, signature, key_id, written_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (key_id, seq) DO NOTHING RETURNING seq`,
      [String(cp.seq), cp.head, String(cp.rows), cp.at, cp.signature, checkpointKeyId(this.checkpointKey), writtenBy],
    );
    return { checkpoint: cp, written: inserted.length > 0 };
  }

  /** The stored checkpoint of the highest row signed with this installation's key, or null when there is none. */
  async latestCheckpoint(): Promise<Checkpoint | null> {
    const rows: Checkpoint[] = await this.ds.query(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit.checkpoint WHERE key_id = $1 ORDER BY seq DESC LIMIT 1`,
      [checkpointKeyId(this.checkpointKey)],
    );
    return rows[0] ?? null;
  }

  /**
   * A checkpoint holds if its signature is ours, the row at its seq still has its head hash, and
   * the chain up to there verifies. The signed head is what catches a consistent rewrite of history.
   */
  async verifyCheckpoint(cp: Checkpoint): Promise<{ ok: boolean; reason?: string }> {
    if (!isCheckpointShape(cp)) return { ok: false, reason: 'not a checkpoint (seq, head, rows, at, signature)' };
    if (!signatureHolds(this.checkpointKey, cp))
      return { ok: false, reason: 'signature does not match (different key or edited checkpoint)' };
    if (cp.seq === 0) return { ok: true };
    const at: Array<{ hash: string }> = await this.ds.query('SELECT hash FROM audit.entry WHERE seq = $1', [
      String(cp.seq),
    ]);
    if (!at.length) return { ok: false, reason: `row ${cp.seq} no longer exists` };
    if (at[0].hash !== cp.head)
      return {
        ok: false,
        reason: `row ${cp.seq} has hash ${at[0].hash}, the checkpoint signed ${cp.head}: history was rewritten`,
      };
    const res = await this.walk({ toSeq: cp.seq });
    if (!res.ok) return { ok: false, reason: `chain broken at row ${res.brokenAt}: ${res.reason}` };
    if (res.lastSeq !== cp.seq || res.rows !== cp.rows)
      return { ok: false, reason: `chain has ${res.rows} rows up to row ${cp.seq}, the checkpoint signed ${cp.rows}` };
    return { ok: true };
  }

  /** DSGVO Art. 15: who processed this person's data, newest first (looked up by pseudonym). */
  async accessReport(personId: string, opts: { since?: Date; first?: number } = {}): Promise<AccessReportEntry[]> {
    const first = Math.min(Math.max(Math.trunc(opts.first ?? 100), 1), 1000);
    const { rows } = await this.accessReportPage(personId, { since: opts.since, first, count: false });
    return rows.map(({ seq: _seq, ...entry }) => entry);
  }

  /** One page of the access report, newest first (see access-report.query.ts). */
  accessReportPage<C extends boolean = true>(
    personId: string,
    opts: AccessReportPageOptions & { count?: C },
  ): Promise<AccessReportPage<C>> {
    return readAccessReportPage(this.ds, this.pseudonym(personId), opts);
  }

  /** Chains `prepared` onto the head and inserts it; the caller's transaction holds the chain lock. */
  private async insertChained(em: EntityManager, prepared: Prepared[]): Promise<void> {
    // ORDER BY e.seq, not seq: the bare name would sort by the text output column.
    const head: Array<{ seq: string; hash: string }> = await em.query(
      'SELECT e.seq::text AS seq, e.hash FROM audit.entry e ORDER BY e.seq DESC LIMIT 1',
    );
    let seq = head.length ? Number(head[0].seq) : 0;
    let prev = head.length ? head[0].hash : GENESIS;
    // Read under the lock, so `at` follows seq; whole milliseconds, exactly what timestamptz keeps and the hash covers.
    const at = new Date(Math.floor(this.clock.now().getTime())).toISOString();
    const rows = prepared.map((p) => {
      const row: ChainRow = { ...p, seq: ++seq, at, prev_hash: prev };
      prev = entryHash(row);
      return { ...row, hash: prev };
    });
    // One statement for the whole batch, whatever its size (no bind-parameter limit).
    await em.query(
      `INSERT INTO audit.entry (seq, at, kind, partner, subject, request_id, person_ref, categories, fields, purpose, basis, operation, detail, prev_hash, hash)
       SELECT seq, at, kind, partner, subject, request_id, person_ref, categories, fields, purpose, basis, operation, detail, prev_hash, hash
       FROM jsonb_to_recordset($1::jsonb) AS r(seq bigint, at timestamptz, kind text, partner text, subject text, request_id text, person_ref text,
         categories text[], fields text[], purpose text, basis text, operation text, detail jsonb, prev_hash text, hash text)
       ORDER BY seq`,
      [JSON.stringify(rows)],
    );
  }

  private prepare(e: AuditEntryInput): Prepared {
    if (!(AUDIT_KINDS as readonly string[]).includes(e.kind)) throw new Error(`AuditLog: unknown kind "${e.kind}"`);
    for (const [name, v] of [
      ['partner', e.partner],
      ['subject', e.subject],
      ['requestId', e.requestId],
    ] as const) {
      if (typeof v !== 'string' || v === '') throw new Error(`AuditLog: ${name} is required`);
    }
    const strings = (name: string, v: string[] | undefined) => {
      if (v !== undefined && (!Array.isArray(v) || v.some((s) => typeof s !== 'string')))
        throw new Error(`AuditLog: ${name} must be strings`);
      return v ? [...v] : [];
    };
    // Through JSON once, so what is hashed is what jsonb stores and gives back (toJSON applied, undefined dropped).
    const detail: unknown = JSON.parse(JSON.stringify(e.detail ?? {}));
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail))
      throw new Error('AuditLog: detail must be an object');
    return {
      kind: e.kind,
      partner: e.partner,
      subject: e.subject,
      request_id: e.requestId,
      person_ref: e.personId ? this.pseudonym(e.personId) : null,
      categories: strings('categories', e.categories),
      fields: strings('fields', e.fields),
      purpose: e.purpose ?? null,
      basis: e.basis ?? null,
      operation: e.operation ?? null,
      detail: detail as Record<string, unknown>,
    };
  }

  /** Keyset pagination in seq order: memory stays bounded by the batch size. */
  private async walk(opts: VerifyOptions & { toSeq?: number; watchSeq?: number }): Promise<WalkResult> {
    const from = opts.fromSeq ?? 1;
    if (!Number.isSafeInteger(from) || from < 1) throw new Error('AuditLog.verify: fromSeq must be a positive integer');
    const batch = Math.min(Math.max(Math.trunc(opts.batch ?? 2000), 1), 50_000);
    let expected = from;
    let prev = GENESIS;
    let rows = 0;
    let seen: SeenAt | undefined;
    const broken = (brokenAt: number, reason: string): WalkResult => ({
      ok: false,
      rows,
      brokenAt,
      reason,
      lastSeq: expected - 1,
    });
    if (from > 1) {
      // Verification starts after this row; its stored hash is taken as given.
      const anchor: Array<{ hash: string }> = await this.ds.query('SELECT hash FROM audit.entry WHERE seq = $1', [
        String(from - 1),
      ]);
      if (!anchor.length) return broken(from - 1, `row ${from - 1} is missing`);
      prev = anchor[0].hash;
    }
    // From the start, look below seq 1 too: a row slipped in there is not part of the chain.
    let after = from > 1 ? String(from - 1) : MIN_BIGINT;
    // Stop at toSeq in here, not in SQL: an extra `seq <= $n` makes the planner sort the whole range per batch.
    const toSeq = opts.toSeq;
    for (let done = false; !done;) {
      const page: DbChainRow[] = await this.ds.query(
        `SELECT ${CHAIN_COLUMNS} FROM audit.entry e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
        [after, batch],
      );
      for (const r of page) {
        if (toSeq !== undefined && expected > toSeq) {
          done = true;
          break;
        }
        const { row, atValid } = chainRowFromDb(r);
        if (row.seq < expected)
          return broken(row.seq, `row ${row.seq} is outside the chain (expected row ${expected})`);
        if (row.seq > expected) return broken(expected, `row ${expected} is missing (next row is ${row.seq})`);
        if (row.prev_hash !== prev) return broken(row.seq, `prev_hash does not link to row ${row.seq - 1}`);
        if (!atValid) return broken(row.seq, 'timestamp has sub-millisecond precision (not written by append)');
        if (entryHash(row) !== r.hash) return broken(row.seq, 'hash does not match the row contents');
        prev = r.hash;
        expected++;
        rows++;
        if (row.seq === opts.watchSeq) seen = { hash: r.hash, rows };
      }
      opts.onProgress?.(rows);
      if (page.length < batch) done = true;
      else after = page[page.length - 1].seq;
    }
    return { ok: true, rows, head: prev, lastSeq: expected - 1, seen };
  }
}
