import type { QueueOf } from '../jobs/job.registry';
import type { eventsQueue } from '../jobs/queues';
import { Logger } from '../shared/logger';
import { RowSecurityContext } from '../shared/row-security';
import { OutboxStore } from './outbox.service';

/**
 * Moves outbox rows to BullMQ. The event id is the job id, so publishing twice adds one job;
 * unacknowledged rows are published again after `redeliverAfterMs` because Redis may have lost
 * them (it keeps nothing on disk). PostgreSQL stays the source of truth.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly stores: OutboxStore[],
    private readonly queue: QueueOf<typeof eventsQueue>,
    private readonly opts: { intervalMs: number; redeliverAfterMs: number; batchSize?: number },
    private readonly log: Logger,
    private readonly rowSecurity: RowSecurityContext,
  ) {}

  /** Publishes everything pending once, as the hub itself; returns how many events were handed to the queue. */
  tick(redeliverAfterMs = this.opts.redeliverAfterMs): Promise<number> {
    return this.rowSecurity.system('relay', () => this.publish(redeliverAfterMs));
  }

  private async publish(redeliverAfterMs: number): Promise<number> {
    let total = 0;
    for (const store of this.stores) {
      for (;;) {
        const n = await store.publishPending(this.opts.batchSize ?? 200, redeliverAfterMs, async (rows) => {
          await this.queue.addBulk(
            rows.map((row) => ({
              name: row.type,
              data: { eventId: row.id, source: store.source },
              opts: { jobId: row.id },
            })),
          );
        });
        total += n;
        if (n < (this.opts.batchSize ?? 200)) break;
      }
    }
    return total;
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.tick()
        .then((n) => {
          if (n > 0) this.log.debug({ published: n }, 'outbox relayed');
        })
        .catch((err) => this.log.warn({ err: { message: (err as Error).message } }, 'outbox relay failed, retrying'));
      await this.running;
      if (!this.stopped) this.timer = setTimeout(loop, this.opts.intervalMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
