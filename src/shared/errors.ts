import { GraphQLError, GraphQLFormattedError } from 'graphql';

export type ErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'INTERNAL_SERVER_ERROR';

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

export const notFound = (what: string, id: string) => new AppError('NOT_FOUND', `${what} ${id} not found`, { id });
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
export function formatError(formatted: GraphQLFormattedError, _error: unknown): GraphQLFormattedError {
  const code = errorCode(formatted);
  if (SAFE_CODES.has(code)) {
    const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, code } };
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
