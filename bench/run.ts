// `npm run bench [-- --quick] [-- --only gateway,audit]`: runs the suites, writes
// bench/results/latest.json and, on a full run of every suite, the tables in BENCHMARKS.md.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { suite as audit } from './audit.bench';
import { suite as gateway } from './gateway.bench';
import { suite as pipeline } from './pipeline.bench';
import { suite as scale } from './scale.bench';
import { suite as importPersons } from './import.bench';
import { suite as indicators } from './indicators.bench';
import { suite as topology } from './topology.bench';
import { renderMarkdown, RunRecord, writeGeneratedSection } from './lib/report';
import { BenchStack, provisionStack } from './lib/stack';
import { BenchContext, BenchSuite } from './lib/types';

/** The suites, in the order they run. */
const SUITES: BenchSuite[] = [gateway, audit, pipeline, scale, importPersons, indicators, topology];

const USAGE = `usage: npm run bench [-- [--quick] [--only SUITE,…]]
  --quick        one short round per suite (< 4 min); BENCHMARKS.md is left alone
  --only LIST    only these suites (${SUITES.map((s) => s.name).join(', ')}); BENCHMARKS.md is left alone`;

type Teardown = () => Promise<void> | void;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = (only ?? []).filter((name) => !SUITES.some((s) => s.name === name));
  if (unknown.length) {
    console.error(`unknown suite ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const suites = only ? SUITES.filter((s) => only.includes(s.name)) : SUITES;
  const quick = values.quick ?? false;
  const root = path.resolve(__dirname, '..', '..');
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;

  // Teardowns of the running suite run in reverse order after it, those of the shared stack after
  // the last suite; both on Ctrl-C before exiting.
  const teardowns: Teardown[] = [];
  const runTeardowns: Teardown[] = [];
  const tearDown = async (list: Teardown[]) => {
    const pending = list.splice(0).reverse();
    for (const t of pending) {
      try {
        await t();
      } catch (err) {
        console.error(`teardown failed: ${(err as Error).message}`);
      }
    }
  };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping processes and dropping the bench database …`);
    void tearDown(teardowns)
      .then(() => tearDown(runTeardowns))
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const record: RunRecord = {
    quick,
    date: new Date().toISOString(),
    commit: commitOf(root),
    node: process.version,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      ramGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
    },
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    suites: [],
  };
  let stack: Promise<BenchStack> | undefined;
  const provision = () => {
    const log = (msg: string) => console.log(`[${elapsed()}] stack: ${msg}`);
    return (stack ??= provisionStack({ root, log, defer: (t) => void runTeardowns.push(t) }));
  };
  let failed = false;
  for (const s of suites) {
    const log = (msg: string) => console.log(`[${elapsed()}] ${s.name}: ${msg}`);
    const defer = (t: Teardown) => void teardowns.push(t);
    const ctx: BenchContext = { quick, log, root, commit: record.commit, defer, stack: provision };
    const suiteStart = Date.now();
    log(`${s.title}${quick ? ' (quick)' : ''}`);
    try {
      const result = await s.run(ctx);
      record.suites.push({ ...result, title: s.title, seconds: Math.round((Date.now() - suiteStart) / 1000) });
    } catch (err) {
      failed = true;
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.error(`[${elapsed()}] ${s.name} FAILED: ${message}`);
      record.suites.push({
        suite: s.name,
        title: s.title,
        metrics: [],
        error: message,
        seconds: Math.round((Date.now() - suiteStart) / 1000),
      });
    } finally {
      await tearDown(teardowns);
    }
  }
  await tearDown(runTeardowns);
  record.seconds = Math.round((Date.now() - started) / 1000);

  const markdown = renderMarkdown(record);
  fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', 'results', 'latest.json'), JSON.stringify(record, null, 2) + '\n');
  console.log(`\n${markdown}`);
  if (!quick && !only && !failed) {
    writeGeneratedSection(path.join(root, 'BENCHMARKS.md'), markdown);
    console.log('BENCHMARKS.md: tables regenerated');
  } else console.log('BENCHMARKS.md left alone (quick, partial or failed run); bench/results/latest.json written');
  console.log(`done in ${elapsed()}`);
  return failed ? 1 : 0;
}

const BENCH_OUTPUT = [':!bench/results', ':!BENCHMARKS.md'];

function commitOf(root: string): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    // What the bench itself writes does not make the measured code another one.
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ...BENCH_OUTPUT], {
      cwd: root,
      encoding: 'utf8',
    });
    return dirty.trim() ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
