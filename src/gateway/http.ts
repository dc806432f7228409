import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApolloServer, HeaderMap, HTTPGraphQLRequest, HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { Actor } from '../shared/actor';
import { AppError, isDependencyFailure, RETRY_AFTER_SECONDS, serviceUnavailable } from '../shared/errors';
import { Logger } from '../shared/logger';
import type { Refusal } from './admission';
import { refusalResponse } from './admission.apollo';
import { AccessTokenVerifier, AuthenticationError } from './auth';
import { GatewayContext, Withheld } from './context';
import { IDEMPOTENCY_KEY_HEADER, IdempotencyDecision, IdempotencyGate, shouldStore } from './idempotency';
import { Metrics } from './metrics';
import { documentIdAsPersistedQuery } from './trusted-documents';

export const MAX_BODY_BYTES = 100 * 1024;
/** The purpose a request states (DSGVO Art. 5(1)(b)); recorded in the audit log with every access. */
export const PURPOSE_HEADER = 'lotse-purpose';
/** A request id taken from a caller's x-request-id; anything else is replaced by a fresh one. */
export const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;

export interface HttpOptions {
  apollo: ApolloServer<GatewayContext>;
  verifier: AccessTokenVerifier;
  metrics: Metrics;
  log: Logger;
  /** Tried in order before /graphql: GraphiQL, health, metrics. */
  routes: RouteHandler[];
  /** Idempotency-Key for mutations (src/gateway/idempotency.ts); without it the header is ignored. */
  idempotency?: IdempotencyGate;
}

/** Plain node:http in front of Apollo Server: no framework, one place for limits and auth. */
export function createHttpHandler(opts: HttpOptions) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const incomingId = String(req.headers['x-request-id'] ?? '');
    const requestId = REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.on('finish', () =>
      opts.metrics.httpRequests.inc({
        route: url.pathname === '/graphql' ? '/graphql' : 'other',
        status: String(res.statusCode),
      }),
    );
    try {
      for (const route of opts.routes) if (await route(req, res)) return;
      if (url.pathname !== '/graphql') return sendJson(res, 404, { error: 'not found' });
      await graphql(req, res, url, requestId, opts);
    } catch (err) {
      if (isDependencyFailure(err)) {
        opts.log.warn({ requestId, err: { name: (err as Error).name } }, 'request failed: a dependency is unreachable');
        if (!res.headersSent) return sendUnavailable(res);
        return void res.end();
      }
      opts.log.error({ requestId, err: { name: (err as Error).name } }, 'request failed');
      if (!res.headersSent)
        sendJson(res, 500, {
          errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
        });
      else res.end();
    }
  };
}

async function graphql(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  requestId: string,
  opts: HttpOptions,
) {
  if (req.method !== 'POST' && req.method !== 'GET') {
    res.setHeader('allow', 'GET, POST');
    return sendJson(res, 405, { errors: [{ message: 'Use GET or POST', extensions: { code: 'BAD_REQUEST' } }] });
  }
  let body: unknown;
  if (req.method === 'POST') {
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === undefined)
      return sendJson(res, 413, {
        errors: [{ message: `Request body larger than ${MAX_BODY_BYTES} bytes`, extensions: { code: 'BAD_REQUEST' } }],
      });
    const type = String(req.headers['content-type'] ?? '');
    if (type.includes('json')) {
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        return sendJson(res, 400, {
          errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
        });
      }
    } else {
      body = raw.toString('utf8');
    }
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers))
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  // GraphQL-over-HTTP `documentId` as Apollo's persisted-query extension (trusted documents).
  const persisted = documentIdAsPersistedQuery(body, url.search);
  const httpGraphQLRequest: HTTPGraphQLRequest = {
    method: req.method,
    headers,
    search: persisted.search,
    body: persisted.body,
  };

  // The token is verified once per request: in Apollo's context, or earlier for an Idempotency-Key.
  let verified: Promise<Actor> | undefined;
  const verify = () => {
    const purpose = req.headers[PURPOSE_HEADER];
    return (verified ??= opts.verifier.verify(
      req.headers.authorization,
      requestId,
      Array.isArray(purpose) ? purpose[0] : purpose,
    ));
  };
  let idempotent: IdempotencyDecision = { kind: 'run' };
  if (opts.idempotency && req.method === 'POST' && req.headers[IDEMPOTENCY_KEY_HEADER] !== undefined) {
    // An unauthenticated request runs as usual: Apollo's context answers it with the same error as without the header.
    const partner = () =>
      verify().then(
        (a) => a.partner,
        () => undefined,
      );
    idempotent = await opts.idempotency.begin({
      key: req.headers[IDEMPOTENCY_KEY_HEADER],
      body: persisted.body,
      partner,
      log: opts.log.child({ requestId }),
    });
    if (idempotent.kind === 'respond') {
      for (const [key, value] of Object.entries(idempotent.response.headers)) res.setHeader(key, value);
      res.statusCode = idempotent.response.status;
      res.end(idempotent.response.body);
      return;
    }
  }

  // A refusal of admission is answered here, every error included (Apollo would answer only the first).
  let refusal: Refusal | undefined;
  let withheld: Withheld | undefined;
  const execute = async () => {
    const response = await opts.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context });
    return refusal ? refusalResponse(refusal, response) : whenUnavailable(response);
  };
  const context = async (): Promise<GatewayContext> => {
    try {
      const actor = await verify();
      const log = opts.log.child({ requestId, partner: actor.partner, purpose: actor.purpose });
      return {
        actor,
        requestId,
        log,
        onRefusal: (r) => void (refusal = r),
        onWithheld: (w) => void (withheld = w),
      };
    } catch (err) {
      if (err instanceof AuthenticationError) {
        const headers = new HeaderMap([['www-authenticate', err.challenge]]);
        throw new GraphQLError(err.message, {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers } },
        });
      }
      if (err instanceof AppError && err.code === 'FORBIDDEN') {
        throw new GraphQLError(err.message, { extensions: { ...err.extensions, http: { status: 403 } } });
      }
      // Could not check the credential (SERVICE_UNAVAILABLE, answered 503 by whenUnavailable), or a
      // fault of ours (500): neither is an invalid credential.
      if (isDependencyFailure(err)) throw serviceUnavailable();
      throw err;
    }
  };
  if (idempotent.kind === 'claimed') {
    const claim = idempotent;
    let body: string;
    let response: Awaited<ReturnType<typeof execute>>;
    try {
      response = await execute();
      body = response.body.kind === 'complete' ? response.body.string : await collect(response.body.asyncIterator);
    } catch (err) {
      await claim.release();
      throw err;
    }
    const headers = Object.fromEntries(response.headers);
    const ran = withheld && { status: 200, headers, body: JSON.stringify(withheld.result) };
    // A mutation that took effect, its result withheld for want of its audit entries (PostgreSQL
    // went away): answered 503 now; the entries and then the result are written once it is back,
    // and the retry gets the result. Released instead, the retry would run the mutation again.
    if (withheld && ran && !refusal && shouldStore(ran)) claim.finishLater(() => withheld!.writeAudit(), ran);
    else await claim.finish({ status: response.status ?? 200, headers, body });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    res.end(body);
    return;
  }
  const response = await execute();
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
  } else {
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

/**
 * A response that met an unreachable dependency anywhere (authentication, admission, a subgraph's
 * database: formatError names each SERVICE_UNAVAILABLE) is answered as a whole with HTTP 503 and
 * Retry-After: partial data of a moment when the system could not answer is no answer to rely on.
 */
function whenUnavailable(response: HTTPGraphQLResponse): HTTPGraphQLResponse {
  if (response.body.kind !== 'complete' || !response.body.string.includes('"SERVICE_UNAVAILABLE"')) return response;
  let errors: unknown;
  try {
    errors = (JSON.parse(response.body.string) as { errors?: unknown }).errors;
  } catch {
    return response;
  }
  const unavailable =
    Array.isArray(errors) &&
    errors.some((e: { extensions?: { code?: unknown } }) => e?.extensions?.code === 'SERVICE_UNAVAILABLE');
  if (!unavailable) return response;
  const contentType = response.headers.get('content-type') ?? 'application/json; charset=utf-8';
  const headers = new HeaderMap([
    ['content-type', contentType],
    ['retry-after', String(RETRY_AFTER_SECONDS)],
  ]);
  return { status: 503, headers, body: { kind: 'complete', string: unavailableBody() } };
}

const unavailableBody = () => {
  const { message, extensions } = serviceUnavailable();
  return JSON.stringify({ errors: [{ message, extensions }] });
};

function sendUnavailable(res: http.ServerResponse): void {
  res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
  res.statusCode = 503;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(unavailableBody());
}

async function collect(chunks: AsyncIterableIterator<string>): Promise<string> {
  let body = '';
  for await (const chunk of chunks) body += chunk;
  return body;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
