import { createHash } from 'node:crypto';
import { Kind, OperationDefinitionNode, parse } from 'graphql';
import { ClaimResult, IdempotencyStore, STALE_CLAIM_MS, StoredResponse } from '../idempotency/idempotency.store';
import { isDependencyFailure } from '../shared/errors';
import { Logger } from '../shared/logger';
import { ARMOR_LIMITS } from './armor';
import { PendingOutcomes } from './idempotency.pending';

/**
 * `Idempotency-Key` for mutations, with Stripe's semantics (see README "API"):
 *
 * - A key belongs to the partner that sent it: (partner, key). 1–255 printable ASCII characters.
 * - Only mutations use it. A query (or anything that is not one resolvable mutation operation)
 *   runs as if the header were absent.
 * - The first request claims the key in PostgreSQL, runs, and stores its response (status, body,
 *   content type) once the operation has executed, GraphQL errors included. The same key with
 *   the same request (sha256 of the canonical JSON of query, variables and operation name) then
 *   gets that response byte for byte with `Idempotent-Replayed: true`; with another request HTTP
 *   422 `IDEMPOTENCY_KEY_REUSED`; while the first still runs HTTP 409
 *   `IDEMPOTENCY_REQUEST_IN_PROGRESS` with `Retry-After: 1`.
 * - Not stored (the key is released, the client may retry with it): responses refused before
 *   execution (non-2xx: invalid document, variables, rate limit, trusted documents) and internal
 *   errors that left every root field null (subgraphs write in one transaction, so nothing
 *   changed). An internal error next to a root field with data is stored: the effect happened. So
 *   is SUBGRAPH_TIMEOUT (not internal): the subgraph may still commit after the gateway gave up.
 * - Keys live IDEMPOTENCY_TTL_HOURS (at least 24 h); a claim whose gateway died is taken over by
 *   the same request after 60 s (src/idempotency/idempotency.store.ts).
 * - A release or a response that cannot be written because PostgreSQL is unreachable is written
 *   later, before this process claims the key again and in the background
 *   (src/gateway/idempotency.pending.ts): a retry after an outage is not answered 409. So is the
 *   result of a mutation that took effect but was withheld (answered 503) because its audit
 *   entries could not be written: the entries first, then the result, which the retry gets.
 *
 * Logs name the outcome, never the key or a body.
 */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
export const KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED';
export const IN_PROGRESS = 'IDEMPOTENCY_REQUEST_IN_PROGRESS';
const KEY = /^[\x20-\x7e]{1,255}$/;
const HASH = /^[0-9a-f]{64}$/;
/** Response headers that belong to the result and are stored and replayed with it. */
const STORED_HEADERS = ['content-type', 'cache-control'];

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type IdempotencyDecision =
  /** Run as usual: no key, not a mutation, or not authenticated (Apollo answers that). */
  | { kind: 'run' }
  /** Answer with this, without running anything. */
  | { kind: 'respond'; response: HttpResult }
  /** This request owns the key: run it, then hand the response to finish() (or release() on a crash); neither throws. */
  | {
      kind: 'claimed';
      finish(result: HttpResult): Promise<void>;
      release(): Promise<void>;
      /** Stores `result` later, once `before` succeeds (a result withheld until its audit entries are written). */
      finishLater(before: () => Promise<void>, result: HttpResult): void;
    };

export interface IdempotencyGateOptions {
  store: IdempotencyStore;
  /** Registered text of a persisted reference (documentId / persistedQuery), to see whether it is a mutation. */
  documents?: { find(partner: string, hash: string): Promise<string | undefined> };
  /** Delays between attempts to write an outcome PostgreSQL did not take (tests). */
  pendingRetryMs?: number[];
}

export interface IdempotentRequest {
  /** The Idempotency-Key header as received. */
  key: string | string[] | undefined;
  /** The parsed POST body (persisted references already in `extensions.persistedQuery`). */
  body: unknown;
  /** The authenticated partner, or undefined if the request is not authenticated. */
  partner(): Promise<string | undefined>;
  log: Logger;
}

export class IdempotencyGate {
  private readonly pending: PendingOutcomes;

  constructor(private readonly opts: IdempotencyGateOptions) {
    this.pending = new PendingOutcomes({ retryMs: opts.pendingRetryMs, giveUpAfterMs: STALE_CLAIM_MS });
  }

  /** Outcomes still to be written (tests). */
  get pendingOutcomes(): number {
    return this.pending.size;
  }

  /** Writes what is still pending once more and stops retrying (server shutdown). */
  close(): Promise<void> {
    return this.pending.close();
  }

  async begin(req: IdempotentRequest): Promise<IdempotencyDecision> {
    if (req.key === undefined) return { kind: 'run' };
    const partner = await req.partner();
    if (!partner) return { kind: 'run' };
    const request = await this.mutation(req.body, partner);
    if (!request) return { kind: 'run' };
    const key = Array.isArray(req.key) ? req.key.join(', ') : req.key;
    if (!KEY.test(key))
      return {
        kind: 'respond',
        response: errorResult(400, 'Idempotency-Key must be 1 to 255 printable ASCII characters', 'BAD_REQUEST'),
      };

    const log = req.log.child({ partner, idempotency: true });
    // An earlier claim of this key whose outcome PostgreSQL did not take: written first, or 503.
    const id = `${partner}\n${key}`;
    await this.pending.flush(id);
    const claim: ClaimResult = await this.opts.store.claim(partner, key, requestHash(request));
    switch (claim.kind) {
      case 'reused':
        log.info({ outcome: 'key_reused' }, 'idempotency key used with a different request');
        return {
          kind: 'respond',
          response: errorResult(
            422,
            'This Idempotency-Key was used with a different request; use a new key for a new request',
            KEY_REUSED,
          ),
        };
      case 'in_progress':
        log.info({ outcome: 'in_progress' }, 'idempotent request still in progress');
        return {
          kind: 'respond',
          response: {
            ...errorResult(409, 'A request with this Idempotency-Key is in progress; retry shortly', IN_PROGRESS),
            headers: { ...JSON_HEADERS, 'retry-after': '1' },
          },
        };
      case 'completed':
        log.info({ outcome: 'replayed', status: claim.response.status }, 'idempotent response replayed');
        return {
          kind: 'respond',
          response: { ...claim.response, headers: { ...claim.response.headers, [REPLAYED_HEADER]: 'true' } },
        };
      case 'claimed': {
        const { store } = this.opts;
        const failed = (err: unknown, what: string, write: () => Promise<void>) => {
          const e = err as Error & { code?: string };
          if (isDependencyFailure(err)) {
            log.warn({ err: { name: e.name, code: e.code }, outcome: 'deferred' }, `${what}: written later`);
            this.pending.defer(id, write, log);
            return true;
          }
          return false;
        };
        // Never throws: a key that cannot be released is released later, or taken over after the stale-claim interval.
        const release = async () => {
          const write = () => store.release(partner, key, claim.claimedAt);
          try {
            await write();
            log.info({ outcome: 'released' }, 'idempotency key released');
          } catch (err) {
            if (failed(err, 'idempotency key not released', write)) return;
            log.error(
              { err: { name: (err as Error).name, code: (err as { code?: string }).code } },
              'idempotency key not released',
            );
          }
        };
        const stored = (result: HttpResult): StoredResponse => ({
          status: result.status,
          headers: pick(result.headers, STORED_HEADERS),
          body: result.body,
        });
        return {
          kind: 'claimed',
          release,
          finishLater: (before, result) => {
            log.info({ outcome: 'deferred', status: result.status }, 'idempotent response kept to be stored later');
            this.pending.defer(
              id,
              async () => {
                await before();
                await store.complete(partner, key, claim.claimedAt, stored(result));
              },
              log,
            );
          },
          finish: async (result) => {
            // The client gets its response either way; an outage here is written later, another failure leaves the claim to be taken over.
            try {
              if (!shouldStore(result)) return await release();
              const response = stored(result);
              const write = async () => void (await store.complete(partner, key, claim.claimedAt, response));
              try {
                const ok = await store.complete(partner, key, claim.claimedAt, response);
                log.info(
                  { outcome: ok ? 'stored' : 'claim_lost', status: result.status },
                  'idempotent response stored',
                );
              } catch (err) {
                if (!failed(err, 'idempotent response not stored', write)) throw err;
              }
            } catch (err) {
              log.error(
                { err: { name: (err as Error).name, code: (err as { code?: string }).code } },
                'idempotent response not stored',
              );
            }
          },
        };
      }
    }
  }

  /** The request's query, variables and operation name if it is one mutation operation; else undefined. */
  private async mutation(body: unknown, partner: string): Promise<CanonicalRequest | undefined> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
    const b = body as {
      query?: unknown;
      variables?: unknown;
      operationName?: unknown;
      extensions?: { persistedQuery?: { sha256Hash?: unknown } };
    };
    let query = typeof b.query === 'string' ? b.query : undefined;
    const hash = b.extensions?.persistedQuery?.sha256Hash;
    if (query === undefined && typeof hash === 'string' && HASH.test(hash))
      query = await this.opts.documents?.find(partner, hash);
    if (!query) return undefined;
    let operations: OperationDefinitionNode[];
    try {
      operations = parse(query, { noLocation: true, maxTokens: ARMOR_LIMITS.maxTokens }).definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
    } catch {
      return undefined; // Apollo reports the syntax error.
    }
    const operationName = typeof b.operationName === 'string' ? b.operationName : null;
    const operation = operationName
      ? operations.find((o) => o.name?.value === operationName)
      : operations.length === 1
        ? operations[0]
        : undefined;
    if (operation?.operation !== 'mutation') return undefined;
    // Absent and null variables are the same request.
    return { query, variables: b.variables ?? {}, operationName };
  }
}

interface CanonicalRequest {
  query: string;
  variables: unknown;
  operationName: string | null;
}

/** sha256 (hex) of the canonical JSON of { query, variables, operationName }. */
export function requestHash(request: CanonicalRequest): string {
  return createHash('sha256')
    .update(
      canonicalJson({ query: request.query, variables: request.variables, operationName: request.operationName }),
      'utf8',
    )
    .digest('hex');
}

/** JSON with object keys sorted at every level: the same request always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Stored: responses of an operation that executed (2xx), GraphQL errors included. Released: a
 * response refused before execution, a server error, or an internal error or outage with no root
 * field set.
 */
export function shouldStore(result: HttpResult): boolean {
  if (result.status < 200 || result.status >= 300) return false;
  let parsed: { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: unknown } }> };
  try {
    parsed = JSON.parse(result.body);
  } catch {
    return true; // Not ours to judge: it executed.
  }
  // An outage (SERVICE_UNAVAILABLE; a withheld result can carry one) is judged like an internal error.
  const failed = (parsed.errors ?? []).some((e) => {
    const code = e.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
    return code === 'INTERNAL_SERVER_ERROR' || code === 'SERVICE_UNAVAILABLE';
  });
  if (!failed) return true;
  return Object.values(parsed.data ?? {}).some((v) => v !== null && v !== undefined);
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function errorResult(status: number, message: string, code: string): HttpResult {
  return {
    status,
    headers: { ...JSON_HEADERS },
    body: JSON.stringify({ errors: [{ message, extensions: { code } }] }),
  };
}

function pick(headers: Record<string, string>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (headers[name] !== undefined) out[name] = headers[name];
  return out;
}
