import { DataSource } from 'typeorm';
import { Logger } from '../shared/logger';

/**
 * Idempotency keys in PostgreSQL (table `idempotency.request`): Redis may lose everything, a key must
 * not. A key is (partner, key). Every time comparison uses the database's clock, so all gateway
 * processes agree on what has expired.
 *
 * The claim is one statement: `INSERT … ON CONFLICT (partner, key) DO UPDATE … WHERE <reclaimable>`.
 * For a live row the WHERE is false, which makes it `DO NOTHING` (no row returned, nothing changed);
 * a row is reclaimable only when it has expired, or when it is an `in_progress` claim for the same
 * request older than `staleAfterMs` (its gateway died). Concurrent claims of one key therefore
 * produce exactly one winner: PostgreSQL serialises them on the primary key.
 */
export interface StoredResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The response body exactly as sent. */
  body: string;
}

export type ClaimResult =
  /** This request owns the key; `claimedAt` identifies the claim for complete()/release(). */
  | { kind: 'claimed'; claimedAt: string }
  /** The key was used with a different request (another hash). */
  | { kind: 'reused' }
  /** The same request is running elsewhere. */
  | { kind: 'in_progress' }
  /** The same request ran before: its response. */
  | { kind: 'completed'; response: StoredResponse };

export interface IdempotencyStoreOptions {
  /** How long a key lives (IDEMPOTENCY_TTL_HOURS). */
  ttlHours: number;
  /** An `in_progress` claim older than this is taken over by the same request (its gateway died). */
  staleAfterMs?: number;
  /** Expired rows are purged at most this often per process, … */
  purgeEveryMs?: number;
  /** … at most this many at a time. */
  purgeBatch?: number;
  log?: Logger;
}

export const STALE_CLAIM_MS = 60_000;
const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1000;

interface Row {
  request_hash: string;
  status: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: string | null;
  response_headers: Record<string, string> | null;
}

export class IdempotencyStore {
  private readonly staleAfterMs: number;
  private readonly purgeEveryMs: number;
  private readonly purgeBatch: number;
  private lastPurge = 0;
  private purging?: Promise<void>;

  constructor(
    private readonly ds: DataSource,
    private readonly opts: IdempotencyStoreOptions,
  ) {
    this.staleAfterMs = opts.staleAfterMs ?? STALE_CLAIM_MS;
    this.purgeEveryMs = opts.purgeEveryMs ?? PURGE_EVERY_MS;
    this.purgeBatch = opts.purgeBatch ?? PURGE_BATCH;
  }

  /** Claims (partner, key) for a request with `requestHash`, or says why not. */
  async claim(partner: string, key: string, requestHash: string): Promise<ClaimResult> {
    this.maybePurge();
    // A row can vanish between the two statements (released, or purged after expiry): claim again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed: Array<{ claimed_at: string }> = await this.ds.query(
        `INSERT INTO idempotency.request AS r (partner, key, request_hash, status, created_at, expires_at)
         VALUES ($1, $2, $3, 'in_progress', now(), now() + make_interval(hours => $4))
         ON CONFLICT (partner, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, status = 'in_progress', response_status = NULL,
               response_body = NULL, response_headers = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
           WHERE r.expires_at <= now()
              OR (r.status = 'in_progress' AND r.request_hash = EXCLUDED.request_hash
                  AND r.created_at < now() - make_interval(secs => $5))
         RETURNING created_at::text AS claimed_at`,
        [partner, key, requestHash, this.opts.ttlHours, this.staleAfterMs / 1000],
      );
      if (claimed.length) return { kind: 'claimed', claimedAt: claimed[0].claimed_at };
      const rows: Row[] = await this.ds.query(
        `SELECT request_hash, status, response_status, response_body, response_headers
           FROM idempotency.request WHERE partner = $1 AND key = $2 AND expires_at > now()`,
        [partner, key],
      );
      if (!rows.length) continue;
      const row = rows[0];
      if (row.request_hash !== requestHash) return { kind: 'reused' };
      if (row.status === 'in_progress') return { kind: 'in_progress' };
      return {
        kind: 'completed',
        response: { status: row.response_status!, headers: row.response_headers ?? {}, body: row.response_body! },
      };
    }
    return { kind: 'in_progress' };
  }

  /** Stores the response of a claim; false if the claim was lost meanwhile (taken over or expired). */
  async complete(partner: string, key: string, claimedAt: string, response: StoredResponse): Promise<boolean> {
    const [, affected] = await this.ds.query(
      `UPDATE idempotency.request SET status = 'completed', response_status = $4, response_body = $5, response_headers = $6
        WHERE partner = $1 AND key = $2 AND status = 'in_progress' AND created_at = $3::timestamptz`,
      [partner, key, claimedAt, response.status, response.body, JSON.stringify(response.headers)],
    );
    return affected > 0;
  }

  /** Gives the key up (nothing was stored): the client may send the request again. */
  async release(partner: string, key: string, claimedAt: string): Promise<void> {
    await this.ds.query(
      `DELETE FROM idempotency.request WHERE partner = $1 AND key = $2 AND status = 'in_progress' AND created_at = $3::timestamptz`,
      [partner, key, claimedAt],
    );
  }

  /** Deletes up to `limit` expired rows; returns how many. */
  async purgeExpired(limit = this.purgeBatch): Promise<number> {
    const [, affected] = await this.ds.query(
      `DELETE FROM idempotency.request WHERE (partner, key) IN (
         SELECT partner, key FROM idempotency.request WHERE expires_at <= now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [limit],
    );
    return affected;
  }

  /** Waits for a purge still running (before the connection pool closes). */
  async drain(): Promise<void> {
    await this.purging;
  }

  /** Now and then (per process), in the background: one bounded purge; a failure is only logged. */
  private maybePurge(): void {
    const now = Date.now();
    if (this.purging || now - this.lastPurge < this.purgeEveryMs) return;
    this.lastPurge = now;
    this.purging = this.purgeExpired()
      .then((n) => {
        if (n) this.opts.log?.debug({ purged: n }, 'expired idempotency keys purged');
      })
      .catch((err: Error & { code?: string }) =>
        this.opts.log?.warn({ err: { name: err.name, code: err.code } }, 'idempotency purge failed'),
      )
      .finally(() => {
        this.purging = undefined;
      });
  }
}
