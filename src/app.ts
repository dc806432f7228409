import { Config } from './config';
import { Container, createContainer, migrateDatabase } from './container';
import { loadOrCreateDevKey } from './gateway/dev-key';
import { resolveInfrastructure, Infrastructure } from './runtime/infrastructure';
import { seedDemo } from './seed/demo.seed';
import { seedPartners } from './seed/partners.seed';
import { RunningServer, startGatewayServer } from './server';
import { createLogger, Logger } from './shared/logger';
import { RunningWorkers, startWorkers } from '../workers';

export interface App {
  container: Container;
  server?: RunningServer;
  workers?: RunningWorkers;
  stop(): Promise<void>;
}

/**
 * Resolves PostgreSQL and Redis, builds the container and runs migrations: shared by every command.
 * `role` names the process in traces (`lotse-<role>` unless OTEL_SERVICE_NAME says otherwise).
 */
export async function boot(
  config: Config,
  log: Logger = createLogger(config.logLevel),
  role = 'cli',
): Promise<{ container: Container; infra: Infrastructure }> {
  const infra = await resolveInfrastructure(config, log);
  try {
    // Migrations first, as the connecting (owner) role: they create the app role the container acts as.
    const ran = await migrateDatabase(infra.databaseUrl);
    if (ran.length) log.info({ migrations: ran }, 'migrations applied');
    const container = await createContainer(
      { ...config, databaseAppRole: config.databaseAppRole ?? infra.appRole },
      { databaseUrl: infra.databaseUrl, redisUrl: infra.redisUrl, log, role },
    );
    return { container, infra };
  } catch (err) {
    await infra.stop();
    throw err;
  }
}

/** `npm start` / `lotse serve`: gateway, all subgraphs and workers in one process; demo data on first start. */
export async function startApp(config: Config, parts: { gateway: boolean; workers: boolean }): Promise<App> {
  const log = createLogger(config.logLevel);
  const role = parts.gateway && parts.workers ? 'serve' : parts.gateway ? 'gateway' : 'worker';
  const { container, infra } = await boot(config, log, role);
  let server: RunningServer | undefined;
  let workers: RunningWorkers | undefined;
  try {
    if (config.seedDemoOnFirstStart) {
      // The demo configuration (examples/rheine/city.yaml) is applied on every start, writing only
      // what changed; the demo persons are loaded once, on a database that has none.
      await seedPartners(container);
      // As the hub: outside a system context the count would be 0 and the demo data loaded again.
      const city = container.subgraphs.city.dataSource;
      const count = () => city.query('SELECT count(*)::int AS n FROM city.person');
      const [{ n }] = await container.rowSecurity.system('startup', count);
      if (n === 0) {
        log.info('first start: loading demo data (about 500 persons in Rheine)');
        try {
          const counts = await seedDemo(container, (msg) => log.info(msg));
          log.info(counts, 'demo data loaded');
        } catch (err) {
          throw new Error(
            `loading demo data failed (${(err as Error).message}); run "npx lotse seed --demo" to finish it`,
            { cause: err },
          );
        }
      }
    }
    if (parts.workers) workers = await startWorkers(container);
    if (parts.gateway) {
      const devKey = config.auth.devKey ? await loadOrCreateDevKey(config.dataDir) : undefined;
      server = await startGatewayServer(container, { port: config.port, host: config.host, devKey });
      log.info(
        { url: server.url },
        `Lotse is listening on ${server.url}/graphql${config.env !== 'production' ? ` and GraphiQL on ${server.url}/` : ''}`,
      );
    }
  } catch (err) {
    await server?.close();
    await workers?.close();
    await container.close();
    await infra.stop();
    throw err;
  }
  return {
    container,
    server,
    workers,
    async stop() {
      // Both at once, each bounded by SHUTDOWN_TIMEOUT_MS: a slow client does not eat the workers'
      // time. Events committed after the relay stopped wait in the outbox for the next relay.
      await Promise.all([server?.close(), workers?.close()]);
      await container.close();
      await infra.stop();
    },
  };
}

/**
 * Stops cleanly on SIGINT/SIGTERM: `stop` drains (HTTP, WebSocket, jobs, relay; each part bounded by
 * SHUTDOWN_TIMEOUT_MS), then the process exits with 0, or 1 when stopping failed. A second signal
 * exits at once.
 */
export function stopOnSignals(stop: () => Promise<void>, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    const started = Date.now();
    log.info({ signal }, 'shutting down');
    stop().then(
      () => {
        log.info({ ms: Date.now() - started }, 'stopped');
        process.exit(0);
      },
      (err: Error) => {
        log.error({ err: { name: err.name, message: err.message } }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}
