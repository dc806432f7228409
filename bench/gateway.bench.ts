import { GatewayUnderTest, lotseGateway, peerGateway, startSubgraphs, writeSupergraph } from './lib/gateways';
import { load, LoadResult, median, probe, spread } from './lib/load';
import { benchQueries } from './lib/queries';
import { BENCH_PARTNER, BENCH_PURPOSE } from './lib/stack';
import { BenchSuite, Metric, SuiteResult } from './lib/types';

interface Sample extends LoadResult {
  gateway: string;
  query: string;
  /** Gateway process CPU time per verified request, in ms. */
  cpuMsPerRequest: number;
}

/** Lotse in-process and over HTTP against Hive Gateway and Apollo Gateway, on the same subgraph processes. */
export const suite: BenchSuite = {
  name: 'gateway',
  title: 'Gateways: Lotse (in-process, over HTTP) vs Hive Gateway and Apollo Gateway',
  async run(ctx): Promise<SuiteResult> {
    const rounds = ctx.quick ? 1 : 3;
    const seconds = ctx.quick ? 3 : 8;
    const warmup = ctx.quick ? 1 : 2;
    const stack = await ctx.stack();
    const urls = await startSubgraphs(ctx, stack);
    const supergraphFile = writeSupergraph(ctx, urls);
    const gateways: GatewayUnderTest[] = [
      lotseGateway(ctx, stack, { name: 'lotse-inprocess', title: 'Lotse, subgraphs in-process' }),
      lotseGateway(ctx, stack, { name: 'lotse-http', title: 'Lotse over HTTP subgraphs', subgraphUrls: urls }),
      peerGateway(ctx, stack, { name: 'hive', title: '@graphql-hive/gateway', script: 'peer-hive.js', supergraphFile }),
      peerGateway(ctx, stack, {
        name: 'apollo',
        title: '@apollo/gateway + @apollo/server',
        script: 'peer-apollo.js',
        supergraphFile,
        env: { APOLLO_TELEMETRY_DISABLED: '1' },
      }),
    ];
    const queries = benchQueries(stack);
    const reference = new Map<string, string>();
    const samples: Sample[] = [];

    // The subgraph processes serve every gateway: they are warmed (JIT, connection pools, caches)
    // once before any gateway is measured, else the first gateway to reach them pays for it.
    ctx.log('warming the subgraph processes (through Lotse over HTTP, not measured)');
    const warming = await gateways.find((g) => g.name === 'lotse-http')!.start();
    for (const query of queries)
      await load({ url: warming.url, headers: warming.headers, body: query.body }, warmup * 3);
    await warming.process.stop();

    for (let round = 0; round < rounds; round++) {
      // Each round starts with another gateway, so none is always measured first.
      const order = gateways.map((_, i) => gateways[(i + round) % gateways.length]);
      for (const gateway of order) {
        ctx.log(`round ${round + 1}/${rounds}: ${gateway.name}`);
        const running = await gateway.start();
        for (const query of queries) {
          const req = { url: running.url, headers: running.headers, body: query.body };
          // Every gateway must answer the same data: a gateway that answers less is not faster.
          const data = JSON.stringify(await probe(req));
          const seen = reference.get(query.name);
          if (seen === undefined) {
            if (query.name === 'person') checkPerson(data);
            reference.set(query.name, data);
          } else if (seen !== data)
            throw new Error(`${gateway.name} answers ${query.name} with other data than before`);
          await load(req, warmup);
          const cpuBefore = running.process.cpuMs();
          const result = await load(req, seconds);
          const cpuMs = running.process.cpuMs() - cpuBefore;
          if (result.failed > 0)
            throw new Error(`${gateway.name}, ${query.name}: ${result.failed} responses failed the check`);
          samples.push({
            ...result,
            gateway: gateway.name,
            query: query.name,
            cpuMsPerRequest: cpuMs / result.requests,
          });
          ctx.log(`  ${query.name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`);
        }
        await running.process.stop();
      }
    }

    const metrics: Metric[] = [];
    const rps = (gateway: string, query: string) =>
      median(samples.filter((s) => s.gateway === gateway && s.query === query).map((s) => s.rps));
    for (const query of queries) {
      for (const gateway of gateways) {
        const of = samples.filter((s) => s.gateway === gateway.name && s.query === query.name);
        const metric = (name: string, unit: string, values: number[]) =>
          metrics.push({
            name: `${query.name} · ${gateway.name} · ${name}`,
            value: median(values),
            unit,
            spread: spread(values),
          });
        metric(
          'throughput',
          'req/s',
          of.map((s) => s.rps),
        );
        metric(
          'latency p50',
          'ms',
          of.map((s) => s.p50),
        );
        metric(
          'latency p99',
          'ms',
          of.map((s) => s.p99),
        );
        if (query.name === 'courses')
          metric(
            'gateway CPU per request',
            'ms',
            of.map((s) => s.cpuMsPerRequest),
          );
      }
    }
    const ratio = (name: string, a: string, b: string, query: string, target?: number) => {
      const value = rps(a, query) / rps(b, query);
      return target === undefined ? { name, value } : { name, value, target: `≥ ${target}`, met: value >= target };
    };
    const ratios = [
      ratio('person: Lotse in-process ÷ Hive', 'lotse-inprocess', 'hive', 'person', 1.5),
      ratio('person: Lotse over HTTP ÷ Hive', 'lotse-http', 'hive', 'person', 1.0),
      ratio('person: Lotse over HTTP ÷ Apollo', 'lotse-http', 'apollo', 'person', 1.0),
      ...['persons', 'courses'].flatMap((q) => [
        ratio(`${q}: Lotse in-process ÷ Hive`, 'lotse-inprocess', 'hive', q),
        ratio(`${q}: Lotse over HTTP ÷ Hive`, 'lotse-http', 'hive', q),
        ratio(`${q}: Lotse over HTTP ÷ Apollo`, 'lotse-http', 'apollo', q),
      ]),
    ];
    return {
      suite: 'gateway',
      metrics,
      ratios,
      notes: [
        `${rounds} round(s) × ${gateways.length} gateways × ${queries.length} queries × ${seconds} s after ${warmup} s warm-up (subgraph processes warmed before), 20 connections; medians over rounds, spread min–max.`,
        `As ${BENCH_PARTNER} (purpose ${BENCH_PURPOSE}); person ${stack.personId}.`,
        ...queries.map((q) => `${q.name}: ${q.title}`),
        'Subgraphs: `node bin/lotse.js subgraph NAME --port N`, one process each.',
        ...gateways.map((g) => `${g.name}: ${g.title}, \`${g.command}\``),
        'Gateway CPU per request: the gateway process only (over HTTP the subgraphs are other processes; in-process they are included).',
      ],
    };
  },
};

/** The person query must answer all three subgraphs' data, or it measures less than it says. */
function checkPerson(json: string): void {
  const { person } = JSON.parse(json) as {
    person: { residenceStatus: unknown; jobcenter: unknown; biography: unknown[] } | null;
  };
  if (!person?.residenceStatus || !person.jobcenter || !person.biography?.length)
    throw new Error(`the person query lacks residence status, jobcenter record or biography: ${json}`);
}
