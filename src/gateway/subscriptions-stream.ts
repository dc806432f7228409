import { LiveEvent, LiveListener } from '../events/live-events';

export interface LiveStreamOptions<T> {
  /** Registers the listener on the process's fan-out; returns its removal. */
  listen(listener: LiveListener): () => void;
  /** Cheap, synchronous pre-filter on the ids (before anything is queued). */
  accept(event: LiveEvent): boolean;
  /** The authorization check and the payload; null drops the event. Called one event at a time. */
  deliver(event: LiveEvent): Promise<T | null>;
  /** Events accepted but not yet delivered; beyond this the stream ends with `overflow()`. */
  maxBacklog: number;
  /** The last value of a stream that fell behind (the field's resolver turns it into an error). */
  overflow(): T;
}

/**
 * One subscription's events as an async iterator. Not an async generator: `return()` must end
 * a pending `next()` at once (a generator would wait for its next event), so a client's
 * `complete` or a closed socket removes the listener immediately.
 */
export class LiveStream<T> implements AsyncIterableIterator<T> {
  private readonly queue: LiveEvent[] = [];
  private wake?: () => void;
  private closed = false;
  private overflowed = false;
  private readonly unlisten: () => void;

  constructor(private readonly opts: LiveStreamOptions<T>) {
    this.unlisten = opts.listen((event) => this.push(event));
  }

  private push(event: LiveEvent): void {
    if (this.closed || this.overflowed || !this.opts.accept(event)) return;
    if (this.queue.length >= this.opts.maxBacklog) {
      // A subscriber this far behind gets an error instead of a silent gap.
      this.overflowed = true;
      this.queue.length = 0;
      this.unlisten();
    } else {
      this.queue.push(event);
    }
    this.wake?.();
  }

  async next(): Promise<IteratorResult<T>> {
    while (!this.closed) {
      if (this.overflowed) {
        const value = this.opts.overflow();
        this.finish();
        return { value, done: false };
      }
      const event = this.queue.shift();
      if (!event) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const value = await this.opts.deliver(event);
      if (!this.closed && value !== null) return { value, done: false };
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<T>> {
    this.finish();
    return { value: undefined, done: true };
  }

  async throw(err: unknown): Promise<IteratorResult<T>> {
    this.finish();
    throw err;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.unlisten();
    this.wake?.();
  }
}
