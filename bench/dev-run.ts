// Temporary entry until the runner (bench/run.ts) lands: node <outDir>/bench/dev-run.js [--quick] [suite…]
import { execFileSync } from 'node:child_process';
import type { BenchSuite } from './lib/types';

async function main() {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const wanted = args.filter((a) => !a.startsWith('--'));
  const suites: BenchSuite[] = [];
  if (!wanted.length || wanted.includes('pipeline')) suites.push((await import('./pipeline.bench')).suite);
  if (!wanted.length || wanted.includes('scale')) suites.push((await import('./scale.bench')).suite);
  const root = process.cwd();
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  const start = Date.now();
  for (const suite of suites) {
    const t0 = Date.now();
    const result = await suite.run({ quick, root, commit, log: (msg) => console.error(`[${suite.name}] ${msg}`) });
    console.log(JSON.stringify({ ...result, seconds: (Date.now() - t0) / 1000 }, null, 2));
  }
  console.error(`total ${((Date.now() - start) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
