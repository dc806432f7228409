import autocannon from 'autocannon';

/** One GraphQL operation as the load generator sends it. */
export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  /** Verified responses per second. */
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Responses that were not a 2xx with `data` and without `errors`, plus connection errors. */
  failed: number;
}

/**
 * A response counts only if it is HTTP 2xx with `data` and without `errors`. Looked for in the text,
 * not parsed: the load generator shares the machine with the gateway and should cost it little.
 * Every query's data has an object at its root and no field named `errors`.
 */
export const verifyGraphqlBody = (body: string): boolean => body.includes('"data":{') && !body.includes('"errors"');

/** `connections` clients as fast as the server answers, for `seconds`, every response verified. */
export async function load(req: LoadRequest, seconds: number, connections = 20): Promise<LoadResult> {
  const result = await autocannon({
    url: req.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...req.headers },
    body: req.body,
    connections,
    duration: seconds,
    timeout: 20,
    verifyBody: verifyGraphqlBody,
  });
  const verified = result['2xx'] - result.mismatches;
  return {
    rps: verified / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result['2xx'] + result.non2xx,
    failed: result.mismatches + result.non2xx + result.errors + result.timeouts,
  };
}

/** One request, answered with its parsed body; fails unless it is 2xx with `data` and no `errors`. */
export async function probe(req: LoadRequest): Promise<unknown> {
  const res = await fetch(req.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...req.headers },
    body: req.body,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  if (!res.ok || !verifyGraphqlBody(text)) throw new Error(`HTTP ${res.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { data: unknown }).data;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const spread = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];
