import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { bareHost, UrlGuard } from './webhook.url-guard';

export interface HttpOutcome {
  statusCode: number | null;
  /** The Retry-After header, when the answer had one. */
  retryAfter?: string;
  /** Why no usable answer came (never the response body). */
  error: string | null;
  latencyMs: number;
}

const MAX_DRAIN_BYTES = 64 * 1024;

/**
 * One POST. Resolves (never rejects) once the status line arrived, the request failed or
 * `timeoutMs` passed. Redirects are not followed (a 3xx is a failed attempt). The response body
 * is read and thrown away, at most 64 kB of it.
 */
export function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  guard: UrlGuard,
): Promise<HttpOutcome> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  return new Promise((resolve) => {
    let settled = false;
    // Read by finish(), which may run before the timer is set.
    let timer: NodeJS.Timeout | undefined = undefined;
    const finish = (o: Omit<HttpOutcome, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...o, latencyMs: elapsed() });
    };
    const host = bareHost(url);
    try {
      // Node skips `lookup` for IP literals: check them here.
      if (net.isIP(host)) guard.assertAddress(host, host);
    } catch (err) {
      return finish({ statusCode: null, error: `refused: ${(err as Error).message}` });
    }
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      lookup: guard.lookup(),
    });
    timer = setTimeout(() => {
      finish({ statusCode: null, error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('socket', (socket: net.Socket) => {
      // The address actually connected to, whatever resolved it.
      socket.once('connect', () => {
        try {
          if (socket.remoteAddress) guard.assertAddress(socket.remoteAddress, host);
        } catch (err) {
          finish({ statusCode: null, error: `refused: ${(err as Error).message}` });
          req.destroy();
        }
      });
    });
    req.on('response', (res) => {
      const ra = res.headers['retry-after'];
      finish({
        statusCode: res.statusCode ?? null,
        retryAfter: Array.isArray(ra) ? ra[0] : ra,
        error: res.statusCode && res.statusCode >= 300 && res.statusCode < 400 ? 'redirect not followed' : null,
      });
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_DRAIN_BYTES) res.destroy();
      });
      res.on('error', () => undefined);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const refused = err.code === 'EBLOCKEDADDRESS';
      finish({
        statusCode: null,
        error: refused ? `refused: ${err.message}` : (err.code ?? err.message).slice(0, 200),
      });
    });
    req.end(body);
  });
}
