import { TestApp } from './app';

/**
 * Runs `fn` as the hub itself, in the system context `test`: how a test sets up data through the
 * services without a partner's request (outside any context protected tables show no rows).
 */
export function asHub<T>(app: Pick<TestApp, 'container'>, fn: () => Promise<T>): Promise<T> {
  return app.container.rowSecurity.system('test', fn);
}
