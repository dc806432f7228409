/**
 * Group commit: callers hand in items and wait; one writer runs at a time and writes everything
 * that queued up meanwhile in ONE transaction. At low load nothing waits (the first caller starts
 * a flush at once); under load the flush in flight is what collects the next batch.
 */

/** Writes one batch. Calls `take()` exactly once, as late as it can (e.g. once it holds the lock). */
export type BatchWriter<T> = (take: () => T[]) => Promise<void>;

interface Waiting<T> {
  items: T[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<T> {
  private queue: Array<Waiting<T>> = [];
  private flushing = false;

  /** maxItems caps a batch; one caller's items always go together, even above it. */
  constructor(
    private readonly write: BatchWriter<T>,
    private readonly maxItems = 500,
  ) {
    if (!Number.isInteger(maxItems) || maxItems < 1)
      throw new Error('GroupCommit: maxItems must be a positive integer');
  }

  /** Resolves once these items are committed; rejects with the error of the batch they were in. */
  submit(items: T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  /** Callers waiting for a flush (not counting the batch being written). */
  get waiting(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) await this.flushOnce();
    } finally {
      this.flushing = false;
    }
  }

  private async flushOnce(): Promise<void> {
    let batch: Array<Waiting<T>> | undefined;
    const take = () => {
      if (batch) throw new Error('GroupCommit: take() called twice in one flush');
      batch = this.takeBatch();
      return batch.flatMap((w) => w.items);
    };
    try {
      await this.write(take);
      if (!batch) throw new Error('GroupCommit: the writer took nothing');
    } catch (err) {
      // Failed before taking (e.g. no connection): those waiting now get the error instead of a retry loop.
      for (const w of batch ?? this.takeBatch()) w.reject(err);
      return;
    }
    for (const w of batch) w.resolve();
  }

  /** Whole callers, oldest first, up to maxItems (at least one caller). */
  private takeBatch(): Array<Waiting<T>> {
    let n = 0;
    let count = 0;
    while (n < this.queue.length && (n === 0 || count + this.queue[n].items.length <= this.maxItems)) {
      count += this.queue[n].items.length;
      n++;
    }
    return this.queue.splice(0, n);
  }
}
