import { Client, createClient, SubscribePayload } from 'graphql-ws';
import WebSocket from 'ws';
import { RunningServer } from '../../src/server';
import { eventually, TestApp } from '../helpers/app';

/** A graphql-ws client against one gateway, as a partner would connect (no retries). */
export function liveClient(serverUrl: string, token: string, purpose?: string): Client {
  return createClient({
    url: `${serverUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}`, ...(purpose ? { 'lotse-purpose': purpose } : {}) },
    retryAttempts: 0,
    lazy: true,
  });
}

export interface Collected {
  results: any[];
  errors: unknown[];
  completed: boolean;
  dispose(): void;
}

/** Subscribes and keeps everything that arrives; `query` may be a whole payload (e.g. with a persisted reference). */
export function collect(
  client: Client,
  query: string | SubscribePayload,
  variables?: Record<string, unknown>,
): Collected {
  const c: Collected = { results: [], errors: [], completed: false, dispose: () => undefined };
  c.dispose = client.subscribe(typeof query === 'string' ? { query, variables } : query, {
    next: (r) => void c.results.push(r),
    error: (e) => void c.errors.push(e),
    complete: () => void (c.completed = true),
  });
  return c;
}

/** Waits until the gateway holds `n` subscriptions (their listeners), so no event can pass before them. */
export const listening = (server: RunningServer, n: number) =>
  eventually(async () => server.liveEvents.listenerCount >= n, 10000, 20);

/** Waits for the `count`-th result of a subscription. */
export const received = (c: Collected, count = 1, timeoutMs = 15000) =>
  eventually(async () => (c.results.length >= count ? c.results : undefined), timeoutMs, 20);

/** Opens a raw connection with `connection_init` and resolves with the close code and reason (or 'acknowledged'). */
export function connect(
  serverUrl: string,
  payload: Record<string, unknown> | undefined,
): Promise<{ code: number; reason: string } | 'acknowledged'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload })));
    ws.on('message', (data) => {
      if (JSON.parse((data as Buffer).toString('utf8')).type === 'connection_ack') {
        clearTimeout(timer);
        ws.close(1000);
        resolve('acknowledged');
      }
    });
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: String(reason) });
    });
    ws.on('error', () => undefined);
  });
}

/** Waits until the workers have handled every event so far (so none of them arrives late at a new subscription). */
export const settled = (app: TestApp) =>
  eventually(
    async () => {
      for (const name of ['city', 'jobcenter', 'courses', 'hub'] as const) {
        const [{ n }] = await app.container.subgraphs[name].dataSource.query(
          `SELECT count(*)::int AS n FROM ${name}.outbox WHERE acked_at IS NULL`,
        );
        if (n > 0) return false;
      }
      return true;
    },
    15000,
    50,
  );

/** Rate limits count in fixed one-minute windows: start a scenario early in a window, not just before it ends. */
export async function freshWindow(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
}
