import 'reflect-metadata';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { AuditLog } from './audit/audit.service';
import { Config, SUBGRAPH_NAMES } from './config';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { Outbox, OutboxStore } from './events/outbox.service';
import { PolicyDecisionPoint } from './policy/policy.service';
import { OutboxRelay } from './events/relay';
import { createQueues, Queues } from './jobs/queues';
import { RuleScheduler } from './rules/rules.scheduler';
import { createRetentionService, RetentionService } from './retention/retention.service';
import { RowSecurityContext, rowSecurityClient } from './shared/row-security';
import { IdentitySigner } from './shared/identity';
import { createMetrics, Metrics } from './metrics/metrics.registry';
import { migrateDatabase, openDataSources } from './container.data';
import { createLogger, Logger, withContextName } from './shared/logger';
import { createRedisConnection, RedisTarget } from './shared/redis';
import { createTracing, Tracing } from './shared/tracing';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { systemActor } from './shared/actor';
import { DirectoryPerson, PersonDirectory } from './shared/person-directory';
import { Clock, offsetClock, systemClock } from './shared/time';
import { buildCitySubgraph, CitySubgraph } from './subgraphs/city/city.subgraph';
import { arrivalHubPorts } from './container.arrival';
import { helpPlanReferrals } from './container.cases';
import { enrolmentReferrals } from './container.courses';
import { indicatorSources } from './container.indicators';
import type { PersonEntity } from './subgraphs/city/person/person.entity';
import { buildCoursesSubgraph, CoursesSubgraph } from './subgraphs/courses/courses.subgraph';
import { SlaTimers } from './subgraphs/hub/agreement/sla.scheduler';
import { OfferQueueTimers } from './subgraphs/courses/enrolment/enrolment.timers';
import { buildHubSubgraph, HubSubgraph } from './subgraphs/hub/hub.subgraph';
import { WebhookScheduler } from './subgraphs/hub/webhook/webhook.queue';
import { SecretBox } from './subgraphs/hub/webhook/webhook.secret-box';
import { UrlGuard } from './subgraphs/hub/webhook/webhook.url-guard';
import { buildJobcenterSubgraph, JobcenterSubgraph } from './subgraphs/jobcenter/jobcenter.subgraph';

export interface Subgraphs {
  city: CitySubgraph;
  jobcenter: JobcenterSubgraph;
  courses: CoursesSubgraph;
  hub: HubSubgraph;
}

export interface Container {
  config: Config;
  log: Logger;
  clock: Clock;
  databaseUrl: string;
  redisUrl: RedisTarget;
  subgraphs: Subgraphs;
  outbox: Outbox;
  outboxStores: OutboxStore[];
  redis: Redis;
  /** The producer side of every queue (src/jobs/queues.ts); workers consume on connections of their own. */
  queues: Queues;
  /** What puts timers on the queues; built before the services that use them. */
  schedulers: { deadlines: SlaTimers; rules: RuleScheduler; webhooks: WebhookScheduler; offers: OfferQueueTimers };
  relay: OutboxRelay;
  identity: IdentitySigner;
  /**
   * Which jurisdiction the database enforces for the current request (row-level security); work
   * outside a request runs in `rowSecurity.system(name, …)`, else protected tables show no rows.
   */
  rowSecurity: RowSecurityContext;
  /** Tamper-evident audit log (schema `audit`). */
  audit: AuditLog;
  /** The city's persons for workers (rules, webhook payloads): read as the hub, in a system context. */
  persons: PersonDirectory;
  /** Retention: erases or pseudonymises what has passed its retention period (src/retention). */
  retention: RetentionService;
  /** Idempotency keys of mutations (schema `idempotency`; src/gateway/idempotency.ts). */
  idempotency: IdempotencyStore;
  /** OpenTelemetry traces of this process (src/shared/tracing.ts); off without an OTLP endpoint. */
  tracing: Tracing;
  /** This process's Prometheus registry and metrics (src/metrics), served on its /metrics. */
  metrics: Metrics;
  /** Runs every subgraph's (and the audit log's) pending migrations; returns what ran. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export { migrateDatabase };

export interface ContainerOptions {
  databaseUrl: string;
  redisUrl: RedisTarget;
  clock?: Clock;
  log?: Logger;
  /** What this process runs (gateway, worker, subgraph-city, serve): the traces' default service name `lotse-<role>`. */
  role?: string;
  /** Tests only: spans go to this exporter (e.g. in memory) whether or not an endpoint is configured. */
  traceExporter?: SpanExporter;
}

/** Builds everything from config; nothing lives at module level. Connects, but does not migrate. */
export async function createContainer(config: Config, opts: ContainerOptions): Promise<Container> {
  const clock = opts.clock ?? (config.devClockOffsetMs ? offsetClock(config.devClockOffsetMs) : systemClock);
  const tracing = createTracing({
    endpoint: config.tracing.endpoint,
    serviceName: config.tracing.serviceName ?? `lotse-${opts.role ?? 'serve'}`,
    exporter: opts.traceExporter,
  });
  // Row-level security: each connection carries the jurisdiction of the request it serves.
  const rowSecurity = new RowSecurityContext();
  // Lines written inside a system context name it (`context: retention`, …).
  const log = withContextName(opts.log ?? createLogger(config.logLevel), () => rowSecurity.systemName());
  const client = rowSecurityClient(rowSecurity, {
    appRole: config.databaseAppRole,
    onOutsideContext: (table) => log.warn({ table }, 'protected table read outside any request or system context'),
  });
  const { dataSources, auditDs, idempotencyDs } = await openDataSources(opts.databaseUrl, config.dbPoolSize, client);
  const secret = internalSecret(config);
  const metrics = createMetrics();
  const audit = new AuditLog(auditDs, {
    ...auditKeys(secret),
    clock,
    skipForBenchmark: config.benchSkipAudit,
    appendSeconds: metrics.auditAppendSeconds,
  });
  const outbox = new Outbox(clock, audit, rowSecurity, tracing);
  // The policy decision point reads the hub's legal bases and consents for every subgraph.
  const pdp = new PolicyDecisionPoint(dataSources.hub, clock);
  const deps = { clock, outbox, pdp, audit, rowSecurity };
  // Redis and the queues come before the services: whatever process runs them sets the same timers.
  const redis = createRedisConnection(opts.redisUrl);
  redis.on('error', (err) => log.warn({ err: { message: err.message } }, 'redis connection error'));
  const queues = createQueues(redis, config.queuePrefix, log);
  const schedulers = {
    deadlines: new SlaTimers(queues.sla, clock, log.child({ component: 'sla', queue: queues.sla.name })),
    rules: new RuleScheduler(queues.rules, clock),
    webhooks: new WebhookScheduler(queues.webhooks, clock, tracing),
    offers: new OfferQueueTimers(queues.sla, clock),
  };
  // The hub is built after the courses: enrolments reach its referrals and the entitlement ledger
  // its partners through these interfaces only, asked once requests or jobs run (ADR 0007).
  let hub: HubSubgraph | undefined;
  const hubOf = () => {
    if (!hub) throw new Error('the hub subgraph is not built yet');
    return hub;
  };
  const referralsOf = () => hubOf().services.referrals;
  // Case management's help plan and eUMA track reach the hub's referrals through a port (container.cases.ts).
  const city = await buildCitySubgraph(dataSources.city, deps, {
    referrals: helpPlanReferrals(hubOf, rowSecurity),
    log: log.child({ component: 'cases' }),
    // Arrival visits check the referrals they name and the team against the hub's services (container.arrival.ts).
    arrivalHub: arrivalHubPorts(hubOf),
  });
  const persons = personDirectory(city, rowSecurity);
  // Course matching reads a person's sex and district through the directory, never the city's tables,
  // and its seats from the enrolments; the entitlement ledger asks the hub for partners' kinds and
  // the city for a person's municipality (ADR 0007).
  const courses = await buildCoursesSubgraph(dataSources.courses, deps, {
    persons,
    enrolments: {
      referrals: enrolmentReferrals(referralsOf),
      timers: schedulers.offers,
      offerDays: config.enrolmentOfferDays,
      log: log.child({ component: 'enrolments' }),
    },
    entitlements: {
      partners: { bySlug: (slug) => hubOf().services.partners.findBySlug(slug) },
      persons: { municipalityOf: async (personId) => (await persons.get(personId))?.municipalityKey ?? null },
      entitlementLapseDays: config.entitlementLapseDays,
    },
  });
  // The duplicate checks write as the hub, named after the job's context and the event behind them.
  const checker = (cause: string) => systemActor(cause, rowSecurity.systemName() ?? undefined);
  const subgraphs: Subgraphs = {
    city,
    jobcenter: await buildJobcenterSubgraph(dataSources.jobcenter, deps),
    courses,
    hub: (hub = await buildHubSubgraph(dataSources.hub, deps, {
      deadlineTimers: schedulers.deadlines,
      webhooks: {
        guard: new UrlGuard({
          production: config.env === 'production',
          allowedHosts: config.webhooks.allowedHosts,
          allowPrivateNetworks: config.webhooks.allowPrivateNetworks,
        }),
        scheduler: schedulers.webhooks,
        secrets: new SecretBox(secret),
      },
      // The hub asks the courses service for seats; it never reads the courses schema (ADR 0007).
      capacity: courses.services.courses,
      // Likewise the city's municipality register, for the admin API's checks of AGS keys.
      municipalities: {
        knownKeys: async (keys) => (await city.services.municipalities.byKeys(keys)).map((m) => m.key),
      },
      // Built below; asked only when a retention rule is written.
      retentionTasks: () => retention.tasks,
      // The worklist of upcoming handovers reads birth dates and municipalities as the rules do.
      persons,
      rules: config.rules,
      indicators: config.indicators,
      // Duplicate suspicion: the events worker asks the city's service, inside the job's system context.
      duplicates: {
        byName: (personId, cause) => city.services.duplicates.detectByName(checker(cause), personId),
        flag: (personId, other, reason, cause) =>
          city.services.duplicates.flag(checker(cause), personId, other, [reason]),
      },
      // The eUMA track: an accepted transfer opens the receiver's case, asked of the city's service likewise.
      transferCases: {
        statusChanged: (change, cause) =>
          city.services.euma.onTransferStatus(checker(cause.eventId), change, cause.occurredAt),
      },
      // Arrival follow-up: a referral sent for a visited family is asked about, inside the job's system context.
      arrivals: {
        referralSent: (sent, cause) => city.services.arrivals.deriveFollowUp(checker(cause), sent),
        followUpKnown: (family, cause) => city.services.arrivalReads.followUpKnown(checker(cause), family),
      },
      // A withdrawn consent: the city removes the feedback links made under it, likewise.
      feedbackLinks: {
        consentWithdrawn: (consentId, cause) =>
          city.services.feedback.unlinkForWithdrawnConsent(checker(cause), consentId),
      },
      // The indicator facts: visits and cases from the city, courses and enrolments from the courses (ADR 0007).
      indicatorSources: indicatorSources(city, courses, persons),
    })),
  };
  const outboxStores = SUBGRAPH_NAMES.map((name) => new OutboxStore(name, dataSources[name]));
  const retention = createRetentionService({
    hub: dataSources.hub,
    city: dataSources.city,
    audit,
    clock,
    rowSecurity,
    log: log.child({ component: 'retention' }),
    // Erased cases and visits take their indicator facts with them (docs/data-protection.md).
    afterBatch: (recordType, ids) => subgraphs.hub.services.indicatorFacts.forErased(recordType, ids),
  });
  const idempotency = new IdempotencyStore(idempotencyDs, {
    ttlHours: config.idempotencyTtlHours,
    log: log.child({ component: 'idempotency' }),
  });
  const relay = new OutboxRelay(
    outboxStores,
    queues.events,
    {
      intervalMs: config.relayIntervalMs,
      redeliverAfterMs: config.redeliverAfterMs,
      // Woken by commits in any process (LISTEN/NOTIFY); the interval is the fallback.
      listen: { url: opts.databaseUrl, applicationName: 'lotse-relay-listen' },
      reconnects: redis,
    },
    log.child({ component: 'relay' }),
    rowSecurity,
    tracing,
  );

  return {
    config,
    log,
    clock,
    databaseUrl: opts.databaseUrl,
    redisUrl: opts.redisUrl,
    subgraphs,
    outbox,
    outboxStores,
    redis,
    queues,
    schedulers,
    relay,
    identity: new IdentitySigner(secret),
    audit,
    rowSecurity,
    persons,
    retention,
    idempotency,
    tracing,
    metrics,
    // Migrations run as the connecting (owner) role, not the application role.
    migrate: () => migrateDatabase(opts.databaseUrl),
    async close() {
      await relay.stop();
      await Promise.all(Object.values(queues).map((q) => q.close()));
      redis.disconnect();
      await idempotency.drain();
      await Promise.all(
        [...Object.values(dataSources), auditDs, idempotencyDs].map((ds) =>
          ds.isInitialized ? ds.destroy() : Promise.resolve(),
        ),
      );
      // Last: the spans of everything stopped above are exported before the process exits.
      await tracing.close();
    },
  };
}

/**
 * Workers reach the city's persons through this one interface, as the hub, never through the
 * city's tables. It reads in the caller's context: a job's system context gives every person,
 * no context none.
 */
function personDirectory(city: CitySubgraph, rowSecurity: RowSecurityContext): PersonDirectory {
  const persons = city.services.persons;
  // The subject names the job's context, as the hub's own writes do.
  const actor = () => systemActor('person-directory', rowSecurity.systemName() ?? undefined);
  const view = (p: PersonEntity): DirectoryPerson => ({
    id: p.id,
    givenName: p.givenName,
    familyName: p.familyName,
    birthDate: p.birthDate,
    municipalityKey: p.municipalityKey,
    householdId: p.householdId,
    street: p.street,
    houseNumber: p.houseNumber,
    postalCode: p.postalCode,
    locality: p.locality,
    sex: p.sex,
    district: p.district,
    registeredAt: p.registeredAt,
  });
  return {
    async get(personId) {
      const p = await persons.get(actor(), personId);
      return p ? view(p) : null;
    },
    async household(householdId) {
      return (await persons.byHouseholds(actor(), [householdId])).map(view);
    },
    async many(personIds) {
      return (await persons.byIds(actor(), personIds)).map(view);
    },
  };
}

/**
 * The audit log's keys, derived from the internal secret for now (HMAC-SHA256 with the labels
 * 'audit-pseudonym' and 'audit-checkpoint') so no new configuration is needed; a later change may
 * give them their own variables. Changing the internal secret changes the pseudonyms (older rows
 * no longer match an Art. 15 report) and invalidates earlier checkpoints.
 */
function auditKeys(secret: string): { pseudonymKey: string; checkpointKey: string } {
  const derive = (label: string) => crypto.createHmac('sha256', secret).update(label).digest('hex');
  return { pseudonymKey: derive('audit-pseudonym'), checkpointKey: derive('audit-checkpoint') };
}

/**
 * The gateway → subgraph signing secret. Production must configure it; development keeps a
 * generated one under the data directory so separately started processes agree.
 */
function internalSecret(config: Config): string {
  if (config.internalSecret) return config.internalSecret;
  if (config.env === 'test') return crypto.randomBytes(32).toString('base64url');
  const file = path.join(config.dataDir, 'internal-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}
