import http from 'node:http';
import { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { Histogram } from 'prom-client';
import { RequestIdentity, remoteExecutor, timedExecutor } from '../../src/gateway/executors';
import type { GatewayContext } from '../../src/gateway/context';
import { IdentitySigner } from '../../src/shared/identity';

/**
 * lotse_subgraph_request_seconds by outcome for a subgraph over HTTP (the executor returns errors
 * instead of throwing): a loopback subgraph that answers data (ok), answers errors (error), never
 * answers (timeout), or is not listening (unavailable).
 */
describe('subgraph call outcomes over HTTP', () => {
  const servers: http.Server[] = [];
  const listen = async (handler: http.RequestListener): Promise<string> => {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  };
  const json = (body: unknown) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  const identity = new RequestIdentity(new IdentitySigner('s'.repeat(40)));
  const context = {
    actor: { subject: 'test', partner: 'rheine-social', scopes: [], jurisdiction: ['05566'], purpose: null },
  } as unknown as GatewayContext;

  async function outcomeOf(endpoint: string): Promise<string> {
    const histogram = new Histogram({
      name: 'test_subgraph_request_seconds',
      help: 'test',
      labelNames: ['subgraph', 'outcome'],
      registers: [],
    });
    const executor = timedExecutor('city', remoteExecutor(endpoint, identity, 300, { name: 'city' }), histogram);
    await executor({ document: parse('{ x }'), context });
    const counted = (await histogram.get()).values.filter(
      (v) => v.metricName === 'test_subgraph_request_seconds_count' && v.value > 0,
    );
    expect(counted).toHaveLength(1);
    return String(counted[0].labels.outcome);
  }

  it('ok: the subgraph answered data', async () => {
    expect(await outcomeOf(await listen(json({ data: { x: 1 } })))).toBe('ok');
  });

  it('error: the subgraph answered errors', async () => {
    expect(await outcomeOf(await listen(json({ data: null, errors: [{ message: 'refused' }] })))).toBe('error');
  });

  it('timeout: the subgraph took the request and never answered', async () => {
    expect(await outcomeOf(await listen(() => undefined))).toBe('timeout');
  });

  it('unavailable: nothing listens at the subgraph’s address', async () => {
    const endpoint = await listen(json({ data: { x: 1 } }));
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    expect(await outcomeOf(endpoint)).toBe('unavailable');
  });
});
