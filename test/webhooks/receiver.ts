import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request as a webhook receiver saw it: the raw body and the Standard Webhooks headers. */
export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  userAgent: string;
  contentType: string;
  /** A W3C trace context header, if one was sent (it must not be). */
  traceparent?: string;
  body: string;
  /** Date.now() when the request arrived. */
  at: number;
}

/** How to answer: a status (and headers), or hold the request open until the receiver closes. */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** Requests held open right now. */
  open(): number;
  /** Most requests held open at the same time. */
  maxOpen(): number;
  close(): Promise<void>;
}

/**
 * A webhook receiver on 127.0.0.1 whose answers a test scripts: `answer(request, index)`. `port` 0
 * takes a free one; a fixed port brings a receiver back at an address that was down.
 */
export async function startReceiver(
  answer: (r: Received, index: number) => Answer = () => ({ status: 204 }),
  path = '/hooks',
  port = 0,
): Promise<Receiver> {
  const received: Received[] = [];
  let open = 0;
  let maxOpen = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        id: String(req.headers['webhook-id'] ?? ''),
        timestamp: String(req.headers['webhook-timestamp'] ?? ''),
        signature: String(req.headers['webhook-signature'] ?? ''),
        userAgent: String(req.headers['user-agent'] ?? ''),
        contentType: String(req.headers['content-type'] ?? ''),
        traceparent: req.headers.traceparent as string | undefined,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      const index = received.length;
      received.push(r);
      const a = req.method === 'POST' && req.url === path ? answer(r, index) : { status: 404 };
      if (a === 'hang') {
        open++;
        maxOpen = Math.max(maxOpen, open);
        res.on('close', () => open--);
        return;
      }
      res.writeHead(a.status, a.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}${path}`,
    received,
    open: () => open,
    maxOpen: () => maxOpen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Headers as standardwebhooks' verify() takes them. */
export const headersOf = (r: Received) => ({
  'webhook-id': r.id,
  'webhook-timestamp': r.timestamp,
  'webhook-signature': r.signature,
});
