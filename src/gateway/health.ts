import http from 'node:http';
import { Container } from '../container';
import { RETRY_AFTER_SECONDS } from '../shared/errors';
import { Metrics } from './metrics';
import { sendJson } from './http';

/** /healthz: the process answers. /readyz: PostgreSQL and Redis answer, and Redis will not evict queue data. */
export function healthRoutes(container: Container, metrics: Metrics) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET') return false;
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/readyz') {
      const checks = await readiness(container);
      const ok = Object.values(checks).every((c) => c.ok);
      // As every 503 of the gateway: when to ask again.
      if (!ok) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
      sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', checks });
      return true;
    }
    if (path === '/metrics') {
      res.setHeader('content-type', metrics.registry.contentType);
      res.end(await metrics.registry.metrics());
      return true;
    }
    return false;
  };
}

async function readiness(container: Container) {
  const withTimeout = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
  const checks: Record<string, { ok: boolean; detail?: string }> = {};
  try {
    await withTimeout(container.subgraphs.hub.dataSource.query('SELECT 1'));
    checks.postgres = { ok: true };
  } catch {
    checks.postgres = { ok: false, detail: 'unreachable' };
  }
  try {
    const [, policy] = (await withTimeout(container.redis.config('GET', 'maxmemory-policy'))) as [string, string];
    checks.redis =
      policy === 'noeviction'
        ? { ok: true }
        : { ok: false, detail: `maxmemory-policy is ${policy}, must be noeviction` };
  } catch {
    checks.redis = { ok: false, detail: 'unreachable' };
  }
  return checks;
}
