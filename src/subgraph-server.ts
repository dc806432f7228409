import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { Container } from './container';
import { SubgraphName } from './config';
import { formatError } from './shared/errors';
import { DevKey } from './gateway/dev-key';
import { createSubgraphAuth, SubgraphRefusal } from './subgraph-auth';
import { checkOperationInput } from './subgraphs/shared/input.guard';
import { SubgraphContext } from './subgraphs/subgraph';
import { MAX_BODY_BYTES } from './gateway/http';
import { trackForDrain } from './gateway/http-drain';
import { flushAccess } from './policy/policy.audit';
import { noStore } from './gateway/gateway';

/**
 * One subgraph over HTTP, for running it apart from the gateway. Every request must carry the
 * gateway's signed identity (for all subgraphs, or for this one) or, with SUBGRAPH_PARTNER_TOKENS,
 * a partner's access token forwarded by a Federation router (src/subgraph-auth.ts); without a
 * verified actor nothing is answered. `devKey`: the development key tokens may be signed with.
 */
export async function startSubgraphServer(
  container: Container,
  name: SubgraphName,
  opts: { port: number; host: string; devKey?: DevKey },
) {
  const subgraph = container.subgraphs[name];
  const apollo = new ApolloServer<SubgraphContext>({
    schema: subgraph.schema,
    introspection: false,
    // We stop in order (server, workers, pools, embedded PostgreSQL) on SIGINT/SIGTERM ourselves.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    formatError,
    plugins: [
      // Malformed input is refused as in-process subgraphs refuse it (src/subgraphs/shared/input.guard.ts).
      {
        async requestDidStart() {
          return {
            async responseForOperation({ document, request, operationName }) {
              const refused = checkOperationInput(subgraph.schema, document, request.variables, operationName);
              if (!refused.length) return null;
              return {
                http: { headers: new HeaderMap() },
                body: { kind: 'single', singleResult: { errors: refused.map((e) => e.toJSON()) } },
              };
            },
          };
        },
      },
      noStore(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
    ],
  });
  await apollo.start();
  const auth = createSubgraphAuth(container, name, opts.devKey);
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.setHeader('content-type', 'application/json');
      return res.end('{"status":"ok"}');
    }
    // This process's own figures (audit appends happen here); the cluster's are on gateways and workers.
    if (path === '/metrics' && req.method === 'GET') {
      res.setHeader('content-type', container.metrics.registry.contentType);
      return res.end(await container.metrics.registry.metrics());
    }
    if (path !== '/graphql' || req.method !== 'POST') {
      res.statusCode = 404;
      return res.end();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        res.statusCode = 413;
        return res.end();
      }
      chunks.push(chunk as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.statusCode = 400;
      return res.end('{"errors":[{"message":"Request body is not valid JSON","extensions":{"code":"BAD_REQUEST"}}]}');
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    // The caller is checked first: its jurisdiction bounds every database query of this request.
    let context: SubgraphContext;
    try {
      context = subgraph.createContext(await auth.actor(req));
    } catch (err) {
      if (!(err instanceof SubgraphRefusal)) throw err;
      res.statusCode = err.status;
      res.setHeader('content-type', 'application/json');
      for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
      return res.end(JSON.stringify(err.body));
    }
    const response = await container.rowSecurity.run(context.actor.jurisdiction, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers, search: '', body },
        context: async () => context,
      }),
    );
    // No audit entry, no data: the response leaves only after its reads are logged.
    await flushAccess(container.audit, context.policy, (body as { operationName?: string })?.operationName ?? null);
    for (const [k, v] of response.headers) res.setHeader(k, v);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') res.end(response.body.string);
    else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      container.log.error({ subgraph: name, err: { name: (err as Error).name } }, 'subgraph request failed');
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json');
        res.end('{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}');
      } else res.end();
    });
  });
  const drain = trackForDrain(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  }).catch(async (err) => {
    await auth.close();
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    /** No new connections; requests in flight finish, what is open after `timeoutMs` is cut. */
    async close(timeoutMs = container.config.shutdownTimeoutMs) {
      await drain.close(timeoutMs, container.log.child({ subgraph: name, component: 'http' }));
      await apollo.stop();
      await auth.close();
    },
  };
}
