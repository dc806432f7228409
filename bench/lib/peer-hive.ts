// Entry script: @graphql-hive/gateway serving the committed supergraph over the bench's subgraph
// processes. Started by the gateway suite with `node`; env: PORT, LOTSE_BENCH_SUPERGRAPH (a file).
// It holds no Lotse secret: it forwards the partner's token and purpose, as an operator's router
// does (docs/deployment.md, "A Federation router in front"); the subgraphs verify them.
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { answerHealth, FORWARDED_HEADERS } from './peer-common';

/** The part of the runtime's configuration used here. */
interface HiveConfig {
  supergraph: string;
  logging: boolean;
  inboundInflightRequestDeduplication: boolean;
  transportEntries: Record<string, { options: Record<string, unknown> }>;
  propagateHeaders: {
    fromClientToSubgraphs: (payload: { request: Request }) => Record<string, string>;
  };
}
type HiveRuntime = ((req: http.IncomingMessage, res: http.ServerResponse) => unknown) & {
  dispose(): Promise<void> | void;
};
// Loaded untyped: its typings (graphql-yoga's) augment graphql's GraphQLErrorExtensions for the
// whole program, which would change the project's own error types in the typecheck.
const { createGatewayRuntime } = createRequire(__filename)('@graphql-hive/gateway') as {
  createGatewayRuntime: (config: HiveConfig) => HiveRuntime;
};

const gateway = createGatewayRuntime({
  supergraph: fs.readFileSync(process.env.LOTSE_BENCH_SUPERGRAPH!, 'utf8'),
  logging: false,
  // As Lotse: no deduplication of identical requests, neither from clients nor to subgraphs.
  inboundInflightRequestDeduplication: false,
  transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } },
  // x-request-id is Hive's own: the client's, else a new one, sent to every subgraph.
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_HEADERS) {
        const value = request.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      return headers;
    },
  },
});
const server = http.createServer((req, res) => answerHealth(req, res) || void gateway(req, res));
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => void Promise.resolve(gateway.dispose()).finally(() => process.exit(0))));
