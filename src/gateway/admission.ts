import {
  DocumentNode,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  isIntrospectionType,
  Kind,
  OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
  ValidationRule,
} from 'graphql';
import { Config } from '../config';
import { formatError } from '../shared/errors';
import { Logger } from '../shared/logger';
import { ARMOR_LIMITS, createArmor, isStandardIntrospection, scrubSuggestions } from './armor';
import { checkOperationInput } from '../subgraphs/shared/input.guard';
import { costRefusal, operationCost } from './cost';
import { mergeErrors } from './error-paths';
import { Metrics } from './metrics';
import { RateLimiter } from './rate-limit';
import { CachedTrustedDocuments, NOT_ALLOWED, sha256Hex } from './trusted-documents';

/**
 * Admission: the one check every operation passes before it runs, over HTTP (admission.apollo.ts)
 * and over WebSocket (subscriptions-server.ts) alike. In this order, stopping at the first refusal:
 *
 * 1. the document: a persisted reference resolves to the partner's registered text; with
 *    TRUSTED_DOCUMENTS on only registered texts pass (nothing else is parsed);
 * 2. parsing, with the token limit;
 * 3. validation against the schema with the query limits (depth, aliases, directives) and,
 *    in production, without introspection (a text that passed 2 and 3 is not checked again);
 * 4. the operation to run, and whether it belongs on this transport (HTTP: queries and mutations,
 *    GET queries only; WebSocket: subscriptions only);
 * 5. its variables (coerced as execution will coerce them, defaults applied) and its cost
 *    (src/gateway/cost.ts) against QUERY_COST_LIMIT;
 * 6. the partner's rate limits (operations and cost per minute, shared by both transports): the
 *    budget is charged the same cost the limit checked. For a query over HTTP the check (a Redis
 *    round trip) runs while the query executes: admission hands it on as `pendingLimit`, and the
 *    answer waits for it and is replaced by the refusal if it refuses (admission.apollo.ts), so
 *    nothing of a refused query's data leaves. A mutation (it writes) and a subscription start are
 *    checked before they run.
 *
 * A refusal carries its errors (message and extensions.code) and the HTTP status and headers
 * they are answered with; WebSocket sends the same errors in its `error` message.
 */

export type Transport = 'http' | 'websocket';

/** Who asks: an authenticated partner. */
export interface Caller {
  partner: string;
  log: Logger;
}

export interface AdmissionRequest {
  transport: Transport;
  /** The HTTP method: GET runs queries only. */
  method?: string;
  /** The document's text; empty counts as absent (graphql-ws always sends a string). */
  query?: string | null;
  /** `persistedQuery` here is a reference to a registered document (HTTP `documentId` is rewritten into it). */
  extensions?: Record<string, unknown> | null;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

export interface Admitted {
  admitted: true;
  /** The text that runs: the registered one for a reference. */
  text: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The request's extensions without the persisted reference (it is resolved). */
  extensions: Record<string, unknown>;
  /** As checked against QUERY_COST_LIMIT and charged to the cost rate limit. */
  cost: number;
  /** A query's rate-limit check, still under way while it runs: a refusal replaces its answer. */
  pendingLimit?: Promise<Refusal | undefined>;
}

export interface Refusal {
  admitted: false;
  /** HTTP status; WebSocket has none (the errors end the subscription). */
  status: number;
  headers: Record<string, string>;
  errors: GraphQLError[];
}

export type Verdict = Admitted | Refusal;

interface Resolved {
  text: string;
  extensions: Record<string, unknown>;
}

export interface AdmissionOptions {
  schema: GraphQLSchema;
  config: Pick<Config, 'env' | 'trustedDocuments' | 'queryCostLimit'>;
  /** The process's one cache of registered documents. */
  documents: CachedTrustedDocuments;
  /** Without it, no rate limits. */
  rateLimiter?: RateLimiter;
  /** Refusals are counted in lotse_graphql_errors_total by code. */
  metrics?: Metrics;
}

const HASH = /^[0-9a-f]{64}$/;

function refusal(errors: GraphQLError[], status = 400, headers: Record<string, string> = {}): Refusal {
  return { admitted: false, status, headers, errors };
}

const refuse = (message: string, code: string, status = 400, headers: Record<string, string> = {}) =>
  refusal([new GraphQLError(message, { extensions: { code } })], status, headers);

/** graphql-js's NoSchemaIntrospectionCustomRule, with the code clients of Apollo Server know. */
const NoIntrospection: ValidationRule = (context) => ({
  Field(node) {
    const type = getNamedType(context.getType());
    if (type && isIntrospectionType(type)) {
      context.reportError(
        new GraphQLError(
          `GraphQL introspection has been disabled, but the requested query contained the field "${node.name.value}".`,
          { nodes: node, extensions: { validationErrorCode: 'INTROSPECTION_DISABLED' } },
        ),
      );
    }
  },
});

/** Valid documents kept per process, and the longest text kept (a bound on the memory they take). */
const VALID_KEPT = 1000;
const VALID_TEXT_MAX = 10_000;

export class Admission {
  private readonly rules: ValidationRule[];
  private readonly valid = new Map<string, DocumentNode>();

  constructor(private readonly opts: AdmissionOptions) {
    const production = opts.config.env === 'production';
    const armor = createArmor({ env: opts.config.env });
    this.rules = [...specifiedRules, ...armor.validationRules, ...(production ? [NoIntrospection] : [])];
  }

  get schema(): GraphQLSchema {
    return this.opts.schema;
  }

  async admit(caller: Caller, request: AdmissionRequest): Promise<Verdict> {
    const verdict = await this.decide(caller, request);
    if (!verdict.admitted) this.refused(caller, request, verdict);
    return verdict;
  }

  private refused(caller: Caller, request: AdmissionRequest, refusal: Refusal): void {
    const codes = refusal.errors.map((e) => String(e.extensions.code));
    for (const code of codes) this.opts.metrics?.graphqlErrors.inc({ code });
    caller.log.info({ transport: request.transport, codes, status: refusal.status }, 'operation refused');
  }

  /** Step 6: the partner's rate limits, charged `cost`; the refusal if over one. */
  private async limit(caller: Caller, cost: number): Promise<Refusal | undefined> {
    const limited = await this.opts.rateLimiter?.check(caller.partner, cost, caller.log);
    return limited ? refusal([limited], 429, { 'retry-after': String(limited.extensions.retryAfter) }) : undefined;
  }

  private async decide(caller: Caller, request: AdmissionRequest): Promise<Verdict> {
    const resolved = await this.resolve(caller, request);
    if ('admitted' in resolved) return resolved;
    const document = this.validDocument(resolved.text);
    if ('admitted' in document) return document;
    const operation = getOperationAST(document, request.operationName ?? undefined);
    if (!operation) {
      return refuse(operationProblem(document, request.operationName), 'OPERATION_RESOLUTION_FAILURE');
    }
    const misplaced = transportProblem(operation, request);
    if (misplaced) return misplaced;
    // The partner's input: every refused value named by its argument or field, all in one error.
    const refusedInput = checkOperationInput(
      this.opts.schema,
      document,
      request.variables ?? undefined,
      name(operation),
    );
    if (refusedInput.length) {
      const merged = mergeErrors(refusedInput, []);
      return refusal([new GraphQLError(merged.message, { extensions: merged.extensions })]);
    }
    const coerced = getVariableValues(this.opts.schema, operation.variableDefinitions ?? [], request.variables ?? {});
    if (coerced.errors) return refusal(coerced.errors.map(variableError));
    const cost = this.cost(document, operation, coerced.coerced);
    if (typeof cost !== 'number') return refusal([cost]);
    const admitted: Admitted = {
      admitted: true,
      text: resolved.text,
      document,
      operation,
      extensions: resolved.extensions,
      cost,
    };
    if (!this.opts.rateLimiter) return admitted;
    const limit = this.limit(caller, cost);
    // A query writes nothing: it may run while its check is under way (the answer waits for it).
    if (request.transport === 'http' && operation.operation === 'query') {
      admitted.pendingLimit = limit.then((refused) => {
        if (refused) this.refused(caller, request, refused);
        return refused;
      });
      return admitted;
    }
    return (await limit) ?? admitted;
  }

  /** Step 5: the operation's cost, or the refusal if it is over the limit. */
  private cost(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
  ): number | GraphQLError {
    // GraphiQL's own introspection documents are exempt where introspection is on, as from the other limits.
    if (this.opts.config.env !== 'production' && isStandardIntrospection(document)) return 0;
    const found = operationCost(this.opts.schema, document, operation, variables);
    return costRefusal(found, this.opts.config.queryCostLimit) ?? found.cost;
  }

  /** Step 1: the text to run, from the request's text or its persisted reference. */
  private async resolve(caller: Caller, request: AdmissionRequest): Promise<Resolved | Refusal> {
    const enforce = this.opts.config.trustedDocuments;
    const query = request.query || undefined;
    const { persistedQuery: reference, ...extensions } = request.extensions ?? {};
    const notAllowed = (hash: string) => {
      caller.log.info({ documentId: `sha256:${hash}` }, 'document not registered');
      return refuse(`Document sha256:${hash} is not allowed`, NOT_ALLOWED);
    };
    if (reference !== undefined) {
      const { version, sha256Hash: hash } = (reference ?? {}) as { version?: unknown; sha256Hash?: unknown };
      if (version !== 1 || typeof hash !== 'string' || !HASH.test(hash)) {
        return refuse(
          'A persisted document is referenced by documentId "sha256:<64 lower-case hex digits>" or ' +
            'extensions.persistedQuery { version: 1, sha256Hash }',
          'BAD_REQUEST',
        );
      }
      if (query !== undefined && sha256Hex(query) !== hash) {
        return refuse('The query text does not match its sha256 hash', 'BAD_REQUEST');
      }
      const registered = await this.opts.documents.find(caller.partner, hash);
      if (registered !== undefined) return { text: registered, extensions };
      if (enforce) return notAllowed(hash);
      // Without enforcement, an APQ client (hash first) retries with the text on NOT_FOUND.
      if (query === undefined) return refuse(`Document sha256:${hash} not found`, 'PERSISTED_QUERY_NOT_FOUND');
      return { text: query, extensions };
    }
    if (query === undefined) {
      const message = 'GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension.';
      return refuse(message, 'BAD_REQUEST');
    }
    if (enforce) {
      const hash = sha256Hex(query);
      if ((await this.opts.documents.find(caller.partner, hash)) === undefined) return notAllowed(hash);
    }
    return { text: query, extensions };
  }

  /**
   * Steps 2 and 3 for a text: its document once it parsed and validated, or the refusal. Valid
   * documents are kept by their text (the same few operations come again and again; validation
   * against this schema and rules gives the same answer every time), at most VALID_KEPT of them,
   * the least recently used going first. The document is only read from then on.
   */
  private validDocument(text: string): DocumentNode | Refusal {
    const known = this.valid.get(text);
    if (known) {
      this.valid.delete(text);
      this.valid.set(text, known);
      return known;
    }
    const document = this.parse(text);
    if ('admitted' in document) return document;
    const invalid = validate(this.opts.schema, document, this.rules);
    if (invalid.length) return refusal(invalid.map(validationError));
    if (text.length <= VALID_TEXT_MAX) {
      if (this.valid.size >= VALID_KEPT) this.valid.delete(this.valid.keys().next().value!);
      this.valid.set(text, document);
    }
    return document;
  }

  /** Step 2: the token limit stops the parser early; other syntax errors are parse failures. */
  private parse(text: string): DocumentNode | Refusal {
    try {
      return parse(text, { maxTokens: ARMOR_LIMITS.maxTokens });
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      // graphql-js 16 says "more that 400 tokens"; reported as armor reports its limits.
      const tokens = /more tha[nt] (\d+) tokens/.exec(err.message);
      if (tokens) return refuse(`Token limit of ${tokens[1]} exceeded.`, 'GRAPHQL_VALIDATION_FAILED');
      const { source, positions } = err;
      const extensions = { code: 'GRAPHQL_PARSE_FAILED' };
      return refusal([new GraphQLError(err.message, { source, positions, extensions })]);
    }
  }
}

function validationError(e: GraphQLError): GraphQLError {
  const extensions = { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' };
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, extensions });
}

/** As Apollo Server answers a variable that cannot be coerced (before this check, it did). */
const name = (operation: OperationDefinitionNode): string | undefined => operation.name?.value;

function variableError(e: GraphQLError): GraphQLError {
  const extensions = { ...e.extensions, code: 'BAD_USER_INPUT' };
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, extensions });
}

/** graphql-js's words for a document whose operation cannot be chosen. */
function operationProblem(document: DocumentNode, operationName: string | null | undefined): string {
  if (operationName) return `Unknown operation named "${operationName}".`;
  const some = document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION);
  return some ? 'Must provide operation name if query contains multiple operations.' : 'Must provide an operation.';
}

/** Step 4: queries and mutations over HTTP (GET: queries only), subscriptions over WebSocket. */
function transportProblem(operation: OperationDefinitionNode, request: AdmissionRequest): Refusal | undefined {
  const type = operation.operation;
  if (request.transport === 'websocket') {
    if (type === 'subscription') return undefined;
    return refuse('Only subscriptions run over WebSocket: send queries and mutations to POST /graphql', 'BAD_REQUEST');
  }
  if (request.method === 'GET' && type !== 'query') {
    const message = `GET requests only support query operations, not ${type} operations`;
    return refuse(message, 'BAD_REQUEST', 405, { allow: 'POST' });
  }
  if (type === 'subscription') {
    return refuse('Subscriptions run over WebSocket (graphql-transport-ws) at /graphql, not over HTTP', 'BAD_REQUEST');
  }
  return undefined;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The errors as clients see them, on either transport: no "Did you mean …?", no transport detail
 * (extensions.http), unknown codes masked by formatError. `passThrough` codes skip the masking.
 */
export function formatErrors(
  errors: readonly GraphQLError[],
  passThrough: ReadonlySet<string> = NONE,
): GraphQLFormattedError[] {
  return errors.map((e) => {
    const { http: _http, ...extensions } = e.extensions ?? {};
    const formatted: GraphQLFormattedError = { ...e.toJSON(), message: scrubSuggestions(e.message), extensions };
    return passThrough.has(String(extensions.code)) ? formatted : formatError(formatted, e);
  });
}
