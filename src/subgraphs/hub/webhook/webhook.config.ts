/** Webhook delivery settings (WEBHOOK_* variables), read by src/config.ts. */
export interface WebhookConfig {
  /** Host patterns endpoints may point at (`hooks.example.org`, `*.example.org`); empty: any public host. */
  allowedHosts: string[];
  /** Allow endpoints on loopback, private, link-local and similar networks (tests, closed networks). */
  allowPrivateNetworks: boolean;
  /** An attempt fails when no 2xx status arrived within this time. */
  timeoutMs: number;
  /** Delay before each retry; after the last one the delivery is dead. */
  retryScheduleMs: number[];
  /** Deliveries in flight per worker process. */
  concurrency: number;
  /** Deliveries in flight per endpoint across all workers (counted in Redis), unless the endpoint sets its own. */
  endpointConcurrency: number;
  /** BullMQ lock of an active delivery job: a job whose worker died is taken over after about this long. */
  lockDurationMs: number;
  /** How often pending deliveries whose job Redis lost are queued again from PostgreSQL. */
  resyncSeconds: number;
}

export const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,14h,20h,24h';
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `5s,5m,30m,2h` → milliseconds; undefined when any entry is malformed. */
export function parseDurations(raw: string): number[] | undefined {
  const out: number[] = [];
  for (const part of raw.split(',').map((s) => s.trim())) {
    const m = /^(\d+)(ms|s|m|h|d)$/.exec(part);
    if (!m) return undefined;
    out.push(Number(m[1]) * UNITS[m[2]]);
  }
  return out.length && out.length <= 50 && out.every((ms) => ms <= 7 * 86_400_000) ? out : undefined;
}

export function readWebhookConfig(
  env: NodeJS.ProcessEnv,
  int: (name: string, def: number, min: number, max: number) => number,
  bool: (name: string, def: boolean) => boolean,
  problems: string[],
): WebhookConfig {
  const rawHosts = env.WEBHOOK_ALLOWED_HOSTS?.trim() ?? '';
  const allowedHosts = rawHosts
    ? rawHosts
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean)
    : [];
  const bad = allowedHosts.filter(
    (h) => !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(h),
  );
  if (bad.length)
    problems.push(`WEBHOOK_ALLOWED_HOSTS is a comma list of host names or *.domain patterns, got "${bad.join(', ')}"`);
  const rawSchedule = env.WEBHOOK_RETRY_SCHEDULE?.trim() || DEFAULT_RETRY_SCHEDULE;
  const schedule = parseDurations(rawSchedule);
  if (!schedule)
    problems.push(
      `WEBHOOK_RETRY_SCHEDULE is a comma list of 1–50 durations like 5s,5m,30m,2h (units ms, s, m, h, d; each at most 7d), got "${rawSchedule}"`,
    );
  const timeoutMs = int('WEBHOOK_TIMEOUT_MS', 15000, 100, 120000);
  const lockDurationMs = int('WEBHOOK_LOCK_DURATION_MS', 60000, 1000, 600000);
  return {
    allowedHosts,
    allowPrivateNetworks: bool('WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
    timeoutMs,
    retryScheduleMs: schedule ?? parseDurations(DEFAULT_RETRY_SCHEDULE)!,
    concurrency: int('WEBHOOK_CONCURRENCY', 16, 1, 256),
    endpointConcurrency: int('WEBHOOK_ENDPOINT_CONCURRENCY', 8, 1, 100),
    lockDurationMs,
    resyncSeconds: int('WEBHOOK_RESYNC_SECONDS', 60, 1, 86400),
  };
}
