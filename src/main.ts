import 'reflect-metadata';
import { startApp, stopOnSignals } from './app';
import { ConfigError, loadConfig } from './config';
import { RedisNotFoundError } from './runtime/redis-server';
import { createLogger } from './shared/logger';

/** `npm start`: the whole hub in one process. */
async function main() {
  const config = loadConfig();
  const app = await startApp(config, { gateway: true, workers: config.workers });
  stopOnSignals(() => app.stop(), createLogger(config.logLevel));
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof RedisNotFoundError) console.error(err.message);
  else console.error(`Lotse failed to start: ${(err as Error).message}`);
  process.exit(1);
});
