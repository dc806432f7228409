import { lotseGateway } from './lib/gateways';
import { load, median, probe, spread } from './lib/load';
import { benchQueries } from './lib/queries';
import { BenchSuite, SuiteResult } from './lib/types';

/**
 * What the audit log costs: the person query against Lotse in-process with the audit log written,
 * and with LOTSE_BENCH_SKIP_AUDIT=1 (the audit log writes nothing; refused in production).
 */
export const suite: BenchSuite = {
  name: 'audit',
  title: 'Audit log cost: the person query with and without audit entries',
  async run(ctx): Promise<SuiteResult> {
    const rounds = ctx.quick ? 1 : 3;
    const seconds = ctx.quick ? 3 : 8;
    const warmup = ctx.quick ? 1 : 2;
    const stack = await ctx.stack();
    const person = benchQueries(stack).find((q) => q.name === 'person')!;
    const modes = [
      { name: 'on', gateway: lotseGateway(ctx, stack, { name: 'lotse audit on', title: 'audit log on' }) },
      {
        name: 'off',
        gateway: lotseGateway(ctx, stack, {
          name: 'lotse audit off',
          title: 'LOTSE_BENCH_SKIP_AUDIT=1',
          env: { LOTSE_BENCH_SKIP_AUDIT: '1' },
        }),
      },
    ];
    const rps: Record<string, number[]> = { on: [], off: [] };
    const p99: Record<string, number[]> = { on: [], off: [] };
    const costs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...modes].reverse() : modes;
      const of: Record<string, number> = {};
      for (const mode of order) {
        ctx.log(`round ${round + 1}/${rounds}: audit ${mode.name}`);
        const running = await mode.gateway.start();
        const req = { url: running.url, headers: running.headers, body: person.body };
        await probe(req);
        await load(req, warmup);
        const result = await load(req, seconds);
        await running.process.stop();
        if (result.failed > 0) throw new Error(`audit ${mode.name}: ${result.failed} responses failed the check`);
        ctx.log(`  ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`);
        rps[mode.name].push(result.rps);
        p99[mode.name].push(result.p99);
        of[mode.name] = result.rps;
      }
      costs.push(1 - of.on / of.off);
    }
    const cost = median(costs);
    return {
      suite: 'audit',
      metrics: [
        { name: 'person · audit on · throughput', value: median(rps.on), unit: 'req/s', spread: spread(rps.on) },
        { name: 'person · audit off · throughput', value: median(rps.off), unit: 'req/s', spread: spread(rps.off) },
        { name: 'person · audit on · latency p99', value: median(p99.on), unit: 'ms', spread: spread(p99.on) },
        { name: 'person · audit off · latency p99', value: median(p99.off), unit: 'ms', spread: spread(p99.off) },
        {
          name: 'audit cost (1 − on ÷ off)',
          value: cost * 100,
          unit: '%',
          spread: [Math.min(...costs) * 100, Math.max(...costs) * 100],
        },
      ],
      ratios: [{ name: 'audit cost', value: cost, target: '≤ 0.20', met: cost <= 0.2 }],
      notes: [
        `${rounds} round(s), on and off alternating first, ${seconds} s after ${warmup} s warm-up, 20 connections.`,
        'Off: LOTSE_BENCH_SKIP_AUDIT=1 makes the audit log write nothing (refused in production).',
      ],
    };
  },
};
