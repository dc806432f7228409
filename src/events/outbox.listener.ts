import { Client } from 'pg';
import { Logger } from '../shared/logger';

/** The channel `Outbox.append` notifies on; the payload is the outbox's source (subgraph name). */
export const OUTBOX_CHANNEL = 'lotse_outbox';

export interface OutboxListenerOptions {
  url: string;
  /** The channel to LISTEN on (default `lotse_outbox`; the gateway's partner cache uses `lotse_partner`). */
  channel?: string;
  /** Shown in pg_stat_activity, so operators (and tests) can find the listening connection. */
  applicationName?: string;
  /** Backoff after a lost connection: doubles from `minBackoffMs` up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * One dedicated connection that LISTENs for committed outbox rows. PostgreSQL delivers a NOTIFY
 * only when its transaction commits, so a wake-up always finds the row, and a rolled-back write
 * wakes no one. A lost connection is opened again with backoff; `onConnect` fires after every
 * (re)connect, because notifications sent while no one listened are gone and the caller must look.
 */
export class OutboxListener {
  private client?: Client;
  private stopped = true;
  private retry?: NodeJS.Timeout;
  private backoffMs: number;
  private backendPid?: number;

  constructor(
    private readonly opts: OutboxListenerOptions,
    private readonly onNotify: (source: string) => void,
    private readonly onConnect: () => void,
    private readonly log: Logger,
  ) {
    this.backoffMs = opts.minBackoffMs ?? 100;
  }

  private get channel(): string {
    return this.opts.channel ?? OUTBOX_CHANNEL;
  }

  /** The backend pid of the listening connection while connected. */
  get pid(): number | undefined {
    return this.client ? this.backendPid : undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.opts.url,
      application_name: this.opts.applicationName ?? 'lotse-relay-listen',
    });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      this.log.warn(
        { err: err ? { message: err.message } : undefined, retryMs: this.backoffMs },
        'outbox listener lost',
      );
      this.retry = setTimeout(() => void this.connect(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs ?? 5000);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg) => {
      if (msg.channel === this.channel) this.onNotify(msg.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      this.backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    } catch (err) {
      onLost(err as Error);
      return;
    }
    if (this.stopped || lost) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.backoffMs = this.opts.minBackoffMs ?? 100;
    this.onConnect();
  }
}
