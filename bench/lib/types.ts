import type { BenchStack } from './stack';

/** What a benchmark suite is given and what it returns; `bench/run.ts` runs the suites listed there. */
export interface BenchContext {
  quick: boolean;
  log: (msg: string) => void;
  /** The repository root (the suites start `node bin/lotse.js …` from here). */
  root: string;
  commit: string;
  /**
   * Registers a teardown (stop a process, drop a database): the runner runs them in reverse order
   * after the suite, also when it fails or the run is interrupted (Ctrl-C).
   */
  defer: (teardown: () => Promise<void> | void) => void;
  /**
   * The run's database (demo data, biographies built), Redis key prefix and partner token, shared by
   * the suites: provisioned on the first call, torn down at the end of the run.
   */
  stack: () => Promise<BenchStack>;
}

export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** Lowest and highest value over the rounds the value is the median of. */
  spread?: [number, number];
  note?: string;
}

export interface SuiteResult {
  suite: string;
  metrics: Metric[];
  ratios?: Array<{ name: string; value: number; target?: string; met?: boolean }>;
  notes?: string[];
}

export interface BenchSuite {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<SuiteResult>;
}
