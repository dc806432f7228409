import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SUBGRAPH_NAMES } from '../../src/config';
import { BENCH_PURPOSE, BenchStack } from './stack';
import { BenchProcess, freePort, startProcess } from './process';
import { BenchContext } from './types';

/** A gateway under test: started in one process, measured, stopped, one at a time. */
export interface GatewayUnderTest {
  name: string;
  title: string;
  /** How it is started, for the record. */
  command: string;
  start(): Promise<RunningGateway>;
}

export interface RunningGateway {
  process: BenchProcess;
  url: string;
  headers: Record<string, string>;
}

/** The four subgraphs, each in its own process (`lotse subgraph NAME --port N`); stopped through ctx.defer. */
export async function startSubgraphs(ctx: BenchContext, stack: BenchStack): Promise<Record<string, string>> {
  const urls: Record<string, string> = {};
  const started: Array<Promise<void>> = [];
  for (const name of SUBGRAPH_NAMES) {
    const port = await freePort();
    // Lotse's gateway sends its signed identity; the peers forward the partner's token.
    const proc = startProcess(`subgraph ${name}`, ['bin/lotse.js', 'subgraph', name, '--port', String(port)], {
      cwd: ctx.root,
      env: stack.env({ SUBGRAPH_PARTNER_TOKENS: 'true' }),
    });
    ctx.defer(() => proc.stop());
    urls[name] = `http://127.0.0.1:${port}/graphql`;
    started.push(proc.waitHealthy(`http://127.0.0.1:${port}/healthz`));
  }
  await Promise.all(started);
  return urls;
}

/** The committed supergraph with the bench's subgraph URLs, written to a file for the peers. */
export function writeSupergraph(ctx: BenchContext, urls: Record<string, string>): string {
  let sdl = fs.readFileSync(path.join(ctx.root, 'schema', 'supergraph.graphql'), 'utf8');
  for (const [name, url] of Object.entries(urls)) {
    const pattern = new RegExp(`(@join__graph\\(name: "${name}", url: )"[^"]*"`);
    if (!pattern.test(sdl)) throw new Error(`schema/supergraph.graphql names no subgraph ${name}`);
    sdl = sdl.replace(pattern, `$1"${url}"`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-bench-supergraph-'));
  ctx.defer(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'supergraph.graphql');
  fs.writeFileSync(file, sdl);
  return file;
}

/**
 * Lotse's gateway (`lotse gateway`, no workers): with `subgraphUrls` over HTTP, else with the
 * subgraphs in its process. `env` is added to the stack's environment.
 */
export function lotseGateway(
  ctx: BenchContext,
  stack: BenchStack,
  opts: { name: string; title: string; subgraphUrls?: Record<string, string>; env?: NodeJS.ProcessEnv },
): GatewayUnderTest {
  return {
    name: opts.name,
    title: opts.title,
    command: `${opts.subgraphUrls ? 'LOTSE_SUBGRAPH_URLS=city=…,jobcenter=…,courses=…,hub=… ' : ''}node bin/lotse.js gateway`,
    async start() {
      const port = await freePort();
      const extra: NodeJS.ProcessEnv = { PORT: String(port), ...opts.env };
      if (opts.subgraphUrls)
        extra.LOTSE_SUBGRAPH_URLS = Object.entries(opts.subgraphUrls)
          .map(([name, url]) => `${name}=${url}`)
          .join(',');
      const proc = startProcess(opts.name, ['bin/lotse.js', 'gateway'], { cwd: ctx.root, env: stack.env(extra) });
      ctx.defer(() => proc.stop());
      await proc.waitHealthy(`http://127.0.0.1:${port}/healthz`);
      return { process: proc, url: `http://127.0.0.1:${port}/graphql`, headers: lotseHeaders(stack) };
    },
  };
}

/** A peer gateway from `bench/lib/peer-<kind>.ts`, over the subgraph processes. */
export function peerGateway(
  ctx: BenchContext,
  stack: BenchStack,
  opts: { name: string; title: string; script: string; supergraphFile: string; env?: NodeJS.ProcessEnv },
): GatewayUnderTest {
  return {
    name: opts.name,
    title: opts.title,
    command: `node dist/bench/lib/${opts.script}`,
    async start() {
      const port = await freePort();
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        PORT: String(port),
        LOTSE_BENCH_SUPERGRAPH: opts.supergraphFile,
        ...opts.env,
      };
      const script = path.join(ctx.root, 'dist', 'bench', 'lib', opts.script);
      const proc = startProcess(opts.name, [script], { cwd: ctx.root, env });
      ctx.defer(() => proc.stop());
      await proc.waitHealthy(`http://127.0.0.1:${port}/healthz`);
      // The same request as to Lotse: the peers forward the partner's token and purpose to the subgraphs.
      return { process: proc, url: `http://127.0.0.1:${port}/graphql`, headers: lotseHeaders(stack) };
    },
  };
}

function lotseHeaders(stack: BenchStack): Record<string, string> {
  return { authorization: `Bearer ${stack.token}`, 'lotse-purpose': BENCH_PURPOSE };
}
