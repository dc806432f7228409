import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

const MAX_BODY = 256 * 1024;

/**
 * A webhook receiver on loopback as a partner would run one: it verifies every request (Standard
 * Webhooks signature over the raw body and timestamp) and notes when each delivery id first arrived.
 * Times are `performance.now()` of this process, the clock the senders use too.
 */
export class WebhookReceiver {
  /** First arrival per webhook-id. */
  readonly arrivals = new Map<string, number>();
  /** First arrival per referral id (data.referralId) of a verified webhook. */
  private readonly byReferral = new Map<string, number>();
  private readonly waiting = new Map<string, (at: number) => void>();
  private webhook?: Webhook;
  verified = 0;
  refused = 0;
  duplicates = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/webhooks/lotse'): Promise<WebhookReceiver> {
    const server = createServer();
    // Lotse and the floor's clients keep connections open; the default 5 s would only add reconnects.
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}${path}`);
    server.on('request', (req, res) => receiver.handle(req, res));
    return receiver;
  }

  /** The endpoint's secret (whsec_…), known once the endpoint is registered. */
  useSecret(secret: string): void {
    this.webhook = new Webhook(secret);
  }

  /** Forgets everything received so far (between phases). */
  reset(): void {
    this.arrivals.clear();
    this.byReferral.clear();
    this.verified = this.refused = this.duplicates = 0;
  }

  /** When the webhook of `referralId` arrived; waits for it at most `timeoutMs`. */
  arrivalOf(referralId: string, timeoutMs: number): Promise<number | undefined> {
    const at = this.byReferral.get(referralId);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(referralId);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(referralId, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }

  referralArrival(referralId: string): number | undefined {
    return this.byReferral.get(referralId);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const at = performance.now();
      const payload = this.verify(req, Buffer.concat(chunks), size);
      if (!payload) {
        this.refused++;
        res.writeHead(401).end();
        return;
      }
      res.writeHead(204).end();
      this.verified++;
      const id = String(req.headers['webhook-id']);
      if (this.arrivals.has(id)) {
        this.duplicates++;
        return;
      }
      this.arrivals.set(id, at);
      const referralId = payload.data?.referralId;
      if (typeof referralId === 'string' && !this.byReferral.has(referralId)) {
        this.byReferral.set(referralId, at);
        this.waiting.get(referralId)?.(at);
        this.waiting.delete(referralId);
      }
    });
  }

  private verify(req: IncomingMessage, body: Buffer, size: number): { data?: { referralId?: unknown } } | null {
    if (!this.webhook || req.method !== 'POST' || size > MAX_BODY) return null;
    try {
      return this.webhook.verify(body, {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      }) as { data?: { referralId?: unknown } };
    } catch {
      return null;
    }
  }
}
