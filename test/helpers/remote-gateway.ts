import { loadConfig, SubgraphName } from '../../src/config';
import { createContainer } from '../../src/container';
import { startGatewayServer } from '../../src/server';
import { createLogger } from '../../src/shared/logger';
import { startSubgraphServer } from '../../src/subgraph-server';
import { REDIS_URL } from '../setup/pg';
import { TestApp } from './app';

export interface RemoteGateway {
  url: string;
  /** The subgraphs served over HTTP, by name. */
  subgraphs: Partial<Record<SubgraphName, Awaited<ReturnType<typeof startSubgraphServer>>>>;
  close(): Promise<void>;
}

/**
 * A split deployment beside a test app: the named subgraphs served over HTTP from the app's
 * container, and a gateway of its own that reaches them by URL (LOTSE_SUBGRAPH_URLS). The app must
 * have been started with LOTSE_INTERNAL_SECRET = `secret`, which every process shares. With
 * SUBGRAPH_PARTNER_TOKENS in the app's environment the subgraphs also take the app's dev-key tokens.
 */
export async function startRemoteGateway(app: TestApp, names: SubgraphName[], secret: string): Promise<RemoteGateway> {
  const subgraphs: RemoteGateway['subgraphs'] = {};
  for (const name of names) {
    subgraphs[name] = await startSubgraphServer(app.container, name, {
      port: 0,
      host: '127.0.0.1',
      devKey: app.devKey,
    });
  }
  const urls = names.map((name) => `${name}=${subgraphs[name]!.url}`).join(',');
  const env = {
    LOTSE_ENV: 'test',
    DATABASE_URL: app.db.url,
    REDIS_URL,
    LOTSE_QUEUE_PREFIX: app.queuePrefix,
    LOTSE_INTERNAL_SECRET: secret,
    LOTSE_SUBGRAPH_URLS: urls,
    DB_POOL_SIZE: '2',
  };
  const container = await createContainer(loadConfig(env), {
    databaseUrl: app.db.url,
    redisUrl: REDIS_URL,
    log: createLogger('silent'),
  });
  const gateway = await startGatewayServer(container, { port: 0, host: '127.0.0.1', devKey: app.devKey });
  return {
    url: gateway.url,
    subgraphs,
    async close() {
      await gateway.close();
      await container.close();
      for (const subgraph of Object.values(subgraphs)) await subgraph.close();
    },
  };
}
