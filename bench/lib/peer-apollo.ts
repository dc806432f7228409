// Entry script: @apollo/gateway in @apollo/server, serving the committed supergraph over the bench's
// subgraph processes. Started by the gateway suite with `node`; env: PORT, LOTSE_BENCH_SUPERGRAPH (a
// file), APOLLO_TELEMETRY_DISABLED=1. It holds no Lotse secret: it forwards the partner's token and
// purpose, as an operator's router does (docs/deployment.md); the subgraphs verify them.
import fs from 'node:fs';
import http from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { readBody, answerHealth, FORWARDED_HEADERS } from './peer-common';

/** The client's headers to forward, per request. */
interface PeerContext {
  forwarded: Array<[string, string]>;
}

async function main(): Promise<void> {
  const gateway = new ApolloGateway({
    supergraphSdl: fs.readFileSync(process.env.LOTSE_BENCH_SUPERGRAPH!, 'utf8'),
    logger: { debug() {}, info() {}, warn() {}, error: (m: unknown) => console.error(m) },
    // RemoteGraphQLDataSource does not deduplicate requests.
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<PeerContext>({
        url,
        willSendRequest({ request, context }) {
          for (const [key, value] of context.forwarded ?? []) request.http!.headers.set(key, value);
        },
      }),
  });
  const apollo = new ApolloServer<PeerContext>({
    gateway,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  // A plain node:http front, as the other gateways have.
  const server = http.createServer((req, res) => {
    if (answerHealth(req, res)) return;
    void (async () => {
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
      const body = await readBody(req);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: req.method!.toUpperCase(),
          headers,
          search: new URL(req.url ?? '/', 'http://localhost').search,
          body: body.length ? JSON.parse(body) : undefined,
        },
        context: async () => ({
          forwarded: FORWARDED_HEADERS.flatMap((name) => {
            const value = req.headers[name];
            return typeof value === 'string' ? [[name, value] as [string, string]] : [];
          }),
        }),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') res.end(response.body.string);
      else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  server.listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGTERM', () => server.close(() => void apollo.stop().finally(() => process.exit(0))));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
