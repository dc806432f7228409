import { GraphQLError, GraphQLFormattedError } from 'graphql';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'INTERNAL_SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE';

/** A domain error: its code reaches the client as extensions.code, its message is safe to show. */
export class AppError extends GraphQLError {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...details } });
    this.name = 'AppError';
  }
}

/** `field` names the argument or input field that carried the id, as badInput does (docs/partners.md, Errors). */
export const notFound = (what: string, id: string, field?: string) =>
  new AppError('NOT_FOUND', `${what} ${id} not found`, field ? { id, field } : { id });
export const badInput = (message: string, field?: string) =>
  new AppError('BAD_USER_INPUT', message, field ? { field } : {});

/**
 * Several refused fields of one input, answered at once: the messages joined, `field` the
 * first field and `fields` all of them (docs/partners.md, Errors).
 */
export function badInputs(refused: ReadonlyArray<{ message: string; field: string }>): AppError {
  if (refused.length === 1) return badInput(refused[0].message, refused[0].field);
  const fields = [...new Set(refused.map((r) => r.field))];
  return new AppError('BAD_USER_INPUT', refused.map((r) => r.message).join('; '), { field: fields[0], fields });
}

const SAFE_CODES = new Set<string>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_DOCUMENT_NOT_ALLOWED',
  'RATE_LIMITED',
  'SUBGRAPH_TIMEOUT',
  'SERVICE_UNAVAILABLE',
  // Idempotency-Key refusals (src/gateway/idempotency.ts; answered before Apollo, listed for completeness).
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_REQUEST_IN_PROGRESS',
]);

/** An error's `extensions.code`; a missing or malformed one counts as an internal error. */
export function errorCode(error: { extensions?: { code?: unknown } | null }): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * The one place that maps errors to what clients see. Unknown errors are masked: their
 * messages can carry SQL or personal data.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = errorCode(formatted);
  if (SAFE_CODES.has(code)) {
    const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, code } };
  }
  // A lost connection is no fault of ours or the client's: the HTTP handler answers it with 503.
  if (isDependencyFailure(error)) {
    const { message, extensions } = serviceUnavailable();
    return { message, locations: formatted.locations, path: formatted.path, extensions };
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** Seconds a client is asked to wait (Retry-After) when a service Lotse depends on is unreachable. */
export const RETRY_AFTER_SECONDS = 5;

/** Could not check or do it right now (a dependency is unreachable): HTTP 503, never "invalid". */
export const serviceUnavailable = () =>
  new AppError('SERVICE_UNAVAILABLE', 'A service Lotse depends on is unreachable; retry later', {
    retryAfter: RETRY_AFTER_SECONDS,
  });

/** Socket errors of a peer that is down, unreachable or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
]);
/** SQLSTATEs: 08xxx connection exceptions; shutting down, starting up; no connection slot free. */
const PG_UNAVAILABLE = /^(08...|57P01|57P02|57P03|53300)$/;
/** node-postgres and ioredis say it only in words. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // pg: server went away, or connectionTimeoutMillis
  /timeout exceeded when trying to connect/, // pg-pool
  /Client has encountered a connection error and is not queryable/, // pg
  /^Connection is closed\.?$/, // ioredis
  /Reached the max retries per request limit/, // ioredis MaxRetriesPerRequestError
  /Stream isn't writeable and enableOfflineQueue options is false/, // ioredis
];

/**
 * The one classification of "a dependency is unreachable" (PostgreSQL, Redis, the identity
 * provider): such a failure says nothing about the request, so it is answered SERVICE_UNAVAILABLE
 * (HTTP 503, Retry-After), never as an invalid credential or an internal error. Follows the
 * wrapping of GraphQL (originalError, thrownValue), TypeORM (driverError), `cause` and AggregateError.
 */
export function isDependencyFailure(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 8) return false;
  const e = error as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
    extensions?: { code?: unknown };
    dependencyUnavailable?: unknown;
    originalError?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
    thrownValue?: unknown;
  };
  if (e.dependencyUnavailable === true) return true;
  if (e.extensions?.code === 'SERVICE_UNAVAILABLE') return true;
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_UNAVAILABLE.test(e.code))) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  // TypeORM releases a transaction's connection when the connection reports an error (PostgreSQL
  // went away) and refuses every later query of it so; Lotse never queries a runner it released.
  if (e.name === 'QueryRunnerAlreadyReleasedError' || e.name === 'QueryRunnerProviderAlreadyReleasedError') return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.some((m) => m.test(e.message as string))) return true;
  // graphql-js wraps what is not an `Error` of its realm as NonErrorThrown { thrownValue }.
  const inner = [e.originalError, e.driverError, e.cause, e.thrownValue, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((i) => i !== error && isDependencyFailure(i, depth + 1));
}
