/** Types of server.js, for TypeScript callers (the end-to-end test). */

export interface WebhookEvent {
  type: string;
  timestamp: string;
  data: { eventId: string; referralId: string | null; personId: string | null; status?: string; [field: string]: unknown };
}

export interface ReceiverOptions {
  /** The endpoint's signing secret, `whsec_…`, as createWebhookEndpoint returned it. */
  secret: string;
  /** Lotse's base URL (e.g. http://localhost:4000) or its /graphql URL. */
  lotseUrl: string;
  /** An access token of the course provider, or a function that returns a current one. */
  token: string | (() => string | Promise<string>);
  /** Sent as Lotse-Purpose; without it the partner's default purpose applies. */
  purpose?: string;
  /** Places in the course (default 16). */
  capacity?: number;
  port?: number;
  host?: string;
  /** Path of the webhook endpoint (default /webhooks/lotse). */
  path?: string;
  dedup?: { maxEntries?: number; ttlMs?: number; now?: () => number };
  /** Called for every verified, new webhook before the receiver acts on it. */
  onEvent?: (event: WebhookEvent, webhookId: string) => void | Promise<void>;
  /** Log sink; the default writes JSON lines to stdout. */
  log?: (entry: Record<string, unknown>) => void;
}

export interface ReceiverStats {
  received: number;
  refused: number;
  duplicates: number;
  accepted: number;
  rejected: number;
  failed: number;
  placesTaken: number;
  capacity: number;
}

export interface Receiver {
  /** The full URL to register as the webhook endpoint. */
  url: string;
  port: number;
  stats(): ReceiverStats;
  /** Resolves when all work started by webhooks so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function startReceiver(options: ReceiverOptions): Promise<Receiver>;
