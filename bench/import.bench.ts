import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importRows, writeImportCsv } from '../test/factories/import-file.factory';
import { startLotse } from './lib/pipeline.instance';
import { round } from './lib/pipeline.stats';
import { sleep, startProcess } from './lib/process';
import type { BenchContext, BenchSuite, Metric, SuiteResult } from './lib/types';

/** Rows of the generated file: the target is 100 000 rows in at most 5 minutes (issue 13). */
const FULL_ROWS = 100_000;
const QUICK_ROWS = 2_000;
const TARGET_SECONDS = 300;

interface ImportRun {
  seconds: number;
  stdout: string;
  /** Resident set size of the import process, sampled every 500 ms (kB). */
  rss: number[];
  /** Heap in use after each full collection (bytes), from heap-probe.ts. */
  liveHeap: number[];
}

/** `lotse import persons` in a process of its own, against the instance's database; RSS sampled meanwhile. */
async function runImport(ctx: BenchContext, env: NodeJS.ProcessEnv, file: string): Promise<ImportRun> {
  const heapFile = `${file}.heap-${Date.now()}`;
  const started = Date.now();
  const proc = startProcess(
    'import',
    [
      '--require',
      path.join(__dirname, 'lib', 'heap-probe.js'),
      path.join(ctx.root, 'bin', 'lotse.js'),
      'import',
      'persons',
      file,
      '--as',
      'rheine-abh',
    ],
    {
      cwd: ctx.root,
      env: { ...env, LOTSE_BENCH_HEAP_FILE: heapFile },
    },
  );
  ctx.defer(() => proc.stop());
  const rss: number[] = [];
  while (proc.running) {
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      if (m) rss.push(Number(m[1]));
    } catch {
      // exited between the check and the read
    }
    await sleep(500);
  }
  const seconds = (Date.now() - started) / 1000;
  const summary = proc
    .output()
    .split('\n')
    .find((l) => l.startsWith('created '));
  if (!summary) throw new Error(`import failed:\n${proc.output()}`);
  const liveHeap = fs.existsSync(heapFile)
    ? fs
        .readFileSync(heapFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(l.split(' ')[1]))
    : [];
  return { seconds, stdout: summary, rss, liveHeap };
}

async function run(ctx: BenchContext): Promise<SuiteResult> {
  const rows = ctx.quick ? QUICK_ROWS : Number(process.env.LOTSE_BENCH_IMPORT_ROWS ?? FULL_ROWS);
  // No workers: the import alone is measured (the events it writes wait in the outbox).
  const lotse = await startLotse(ctx, { label: 'import', env: { LOTSE_WORKERS: 'false' } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-bench-import-'));
  ctx.defer(() => fs.rmSync(dir, { recursive: true, force: true }));
  try {
    const file = path.join(dir, 'persons.csv');
    await writeImportCsv(file, importRows(rows, { azrBase: 900_000_000_000 }));
    ctx.log(`import: ${rows} rows generated (${round(fs.statSync(file).size / 1024 / 1024)} MB)`);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: lotse.databaseUrl,
      REDIS_URL: process.env.LOTSE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
      LOTSE_QUEUE_PREFIX: lotse.queuePrefix,
      LOTSE_ENV: 'development',
      LOTSE_DATA_DIR: dir,
      DATABASE_APP_ROLE: 'lotse_app',
      LOTSE_DEMO_SEED: 'false',
      LOG_LEVEL: 'warn',
    };
    const first = await runImport(ctx, env, file);
    ctx.log(`import: first run ${first.stdout} in ${round(first.seconds)} s`);
    const again = await runImport(ctx, env, file);
    ctx.log(`import: second run ${again.stdout} in ${round(again.seconds)} s`);
    const quarter = first.rss[Math.floor(first.rss.length / 4)] ?? NaN;
    const peak = Math.max(...first.rss);
    // Flat memory is the live heap: the same after the first quarter's collections as at the end.
    const heaps = first.liveHeap;
    const heapAt = (share: number) => heaps[Math.min(heaps.length - 1, Math.floor(heaps.length * share))] ?? NaN;
    const MB = 1024 * 1024;
    const metrics: Metric[] = [
      { name: `first run, ${rows} new persons`, value: round(first.seconds), unit: 's', note: first.stdout },
      { name: 'first run, rows per second', value: round(rows / first.seconds), unit: 'rows/s' },
      { name: 'second run, same file (nothing written)', value: round(again.seconds), unit: 's', note: again.stdout },
      { name: 'second run, rows per second', value: round(rows / again.seconds), unit: 'rows/s' },
      { name: 'import process RSS at a quarter of the first run', value: round(quarter / 1024), unit: 'MB' },
      { name: 'import process RSS, peak of the first run', value: round(peak / 1024), unit: 'MB' },
      {
        name: 'live heap after a full collection, a quarter into the first run',
        value: round(heapAt(0.25) / MB),
        unit: 'MB',
        note: `${heaps.length} full collections`,
      },
      { name: 'live heap after the last full collection of the first run', value: round(heapAt(1) / MB), unit: 'MB' },
      {
        name: 'live heap after a full collection, highest of the first run',
        value: round(Math.max(...heaps) / MB),
        unit: 'MB',
      },
    ];
    const projected = (first.seconds / rows) * FULL_ROWS;
    return {
      suite: 'import',
      metrics,
      ratios: [
        {
          name: `first run projected to ${FULL_ROWS} rows`,
          value: round(projected),
          target: `≤ ${TARGET_SECONDS} s`,
          met: projected <= TARGET_SECONDS,
        },
        // Too few full collections (a short run) say nothing about growth; the first ones are start-up.
        ...(heaps.length >= 8
          ? [
              {
                name: 'flat memory: live heap at the end ÷ a quarter in',
                value: round(heapAt(1) / heapAt(0.25), 2),
                target: '≤ 1.25',
                met: heapAt(1) / heapAt(0.25) <= 1.25,
              },
            ]
          : []),
      ],
      notes: [
        'generated invented persons (test/factories/import-file.factory.ts): each with a residence status, an AZR number, every third row a new household',
        'as rheine-abh through the services (events, audit entries, row security), DB_POOL_SIZE rows at a time; no workers running',
      ],
    };
  } finally {
    await lotse.stop();
  }
}

export const suite: BenchSuite = { name: 'import', title: 'Bulk import of persons', run };
