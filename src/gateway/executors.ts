import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import { Executor, ExecutionRequest } from '@graphql-tools/utils';
import { execute, ExecutionResult, GraphQLError } from 'graphql';
import type { Histogram } from 'prom-client';
import { AuditLog } from '../audit/audit.service';
import { RowSecurityContext } from '../shared/row-security';
import { Actor } from '../shared/actor';
import { copyActor, IdentitySigner, IDENTITY_HEADER } from '../shared/identity';
import { checkOperationInput } from '../subgraphs/shared/input.guard';
import { Subgraph, SubgraphContext } from '../subgraphs/subgraph';
import { noTracing, SpanKind, Tracing } from '../shared/tracing';
import { GatewayContext } from './context';
import { auditCall } from './request-audit';

/**
 * The gateway → subgraph identity of each gateway request (keyed by its context): signed once for
 * all the subgraphs the request reaches, and verified once for those served in this process.
 */
export class RequestIdentity {
  private readonly signing = new WeakMap<GatewayContext, Promise<string>>();
  private readonly signed = new WeakMap<GatewayContext, string>();
  private readonly verified = new WeakMap<GatewayContext, Promise<Actor>>();

  constructor(private readonly signer: IdentitySigner) {}

  /** The request's signed identity, for a subgraph over HTTP. */
  token(gctx: GatewayContext): Promise<string> {
    let token = this.signing.get(gctx);
    if (!token) {
      token = this.signer.sign(gctx.actor).then((t) => {
        this.signed.set(gctx, t);
        return t;
      });
      this.signing.set(gctx, token);
    }
    return token;
  }

  /** The token once `token` has resolved (HTTP headers are built synchronously). */
  signedToken(gctx: GatewayContext): string | undefined {
    return this.signed.get(gctx);
  }

  /**
   * The actor an in-process subgraph acts for: what the signed token says, verified as a subgraph
   * over HTTP verifies it, never the gateway's context directly. Each subgraph gets its own copy.
   */
  async actor(gctx: GatewayContext): Promise<Actor> {
    let actor = this.verified.get(gctx);
    if (!actor) {
      actor = this.token(gctx).then((t) => this.signer.verify(t));
      this.verified.set(gctx, actor);
    }
    return copyActor(await actor);
  }
}

export interface LocalExecutorDeps {
  identity: RequestIdentity;
  /** Reads and denials of personal data are written here, per request or per call; no entry, no data. */
  audit: AuditLog;
  /** The caller's jurisdiction is enforced by the database on every query of the call. */
  rowSecurity: RowSecurityContext;
  timeoutMs?: number;
  /** Each call is a `subgraph.call` span inside the request's `graphql.request`. */
  tracing?: Tracing;
}

/**
 * In-process subgraph: it acts for the actor of the request's signed identity, verified as over
 * HTTP, so a local subgraph trusts nothing a remote one would not. Its context is made once per
 * gateway request, so the subgraph's DataLoaders span all of that request's calls. Audit and
 * row security are not optional: a subgraph served in-process must be as closed as one served over HTTP.
 */
export function localExecutor(subgraph: Subgraph, deps: LocalExecutorDeps): Executor {
  const { identity, audit, rowSecurity, timeoutMs = 10000, tracing = noTracing() } = deps;
  const span = {
    kind: SpanKind.INTERNAL,
    attributes: { 'lotse.subgraph': subgraph.name, 'lotse.transport': 'in-process' },
  };
  const contexts = new WeakMap<GatewayContext, Promise<SubgraphContext>>();
  const contextFor = (gctx: GatewayContext) => {
    let ctx = contexts.get(gctx);
    if (!ctx) {
      ctx = identity.actor(gctx).then((actor) => subgraph.createContext(actor));
      contexts.set(gctx, ctx);
    }
    return ctx;
  };
  const run = async (request: ExecutionRequest) => {
    const contextValue = await contextFor(request.context as GatewayContext);
    // Malformed input is refused before anything runs, every failing field at once.
    const refused = checkOperationInput(subgraph.schema, request.document, request.variables, request.operationName);
    if (refused.length) return { errors: refused };
    const run = () =>
      execute({
        schema: subgraph.schema,
        document: request.document,
        variableValues: request.variables,
        operationName: request.operationName,
        contextValue,
      });
    // The database enforces the caller's jurisdiction on every query this call makes.
    const result = await rowSecurity.run(contextValue.actor.jurisdiction, run);
    // No audit entry, no data: written with the request's response (src/gateway/request-audit.ts),
    // else now, and a failing write fails this call.
    const gctx = request.context as GatewayContext;
    await auditCall(audit, gctx, contextValue.policy, gctx.operationName ?? request.operationName ?? null);
    return result;
  };
  return ((request: ExecutionRequest) =>
    tracing.span('subgraph.call', span, () => withTimeout(subgraph.name, timeoutMs, run(request)))) as Executor;
}

/**
 * Remote subgraph over GraphQL-over-HTTP, with the request's signed identity in a header, and the
 * `subgraph.call` span as W3C `traceparent` when tracing is on (the subgraph continues the trace).
 */
export function remoteExecutor(
  endpoint: string,
  identity: RequestIdentity,
  timeoutMs = 15000,
  opts: { name?: string; tracing?: Tracing } = {},
): Executor {
  const tracing = opts.tracing ?? noTracing();
  const http = buildHTTPExecutor({
    endpoint,
    headers: (req?: ExecutionRequest) => {
      const token = req?.context ? identity.signedToken(req.context as GatewayContext) : undefined;
      const headers: Record<string, string> = {};
      if (token) headers[IDENTITY_HEADER] = token;
      tracing.inject(headers);
      return headers;
    },
    timeout: timeoutMs,
  });
  const span = { kind: SpanKind.CLIENT, attributes: { 'lotse.subgraph': opts.name ?? '', 'lotse.transport': 'http' } };
  return ((request: ExecutionRequest) =>
    tracing.span('subgraph.call', span, async () => {
      await identity.token(request.context as GatewayContext);
      return http(request);
    })) as Executor;
}

/**
 * The outcome of a call that returned errors. The HTTP executor does not throw when a subgraph
 * cannot be reached: it returns an error with the code SUBREQUEST_HTTP_ERROR (no response came
 * back), for a timeout with the HTTP status 504 it sets itself.
 */
function outcomeOf(errors: readonly GraphQLError[]): 'ok' | 'error' | 'timeout' | 'unavailable' {
  if (!errors.length) return 'ok';
  const unreached = errors.filter((e) => e.extensions?.code === 'SUBREQUEST_HTTP_ERROR');
  const httpStatus = (e: GraphQLError) => (e.extensions?.http as { status?: number } | undefined)?.status;
  if (errors.some((e) => e.extensions?.code === 'SUBGRAPH_TIMEOUT') || unreached.some((e) => httpStatus(e) === 504))
    return 'timeout';
  if (unreached.length) return 'unavailable';
  return 'error';
}

/**
 * Records each call's duration per subgraph and outcome: ok, error (errors in the result),
 * timeout (SUBGRAPH_TIMEOUT, or an HTTP subgraph's timeout), unavailable (it threw, or an HTTP
 * subgraph could not be reached).
 */
export function timedExecutor(
  name: string,
  executor: Executor,
  histogram: Pick<Histogram<'subgraph' | 'outcome'>, 'startTimer'>,
): Executor {
  return (async (request: ExecutionRequest) => {
    const done = histogram.startTimer({ subgraph: name });
    try {
      const result = await executor(request);
      // A stream (subscriptions) is not a call with a duration: counted as started only.
      if (!result || Symbol.asyncIterator in (result as object)) done({ outcome: 'ok' });
      else {
        done({ outcome: outcomeOf((result as ExecutionResult).errors ?? []) });
      }
      return result;
    } catch (err) {
      done({
        outcome: /timeout|timed out|abort/i.test((err as Error).name + (err as Error).message)
          ? 'timeout'
          : 'unavailable',
      });
      throw err;
    }
  }) as Executor;
}

/**
 * An in-process subgraph that does not answer in time yields SUBGRAPH_TIMEOUT for its fields (the
 * rest of the response still arrives). Its work is not cancelled: it runs to its end unobserved.
 */
function withTimeout(name: string, ms: number, result: Promise<ExecutionResult>): Promise<ExecutionResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ExecutionResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          errors: [
            new GraphQLError(`Subgraph ${name} did not answer within ${ms} ms`, {
              extensions: { code: 'SUBGRAPH_TIMEOUT' },
            }),
          ],
        }),
      ms,
    );
  });
  return Promise.race([result, timeout]).finally(() => clearTimeout(timer));
}
