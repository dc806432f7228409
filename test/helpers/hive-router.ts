import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The part of Hive Gateway's configuration used here. */
interface HiveConfig {
  supergraph: string;
  logging: boolean;
  propagateHeaders: {
    fromClientToSubgraphs: (payload: { request: Request }) => Record<string, string>;
  };
}
type HiveRuntime = ((req: http.IncomingMessage, res: http.ServerResponse) => unknown) & {
  dispose(): Promise<void> | void;
};

/** The headers a router in front of Lotse forwards to the subgraphs (x-request-id Hive propagates itself). */
export const ROUTER_FORWARDED_HEADERS = ['authorization', 'lotse-purpose'];

/** The committed supergraph, its subgraph URLs replaced by `urls`. */
export function supergraphWith(urls: Record<string, string>): string {
  let sdl = fs.readFileSync(path.resolve(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
  for (const [name, url] of Object.entries(urls)) {
    const pattern = new RegExp(`(@join__graph\\(name: "${name}", url: )"[^"]*"`);
    if (!pattern.test(sdl)) throw new Error(`schema/supergraph.graphql names no subgraph ${name}`);
    sdl = sdl.replace(pattern, `$1"${url}"`);
  }
  return sdl;
}

export interface HiveRouter {
  url: string;
  close(): Promise<void>;
}

/**
 * @graphql-hive/gateway in this process as an operator would run it in front of Lotse's subgraph
 * processes: the committed supergraph, the partner's own headers propagated, no Lotse secret.
 */
export async function startHiveRouter(urls: Record<string, string>): Promise<HiveRouter> {
  // Loaded untyped, as in bench/lib/peer-hive.ts: its typings would change graphql's error types project-wide.
  const { createGatewayRuntime } = createRequire(__filename)('@graphql-hive/gateway') as {
    createGatewayRuntime: (config: HiveConfig) => HiveRuntime;
  };
  const gateway = createGatewayRuntime({
    supergraph: supergraphWith(urls),
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => {
        const headers: Record<string, string> = {};
        for (const name of ROUTER_FORWARDED_HEADERS) {
          const value = request.headers.get(name);
          if (value !== null) headers[name] = value;
        }
        return headers;
      },
    },
  });
  const server = http.createServer((req, res) => void gateway(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.dispose();
    },
  };
}
