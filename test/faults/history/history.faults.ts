import type { Topology } from './history.topology';

/** One fault as it happened: when (ms since the run began), what, and how long its injection took. */
export interface FaultEntry {
  at: number;
  kind: FaultKind;
  detail: string;
  tookMs: number;
  error?: string;
}

export type FaultKind = 'worker-kill' | 'redis-kill-aof' | 'redis-kill-empty' | 'postgres-restart';

/**
 * The rotation: every kind comes early (a short local run sees a worker kill, both Redis kills
 * and a PostgreSQL restart), then it starts over.
 */
const ROTATION: FaultKind[] = ['worker-kill', 'redis-kill-empty', 'postgres-restart', 'redis-kill-aof'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Injects faults one after another, `everyMs` apart (±20 %), until `stop()` or `untilMs` after
 * the start; each waits for the previous one to be over (a restarted worker needs PostgreSQL and
 * Redis). Every step has a deadline (pg_ctl's, the worker's start-up wait, Redis's PING wait).
 */
export class FaultRotation {
  readonly timeline: FaultEntry[] = [];
  private stopped = false;
  private wake?: () => void;

  constructor(
    private readonly topology: Topology,
    private readonly opts: { firstAfterMs: number; everyMs: number; untilMs: number; log: (line: string) => void },
  ) {}

  async run(started: number): Promise<void> {
    let i = 0;
    let wait = this.opts.firstAfterMs;
    for (;;) {
      await this.pause(wait);
      if (this.stopped || Date.now() - started > this.opts.untilMs) return;
      const kind = ROTATION[i++ % ROTATION.length];
      const at = Date.now() - started;
      const begun = Date.now();
      let detail = '';
      let error: string | undefined;
      try {
        detail = await this.inject(kind);
      } catch (err) {
        error = (err as Error).message.split('\n')[0];
      }
      const entry = { at, kind, detail, tookMs: Date.now() - begun, error };
      this.timeline.push(entry);
      this.opts.log(
        `t=${(at / 1000).toFixed(1)}s ${kind} ${detail} (${entry.tookMs} ms)${error ? ` FAILED: ${error}` : ''}`,
      );
      wait = this.opts.everyMs * (0.8 + 0.4 * Math.random());
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async inject(kind: FaultKind): Promise<string> {
    const t = this.topology;
    switch (kind) {
      case 'worker-kill': {
        const victim = t.workers.shift();
        if (!victim) return 'no worker running';
        const pid = victim.child.pid;
        await victim.stop('SIGKILL', 5000);
        // The survivors carry on alone for a moment, then a new process joins.
        await sleep(2000);
        const fresh = await t.startWorker();
        return `pid ${pid} killed, pid ${fresh.child.pid} started`;
      }
      case 'redis-kill-aof':
      case 'redis-kill-empty': {
        const empty = kind === 'redis-kill-empty';
        // The workers stop (SIGSTOP) first, so that events the relay of this process publishes
        // meanwhile wait in Redis when it dies: without its files only redelivery brings them back.
        const stopped = t.workers.filter((w) => w.running);
        for (const w of stopped) w.child.kill('SIGSTOP');
        try {
          await sleep(3000);
          const queued = await t.container.queues.events.getJobCounts('wait', 'prioritized', 'delayed');
          await t.redis.kill({ empty });
          await sleep(1000);
          await t.redis.start();
          const jobs = Object.values(queued).reduce((a, b) => a + b, 0);
          return `${empty ? 'restarted without its files' : 'restarted from its AOF'}; ${jobs} event jobs queued at the kill`;
        } finally {
          for (const w of stopped) w.child.kill('SIGCONT');
        }
      }
      case 'postgres-restart': {
        await t.pg.stop();
        await sleep(2000);
        await t.pg.start();
        return 'stopped (fast) and started';
      }
    }
  }
}
