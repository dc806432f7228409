import http from 'node:http';
import type { Logger } from '../shared/logger';

export interface HttpDrain {
  /**
   * Stops accepting connections, closes idle keep-alive connections and lets requests in flight
   * finish, each answered with `Connection: close`. Whatever is still open after `timeoutMs` is cut
   * (logged). Resolves once the server is closed; true when nothing had to be cut.
   */
  close(timeoutMs: number, log: Logger): Promise<boolean>;
}

/**
 * Graceful stop of an HTTP server. Node's `server.close()` alone stops listening and closes the
 * connections idle at that moment, but a keep-alive connection whose request was in flight stays
 * open after its response until the keep-alive timeout, and a request that never ends holds the
 * server open forever. Call this right after `createServer`, so every request is tracked.
 */
export function trackForDrain(server: http.Server): HttpDrain {
  const open = new Set<http.ServerResponse>();
  let draining = false;
  const closeIdleSoon = () => setImmediate(() => server.closeIdleConnections());
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    open.add(res);
    if (draining && !res.headersSent) res.setHeader('connection', 'close');
    res.once('close', () => {
      open.delete(res);
      if (draining) closeIdleSoon();
    });
  });
  return {
    async close(timeoutMs, log) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Responses not yet begun end their connection; those already streaming are closed once done.
      for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close');
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<true>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      });
      const late = await Promise.race([closed.then(() => false as const), timedOut]);
      clearTimeout(timer);
      if (!late) return true;
      log.warn({ inFlight: open.size, timeoutMs }, 'shutdown timeout: open HTTP connections are cut');
      server.closeAllConnections();
      await closed;
      return false;
    },
  };
}
