import path from 'node:path';
import { DEFAULT_QUERY_COST_LIMIT } from './gateway/cost';
import { readRulesConfig, RulesConfig } from './rules/rules';
import { readWebhookConfig, WebhookConfig } from './subgraphs/hub/webhook/webhook.config';
import { parseSentinels, type RedisSentinels } from './shared/redis';

export type Environment = 'development' | 'test' | 'production';
export const SUBGRAPH_NAMES = ['city', 'jobcenter', 'courses', 'hub'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export interface Config {
  env: Environment;
  host: string;
  port: number;
  /** `lotse worker`'s /healthz, /readyz and /metrics. */
  workerPort: number;
  logLevel: string;
  /** Unset: an embedded PostgreSQL under dataDir is started. */
  databaseUrl?: string;
  dbPoolSize: number;
  /** Role the application acts as (SET ROLE) when it connects as the schema owner; row-level security applies to it. */
  databaseAppRole?: string;
  /** Unset: localhost:6379, else a redis-server from PATH. */
  redisUrl?: string;
  /** Set: the master is found through these Sentinels; redisUrl then gives password, db and TLS only. */
  redisSentinel?: RedisSentinels;
  queuePrefix: string;
  dataDir: string;
  /** Subgraphs served elsewhere, by URL; the rest run in this process. */
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  auth: {
    issuer: string;
    audience: string;
    jwksUrl?: string;
    /** Accept tokens signed with the local dev key (never in production). */
    devKey: boolean;
  };
  /** HMAC secret for the gateway → subgraph identity; generated under dataDir in development. */
  internalSecret?: string;
  /**
   * Subgraph processes also accept a partner's own access token forwarded by a Federation router
   * (SUBGRAPH_PARTNER_TOKENS), verified as the gateway verifies it; see src/subgraph-auth.ts.
   */
  subgraphPartnerTokens: boolean;
  relayIntervalMs: number;
  /** Unacknowledged events older than this are published again (Redis may have lost them). */
  redeliverAfterMs: number;
  workers: boolean;
  /**
   * BullMQ lock of an active job (all queues but `webhooks`, which has WEBHOOK_LOCK_DURATION_MS): a
   * job whose worker died or hangs is taken over as stalled after about this long.
   */
  workerLockMs: number;
  /** On SIGTERM/SIGINT: how long in-flight requests and jobs may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  seedDemoOnFirstStart: boolean;
  /** Highest cost of one operation (src/gateway/cost.ts); above it the operation is refused. */
  queryCostLimit: number;
  /** Per partner and minute (fixed windows in Redis); see src/gateway/rate-limit.ts. */
  rateLimit: {
    operationsPerMinute: number;
    /** Cost (as checked against queryCostLimit) per partner and minute. */
    costPerMinute: number;
  };
  /** Longest a subgraph call may take: in-process it then fails with SUBGRAPH_TIMEOUT, over HTTP the request is aborted. */
  subgraphTimeoutMs: number;
  /** Run only documents registered for the calling partner (`lotse documents register`). */
  trustedDocuments: boolean;
  /** Whether the scheduled retention job runs (false: the schedule is removed and `lotse retention run` only dry-runs). */
  retentionEnabled: boolean;
  /** Cron pattern (5 or 6 fields) of the retention job, in Europe/Berlin time. */
  retentionSchedule: string;
  /** Minutes between the signed audit checkpoints the `maintenance` worker stores (0: none are written). */
  auditCheckpointEveryMinutes: number;
  /** How long an Idempotency-Key and its stored response live (hours, at least 24). */
  idempotencyTtlHours: number;
  /** How often the SLA worker re-creates lost deadline timers from PostgreSQL and handles overdue deadlines (seconds). */
  slaResyncSeconds: number;
  /** Days without course activity after which an unused entitlement (Berechtigungsschein) lapses. */
  entitlementLapseDays: number;
  /** Days a person has to answer a seat offer in a course before it passes to the next on the waitlist. */
  enrolmentOfferDays: number;
  /** The report's indicators (docs/indicators.md). */
  indicators: { minCount: number; maxPeriodMonths: number };
  /** Which automatic handovers run (RULES_ENABLED) and their parameters (RULE_*). */
  rules: RulesConfig;
  /** Where webhooks may go, timeouts, retries and concurrency (WEBHOOK_*). */
  webhooks: WebhookConfig;
  /** Limits of live subscriptions over WebSocket, per gateway process. */
  subscriptions: {
    /** Subscriptions one connection may hold at once. */
    maxPerConnection: number;
    /** Open connections per partner. */
    maxConnectionsPerPartner: number;
  };
  /** Headless Chromium that prints the indicator report to PDF (`lotse report --pdf`). */
  chromiumPath: string;
  /** Only for `bench/` (LOTSE_BENCH_SKIP_AUDIT=1): the audit log writes nothing. Refused in production. */
  benchSkipAudit: boolean;
  /** Development only (LOTSE_DEV_CLOCK_OFFSET, e.g. `90d`): Lotse's clock runs this far ahead, to rehearse what is due. Refused in production. */
  devClockOffsetMs: number;
  /** OpenTelemetry traces over OTLP/HTTP (src/shared/tracing.ts); no endpoint: off. */
  tracing: {
    /** The traces URL: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
    endpoint?: string;
    /** OTEL_SERVICE_NAME; unset: `lotse-<role>` of the process (gateway, worker, subgraph-city, serve). */
    serviceName?: string;
  };
}

const OFFSET_UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 };

/** `90d`, `-3d`, `12h`, `30m` in milliseconds; undefined when malformed. */
export function parseClockOffset(raw: string): number | undefined {
  const m = /^(-?\d{1,5})([dhm])$/.exec(raw.trim());
  return m ? Number(m[1]) * OFFSET_UNITS[m[2]] : undefined;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** The logger's levels (pino); anything else would only fail later, when the first logger is made. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function logLevel(raw: string | undefined, env: Environment, problems: string[]): string {
  if (raw === undefined) return env === 'test' ? 'silent' : 'info';
  const level = raw.toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level;
  problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return 'info';
}

const HTTP = ['http:', 'https:'];

/** The OTLP/HTTP traces URL as the OpenTelemetry specification derives it: the signal's own URL as is, else the base + v1/traces. */
function tracesEndpoint(traces: string | undefined, base: string | undefined): string | undefined {
  if (traces) return traces;
  if (!base) return undefined;
  return `${base.endsWith('/') ? base : `${base}/`}v1/traces`;
}

/** Reads and validates the environment once; every problem is reported together. */
/** REDIS_SENTINELS, REDIS_SENTINEL_NAME (default mymaster), REDIS_SENTINEL_PASSWORD; undefined without the first. */
function redisSentinel(str: (name: string) => string | undefined, problems: string[]): RedisSentinels | undefined {
  const raw = str('REDIS_SENTINELS');
  if (raw === undefined) {
    for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'])
      if (str(name) !== undefined) problems.push(`${name} is set but REDIS_SENTINELS is not`);
    return undefined;
  }
  const password = str('REDIS_SENTINEL_PASSWORD');
  return {
    sentinels: parseSentinels(raw, problems),
    name: str('REDIS_SENTINEL_NAME') ?? 'mymaster',
    ...(password ? { password } : {}),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const str = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, def: number, min: number, max: number) => {
    const raw = str(name);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
      return def;
    }
    return n;
  };
  const bool = (name: string, def: boolean) => {
    const raw = str(name);
    if (raw === undefined) return def;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    problems.push(`${name} must be true or false, got "${raw}"`);
    return def;
  };
  const url = (name: string, protocols: string[]) => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol))
        problems.push(`${name} must use ${protocols.join(' or ')}, got "${u.protocol}"`);
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const rawEnv = str('LOTSE_ENV') ?? str('NODE_ENV') ?? 'development';
  let lotseEnv: Environment = 'development';
  if (rawEnv === 'development' || rawEnv === 'test' || rawEnv === 'production') lotseEnv = rawEnv;
  else problems.push(`LOTSE_ENV must be development, test or production, got "${rawEnv}"`);

  const subgraphUrls: Config['subgraphUrls'] = {};
  const rawSubgraphs = str('LOTSE_SUBGRAPH_URLS');
  if (rawSubgraphs) {
    for (const pair of rawSubgraphs.split(',')) {
      const [name, value] = pair.split('=').map((s) => s?.trim());
      if (!SUBGRAPH_NAMES.includes(name as SubgraphName) || !value) {
        problems.push(`LOTSE_SUBGRAPH_URLS entries look like city=http://host:4001/graphql; got "${pair}"`);
        continue;
      }
      subgraphUrls[name as SubgraphName] = value;
    }
  }

  const internalSecret = str('LOTSE_INTERNAL_SECRET');
  if (internalSecret !== undefined && internalSecret.length < 32)
    problems.push('LOTSE_INTERNAL_SECRET must be at least 32 characters');
  if (lotseEnv === 'production' && !internalSecret) problems.push('LOTSE_INTERNAL_SECRET is required in production');
  const devKey = bool('AUTH_DEV_KEY', lotseEnv !== 'production');
  if (lotseEnv === 'production' && devKey) problems.push('AUTH_DEV_KEY cannot be enabled in production');
  const jwksUrl = url('AUTH_JWKS_URL', ['https:', 'http:']);
  if (lotseEnv === 'production' && !jwksUrl) problems.push('AUTH_JWKS_URL is required in production');

  const config: Config = {
    env: lotseEnv,
    host: str('HOST') ?? '0.0.0.0',
    port: int('PORT', 4000, 0, 65535),
    workerPort: int('WORKER_PORT', 9464, 0, 65535),
    logLevel: logLevel(str('LOG_LEVEL'), lotseEnv, problems),
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dbPoolSize: int('DB_POOL_SIZE', 5, 1, 100),
    databaseAppRole: str('DATABASE_APP_ROLE'),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    redisSentinel: redisSentinel(str, problems),
    queuePrefix: str('LOTSE_QUEUE_PREFIX') ?? 'lotse',
    dataDir: path.resolve(str('LOTSE_DATA_DIR') ?? '.lotse'),
    subgraphUrls,
    auth: {
      issuer: str('AUTH_ISSUER') ?? 'urn:lotse:dev',
      audience: str('AUTH_AUDIENCE') ?? 'urn:lotse:api',
      jwksUrl,
      devKey,
    },
    internalSecret,
    subgraphPartnerTokens: bool('SUBGRAPH_PARTNER_TOKENS', false),
    relayIntervalMs: int('OUTBOX_RELAY_INTERVAL_MS', 500, 50, 60000),
    redeliverAfterMs: int('OUTBOX_REDELIVER_AFTER_MS', 60000, 0, 86400000),
    workers: bool('LOTSE_WORKERS', true),
    workerLockMs: int('WORKER_LOCK_MS', 30000, 1000, 600000),
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 30000, 1000, 600000),
    seedDemoOnFirstStart: bool('LOTSE_DEMO_SEED', lotseEnv !== 'production'),
    queryCostLimit: int('QUERY_COST_LIMIT', DEFAULT_QUERY_COST_LIMIT, 1, 1_000_000),
    rateLimit: {
      operationsPerMinute: int('RATE_LIMIT_OPERATIONS_PER_MINUTE', 600, 1, 1_000_000),
      costPerMinute: int('RATE_LIMIT_COST_PER_MINUTE', 60000, 1, 1_000_000_000),
    },
    subgraphTimeoutMs: int('SUBGRAPH_TIMEOUT_MS', 10000, 1, 600000),
    trustedDocuments: bool('TRUSTED_DOCUMENTS', lotseEnv === 'production'),
    retentionEnabled: bool('RETENTION_ENABLED', true),
    retentionSchedule: str('RETENTION_SCHEDULE') ?? '15 3 * * *',
    auditCheckpointEveryMinutes: int('AUDIT_CHECKPOINT_EVERY_MINUTES', 60, 0, 7 * 24 * 60),
    idempotencyTtlHours: int('IDEMPOTENCY_TTL_HOURS', 24, 24, 8760),
    slaResyncSeconds: int('SLA_RESYNC_SECONDS', 300, 1, 86400),
    entitlementLapseDays: int('ENTITLEMENT_LAPSE_DAYS', 365, 1, 3650),
    enrolmentOfferDays: int('ENROLMENT_OFFER_DAYS', 7, 1, 60),
    indicators: {
      minCount: int('INDICATORS_MIN_COUNT', 5, 1, 1000),
      maxPeriodMonths: int('INDICATORS_MAX_PERIOD_MONTHS', 24, 1, 120),
    },
    rules: readRulesConfig(env, int, problems),
    webhooks: readWebhookConfig(env, int, bool, problems),
    subscriptions: {
      maxPerConnection: int('SUBSCRIPTIONS_MAX_PER_CONNECTION', 20, 1, 1000),
      maxConnectionsPerPartner: int('SUBSCRIPTIONS_MAX_CONNECTIONS_PER_PARTNER', 50, 1, 100_000),
    },
    chromiumPath: str('CHROMIUM_PATH') ?? '/usr/bin/chromium',
    benchSkipAudit: bool('LOTSE_BENCH_SKIP_AUDIT', false),
    devClockOffsetMs: 0,
    tracing: {
      endpoint: tracesEndpoint(
        url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', HTTP),
        url('OTEL_EXPORTER_OTLP_ENDPOINT', HTTP),
      ),
      serviceName: str('OTEL_SERVICE_NAME'),
    },
  };
  const offset = env.LOTSE_DEV_CLOCK_OFFSET?.trim();
  if (offset) {
    const ms = parseClockOffset(offset);
    if (ms === undefined) problems.push(`LOTSE_DEV_CLOCK_OFFSET must look like 90d, -3d, 12h or 30m, got "${offset}"`);
    // A shifted clock would date audit entries, consents and deadlines wrongly: never with real data.
    else if (lotseEnv === 'production') problems.push('LOTSE_DEV_CLOCK_OFFSET cannot be set in production');
    else config.devClockOffsetMs = ms;
  }
  // Benchmarks measure the audit log's cost by switching it off; data must never flow unaudited in production.
  if (lotseEnv === 'production' && config.benchSkipAudit)
    problems.push('LOTSE_BENCH_SKIP_AUDIT cannot be set in production (it switches the audit log off)');
  if (!/^[0-9A-Za-z*,/?#LW-]+(\s+[0-9A-Za-z*,/?#LW-]+){4,5}$/.test(config.retentionSchedule)) {
    problems.push(
      `RETENTION_SCHEDULE must be a cron pattern with 5 or 6 fields, e.g. "15 3 * * *", got "${config.retentionSchedule}"`,
    );
  }
  if (config.databaseAppRole && !/^[a-z_][a-z0-9_]{0,62}$/.test(config.databaseAppRole))
    problems.push('DATABASE_APP_ROLE must be a plain role name, e.g. lotse_app');
  // Braces would be read as a Redis Cluster hash tag of their own (src/shared/redis.keys.ts).
  if (/[:{}]/.test(config.queuePrefix)) problems.push('LOTSE_QUEUE_PREFIX must not contain ":", "{" or "}"');
  if (problems.length) throw new ConfigError(problems);
  return config;
}
