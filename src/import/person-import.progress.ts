/**
 * Progress of an import on stderr: on a terminal one line redrawn in place (a bar, rows, rate),
 * otherwise a plain line every `everyRows` rows or `everyMs`, whichever comes first (logs, CI).
 * Counts only: never a name or an identifier.
 */
export interface ProgressOptions {
  total: number;
  tty: boolean;
  write: (text: string) => void;
  now?: () => number;
  everyRows?: number;
  everyMs?: number;
}

export class ImportProgress {
  private readonly started: number;
  private lastAt: number;
  private lastDone = 0;
  private readonly now: () => number;

  constructor(private readonly opts: ProgressOptions) {
    this.now = opts.now ?? Date.now;
    this.started = this.now();
    this.lastAt = this.started;
  }

  /** Called after each row with the rows done so far. */
  update(done: number, failed: number): void {
    const t = this.now();
    if (this.opts.tty) {
      // Redrawing costs a write: at most ten times a second.
      if (t - this.lastAt < 100 && done < this.opts.total) return;
      this.lastAt = t;
      this.opts.write(`\r${this.line(done, failed, t, true)}`);
      return;
    }
    const everyRows = this.opts.everyRows ?? 1000;
    const everyMs = this.opts.everyMs ?? 10_000;
    if (done - this.lastDone < everyRows && t - this.lastAt < everyMs) return;
    this.lastAt = t;
    this.lastDone = done;
    this.opts.write(`${this.line(done, failed, t, false)}\n`);
  }

  /** The last count (whatever the interval), ending the redrawn line on a terminal. */
  finish(done: number, failed: number): void {
    const line = this.line(done, failed, this.now(), this.opts.tty);
    this.opts.write(this.opts.tty ? `\r${line}\n` : `${line}\n`);
  }

  private line(done: number, failed: number, t: number, bar: boolean): string {
    const seconds = Math.max((t - this.started) / 1000, 0.001);
    const rate = Math.round(done / seconds);
    const total = Math.max(this.opts.total, done);
    const counts = `imported ${done}/${total} rows (${rate}/s${failed ? `, ${failed} failed` : ''})`;
    if (!bar) return counts;
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${counts}`;
  }
}
