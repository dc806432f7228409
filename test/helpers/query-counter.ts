import { Logger as TypeOrmLogger } from 'typeorm';
import type { TestApp } from './app';

/**
 * Counts every statement any subgraph's DataSource sends from now on (house rule: no N+1).
 * `reset()` starts a count, `count` reads it.
 */
export function countQueries(app: Pick<TestApp, 'container'>): { reset(): void; readonly count: number } {
  let queries = 0;
  const counting: TypeOrmLogger = {
    logQuery: () => void queries++,
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  for (const sg of Object.values(app.container.subgraphs))
    (sg.dataSource as unknown as { logger: TypeOrmLogger }).logger = counting;
  return {
    reset: () => void (queries = 0),
    get count() {
      return queries;
    },
  };
}
