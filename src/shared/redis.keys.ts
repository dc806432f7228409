/**
 * Every Redis key Lotse writes, so that it is safe under Redis Cluster: keys one command, Lua script
 * or MULTI uses together carry the same hash tag (`{…}`), which alone decides their slot.
 *
 * - BullMQ: one tag for the deployment, `{<prefix>}:<queue>:…`. Its scripts touch many keys of one
 *   queue (and flows would touch several queues); all queues together are a small load for one
 *   Redis node, so spreading them over slots would gain little and forbid cross-queue work.
 * - Rate limits: `<prefix>:ratelimit:{<partner>}:ops|cost:<window>`, one tag per partner (its two
 *   counters are checked in one script), so partners spread over the cluster.
 * - Webhook endpoint slots: `<prefix>:webhooks:inflight:{<endpoint>}` and `…:waiting`, one tag per endpoint.
 * - Live events: a pub/sub channel, not a key (Cluster forwards PUBLISH to every node).
 *
 * The user-facing LOTSE_QUEUE_PREFIX stays plain (no braces: src/config.ts refuses them).
 */

/** The BullMQ `prefix` of every queue and worker of a deployment. */
export const queueKeyPrefix = (prefix: string): string => `{${prefix}}`;

/** A tag may not contain braces of its own (they would end it early). */
const tag = (value: string): string => `{${encodeURIComponent(value)}}`;

/** The two counters of one partner in one window; checked and counted in one script. */
export function rateLimitKeys(prefix: string, partner: string, window: number): { ops: string; cost: string } {
  const base = `${prefix}:ratelimit:${tag(partner)}`;
  return { ops: `${base}:ops:${window}`, cost: `${base}:cost:${window}` };
}

/** An endpoint's in-flight requests and its waiting jobs; used together in one script. */
export function endpointSlotKeys(prefix: string, endpointId: string): { inflight: string; waiting: string } {
  const inflight = `${prefix}:webhooks:inflight:${tag(endpointId)}`;
  return { inflight, waiting: `${inflight}:waiting` };
}

/** SCAN patterns that find every key of a deployment (tests, operators cleaning up a prefix). */
export const keyPatterns = (prefix: string): string[] => [`${queueKeyPrefix(prefix)}:*`, `${prefix}:*`];
