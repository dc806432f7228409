import type { EventEmitter } from 'node:events';
import type { QueueOf } from '../jobs/job.registry';
import type { eventsQueue } from '../jobs/queues';
import { Logger } from '../shared/logger';
import { RowSecurityContext } from '../shared/row-security';
import { noTracing, SpanKind, Tracing } from '../shared/tracing';
import { OutboxListener, OutboxListenerOptions } from './outbox.listener';
import { OutboxStore } from './outbox.service';
import type { OutboxEvent } from './outbox.entity';

export interface RelayOptions {
  /** How often every outbox is polled: the fallback when a notification is lost, and the pace of redelivery. */
  intervalMs: number;
  redeliverAfterMs: number;
  batchSize?: number;
  /** LISTEN for committed outbox rows on a dedicated connection (unset: poll only). */
  listen?: OutboxListenerOptions;
  /** The Redis connection the queue writes through: when it is ready again, everything unacknowledged is published at once. */
  reconnects?: EventEmitter;
}

/**
 * Moves outbox rows to BullMQ. The event id is the job id, so publishing twice adds one job;
 * unacknowledged rows are published again after `redeliverAfterMs` because Redis may have lost
 * them (it keeps nothing on disk). PostgreSQL stays the source of truth.
 *
 * A commit wakes the relay at once (LISTEN/NOTIFY, from any process); the poll every `intervalMs`
 * covers lost notifications and redelivery. Ticks never overlap: a wake-up during a tick runs
 * exactly one more tick after it.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  /** Outboxes to look at in the next tick; a wake-up during a tick adds to it. */
  private readonly dirty = new Set<string>();
  private readonly listener?: OutboxListener;
  /** The next tick publishes every unacknowledged row, however recently it was published. */
  private redeliverAll = false;
  private readonly onReconnect = () => {
    this.redeliverAll = true;
    this.wake();
  };

  constructor(
    private readonly stores: OutboxStore[],
    private readonly queue: QueueOf<typeof eventsQueue>,
    private readonly opts: RelayOptions,
    private readonly log: Logger,
    private readonly rowSecurity: RowSecurityContext,
    private readonly tracing: Tracing = noTracing(),
  ) {
    if (opts.listen)
      this.listener = new OutboxListener(
        opts.listen,
        (source) => this.wake(source),
        // Whatever was committed while no one listened is looked at now.
        () => this.wake(),
        log,
      );
  }

  /** Backend pid of the LISTEN connection, while it is connected. */
  get listenerPid(): number | undefined {
    return this.listener?.pid;
  }

  /** Publishes everything pending once, as the hub itself; returns how many events were handed to the queue. */
  tick(redeliverAfterMs = this.opts.redeliverAfterMs): Promise<number> {
    return this.rowSecurity.system('relay', () => this.publish(this.stores, redeliverAfterMs));
  }

  private async publish(
    stores: OutboxStore[],
    redeliverAfterMs: number,
    stopping: () => boolean = () => false,
  ): Promise<number> {
    const batch = this.opts.batchSize ?? 200;
    let total = 0;
    // A tick under way when the relay stops claims nothing more: the next outbox is left alone.
    for (const store of stores) {
      if (stopping()) break;
      for (;;) {
        const n = await store.publishPending(batch, redeliverAfterMs, async (rows) => {
          await this.enqueue(rows, store.source);
          await this.retryFailed(rows.filter((row) => row.publishedAt !== null).map((row) => row.id));
        });
        total += n;
        if (n < batch || stopping()) break;
      }
    }
    return total;
  }

  /**
   * One job per row; each row's `outbox.publish` span continues the trace of its append, and the
   * job carries that span on (`traceparent`) to the worker's `event.handle`.
   */
  private async enqueue(rows: OutboxEvent[], source: string): Promise<void> {
    const spans = rows.map((row) =>
      this.tracing.start('outbox.publish', {
        kind: SpanKind.PRODUCER,
        parent: row.traceContext ?? null,
        attributes: {
          'lotse.event.id': row.id,
          'lotse.event.type': row.type,
          'lotse.event.source': source,
          'lotse.outbox.redelivery': row.publishedAt !== null,
        },
      }),
    );
    try {
      await this.queue.addBulk(
        rows.map((row, i) => {
          const traceparent = this.tracing.traceparentOf(spans[i]);
          return {
            name: row.type,
            data: { eventId: row.id, source, ...(traceparent ? { traceparent } : {}) },
            opts: { jobId: row.id },
          };
        }),
      );
    } catch (err) {
      for (const span of spans) this.tracing.failed(span, err);
      throw err;
    } finally {
      for (const span of spans) span.end();
    }
  }

  /**
   * Adding a job whose id already exists adds nothing, so an event whose job used up its attempts
   * (say, a handler's database was down for longer than the backoff) would sit in the failed set
   * for days while its row stays unacknowledged. Redelivery gives such a job a new round of attempts.
   */
  private async retryFailed(ids: string[]): Promise<void> {
    for (const id of ids) {
      if ((await this.queue.getJobState(id)) !== 'failed') continue;
      const job = await this.queue.getJob(id);
      await job?.retry('failed');
      this.log.info({ eventId: id }, 'outbox event retried after its job had failed');
    }
  }

  /** Asks for a tick of one outbox (or all): now, or right after the running one. */
  wake(source?: string): void {
    if (this.stopped) return;
    if (source && this.stores.some((s) => s.source === source)) this.dirty.add(source);
    else for (const s of this.stores) this.dirty.add(s.source);
    if (this.running) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      // A wake-up between the last tick and here is not lost.
      if (this.dirty.size) this.wake();
    });
  }

  /**
   * The poll runs on its own clock, whatever the wake-ups do: a busy outbox that keeps waking the
   * relay must not keep the others from being looked at (redelivery).
   */
  private schedulePoll(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.wake();
      this.schedulePoll();
    }, this.opts.intervalMs);
  }

  private async loop(): Promise<void> {
    while (this.dirty.size && !this.stopped) {
      const stores = this.stores.filter((s) => this.dirty.has(s.source));
      this.dirty.clear();
      const redeliverAfterMs = this.redeliverAll ? 0 : this.opts.redeliverAfterMs;
      this.redeliverAll = false;
      try {
        const n = await this.rowSecurity.system('relay', () =>
          this.publish(stores, redeliverAfterMs, () => this.stopped),
        );
        if (n > 0) this.log.debug({ published: n }, 'outbox relayed');
      } catch (err) {
        this.log.warn({ err: { message: (err as Error).message } }, 'outbox relay failed, retrying');
      }
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.listener?.start();
    // A Redis restarted empty drops the connection first: its lost jobs are back in seconds, not after redeliverAfterMs.
    this.opts.reconnects?.on('ready', this.onReconnect);
    this.wake();
    this.schedulePoll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.opts.reconnects?.off('ready', this.onReconnect);
    if (this.timer) clearTimeout(this.timer);
    await this.listener?.stop();
    await this.running;
  }
}
