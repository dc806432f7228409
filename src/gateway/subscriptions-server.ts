import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Duplex } from 'node:stream';
import { CloseCode, GRAPHQL_TRANSPORT_WS_PROTOCOL, makeServer } from 'graphql-ws';
import { decodeJwt } from 'jose';
import { GraphQLError } from 'graphql';
import WebSocket, { WebSocketServer } from 'ws';
import { Config } from '../config';
import { Actor } from '../shared/actor';
import { AppError, isDependencyFailure, serviceUnavailable } from '../shared/errors';
import { Logger } from '../shared/logger';
import { Admission, formatErrors } from './admission';
import { AccessTokenVerifier, bearerToken } from './auth';
import { MAX_BODY_BYTES, PURPOSE_HEADER } from './http';
import { Metrics } from './metrics';
import { LiveConnection, LiveOperationContext } from './subscriptions';

export interface SubscriptionServerOptions {
  server: http.Server;
  verifier: AccessTokenVerifier;
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** The same admission as HTTP operations: trusted documents, limits, rate limits (a start is one operation). */
  admission: Admission;
}

/** What the gateway keeps per WebSocket connection. */
interface ConnectionState {
  id: string;
  socket: WebSocket;
  authorization?: string;
  purpose?: string;
  partner?: string;
  expiry?: NodeJS.Timeout;
  connection?: LiveConnection;
}

interface Extra {
  state: ConnectionState;
}

/** Close reasons are limited to 123 bytes by the WebSocket protocol. */
const reason = (text: string) =>
  Buffer.byteLength(text) <= 123 ? text : Buffer.from(text).subarray(0, 120).toString('utf8') + '…';
/** Keep-alive: a ping this often; a connection that does not answer the next one is dropped. */
const KEEP_ALIVE_MS = 12_000;
/** Codes of our own that pass formatError's masking on this path. */
const OWN_CODES = new Set(['SUBSCRIPTION_OVERFLOW']);
/** RFC 6455 "Try Again Later": a dependency is unreachable, the credential could not be checked. */
const TRY_AGAIN_LATER = 1013;

/**
 * GraphQL over WebSocket (graphql-transport-ws) on the gateway's HTTP server at /graphql, for
 * subscriptions only: queries and mutations keep to HTTP, where idempotency applies. Each
 * subscription passes the same admission as an HTTP operation (admission.ts). The connection
 * authenticates with the same token and purpose as HTTP, in the `connection_init` payload; it ends
 * when the token expires.
 */
export function attachSubscriptionServer(opts: SubscriptionServerOptions): { close(): Promise<void> } {
  const { config, log, verifier } = opts;
  const limits = config.subscriptions;
  const perPartner = new Map<string, number>();
  // The process's (several servers of one container share them).
  const { subscriptionConnections: connections, subscriptionRefusals: refused } = opts.metrics;

  const closeFor = (state: ConnectionState, err: unknown) => {
    if (isDependencyFailure(err)) {
      refused.inc({ code: String(TRY_AGAIN_LATER) });
      state.socket.close(TRY_AGAIN_LATER, reason(`Try again later: ${serviceUnavailable().message}`));
      return;
    }
    const forbidden = err instanceof AppError && err.code === 'FORBIDDEN';
    const code = forbidden ? CloseCode.Forbidden : CloseCode.Unauthorized;
    refused.inc({ code: String(code) });
    state.socket.close(
      code,
      reason(
        `${forbidden ? 'Forbidden' : 'Unauthorized'}: ${err instanceof AppError ? err.message : 'authentication failed'}`,
      ),
    );
  };

  const format = (errors: readonly GraphQLError[]) => formatErrors(errors, OWN_CODES);

  const gql = makeServer<Record<string, unknown>, Extra>({
    schema: opts.admission.schema,
    async onConnect(ctx) {
      const { state } = ctx.extra;
      const params = ctx.connectionParams ?? {};
      const authorization =
        typeof params.authorization === 'string'
          ? params.authorization
          : typeof params.Authorization === 'string'
            ? params.Authorization
            : undefined;
      const rawPurpose = params[PURPOSE_HEADER] ?? params['Lotse-Purpose'];
      const purpose = typeof rawPurpose === 'string' ? rawPurpose : undefined;
      let actor: Actor;
      try {
        actor = await verifier.verify(authorization, state.id, purpose);
      } catch (err) {
        closeFor(state, err);
        return false;
      }
      // Gone while its token was checked: nothing to count (its close was handled already).
      if (state.socket.readyState !== WebSocket.OPEN) return false;
      const open = perPartner.get(actor.partner) ?? 0;
      if (open >= limits.maxConnectionsPerPartner) {
        refused.inc({ code: '1008' });
        state.socket.close(
          1008,
          reason(`Too many connections for this partner (at most ${limits.maxConnectionsPerPartner})`),
        );
        return false;
      }
      perPartner.set(actor.partner, open + 1);
      connections.inc();
      Object.assign(state, { authorization, purpose, partner: actor.partner });
      state.connection = liveConnection(state, actor);
      // The verified token's expiry ends the connection (checked again with every event).
      const exp = decodeJwt(bearerToken(authorization)!).exp;
      if (exp)
        state.expiry = setTimeout(
          () => state.socket.close(CloseCode.Unauthorized, 'Unauthorized: the access token expired'),
          Math.min(Math.max(exp * 1000 - Date.now(), 0), 2 ** 31 - 1),
        );
      log.info(
        { connection: state.id, partner: actor.partner, purpose: actor.purpose },
        'subscription connection opened',
      );
      return true;
    },
    async onSubscribe(ctx, message) {
      const { state } = ctx.extra;
      // The one being subscribed is already reserved in ctx.subscriptions.
      if (Object.keys(ctx.subscriptions).length > limits.maxPerConnection) {
        return [
          new GraphQLError(`At most ${limits.maxPerConnection} subscriptions per connection`, {
            extensions: { code: 'BAD_REQUEST' },
          }),
        ];
      }
      const { query, extensions, operationName, variables } = message.payload;
      const caller = { partner: state.partner!, log: log.child({ connection: state.id, partner: state.partner }) };
      const request = { transport: 'websocket', query, extensions, operationName, variables } as const;
      let verdict: Awaited<ReturnType<Admission['admit']>>;
      try {
        verdict = await opts.admission.admit(caller, request);
      } catch (err) {
        // Registered documents or rate limits could not be read: this subscription fails, the connection stays.
        if (isDependencyFailure(err)) return [serviceUnavailable()];
        throw err;
      }
      // Sent in graphql-ws's error message, formatted by onError.
      if (!verdict.admitted) return verdict.errors;
      const { document, operation } = verdict;
      const contextValue: LiveOperationContext = {
        connection: state.connection!,
        operationName: operation.name?.value ?? null,
      };
      const variableValues = variables ?? undefined;
      return { schema: opts.admission.schema, document, operationName, variableValues, contextValue };
    },
    onNext(_ctx, _message, _args, result) {
      if (result.errors?.length) return { ...result, errors: format(result.errors) } as never;
      return undefined;
    },
    onError(_ctx, _message, errors) {
      return format(errors).map(
        (f, i) =>
          new GraphQLError(f.message, {
            nodes: errors[i].nodes,
            source: errors[i].source,
            positions: errors[i].positions,
            extensions: f.extensions,
          }),
      );
    },
    onClose(ctx, code) {
      const { state } = ctx.extra;
      clearTimeout(state.expiry);
      if (state.partner) {
        const left = (perPartner.get(state.partner) ?? 1) - 1;
        if (left > 0) perPartner.set(state.partner, left);
        else perPartner.delete(state.partner);
        connections.dec();
        log.info({ connection: state.id, partner: state.partner, code }, 'subscription connection closed');
      }
    },
  });

  /** Each event is handled like a request of its own: the token verified again, fresh loaders, its own request id. */
  function liveConnection(state: ConnectionState, first: Actor): LiveConnection {
    return {
      async eventContext(operationName) {
        if (state.socket.readyState !== WebSocket.OPEN) return null;
        const requestId = randomUUID();
        let actor: Actor;
        try {
          actor = await verifier.verify(state.authorization, requestId, state.purpose);
        } catch (err) {
          closeFor(state, err);
          return null;
        }
        return {
          actor,
          requestId,
          operationName,
          log: log.child({ requestId, connection: state.id, partner: first.partner, purpose: actor.purpose }),
        };
      },
    };
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_BODY_BYTES,
    handleProtocols: (protocols) =>
      protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : false,
  });
  wss.on('connection', (socket) => {
    const state: ConnectionState = { id: randomUUID(), socket };
    const closed = gql.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) =>
            socket.readyState === WebSocket.OPEN
              ? socket.send(data, (err) => (err ? reject(err) : resolve()))
              : resolve(),
          ),
        close: (code, why) => socket.close(code, why),
        onMessage: (cb) =>
          socket.on('message', async (data) => {
            try {
              // ws hands text frames over as a Buffer (binaryType 'nodebuffer').
              await cb((data as Buffer).toString('utf8'));
            } catch (err) {
              if (isDependencyFailure(err)) {
                log.warn(
                  { connection: state.id, err: { name: (err as Error).name } },
                  'subscription message failed: a dependency is unreachable',
                );
                return void socket.close(TRY_AGAIN_LATER, reason(`Try again later: ${serviceUnavailable().message}`));
              }
              // Messages can carry input values: the error's class only.
              log.error({ connection: state.id, err: { name: (err as Error).name } }, 'subscription message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { state },
    );
    // A dead peer is noticed by its missing pong.
    let alive = true;
    socket.on('pong', () => (alive = true));
    const ping = setInterval(() => {
      if (!alive) return void socket.terminate();
      alive = false;
      socket.ping();
    }, KEEP_ALIVE_MS);
    socket.on('error', (err) => log.warn({ connection: state.id, err: { name: err.name } }, 'websocket error'));
    socket.once('close', (code, why) => {
      clearInterval(ping);
      void closed(code, String(why));
    });
  });

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  opts.server.on('upgrade', onUpgrade);

  return {
    async close() {
      opts.server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.close(1001, 'Going away');
      // Clients get a moment for the close handshake; whoever does not answer is cut.
      for (let waited = 0; wss.clients.size && waited < 2000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
