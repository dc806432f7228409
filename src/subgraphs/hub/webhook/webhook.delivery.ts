import { DataSource } from 'typeorm';
import { AuditLog } from '../../../audit/audit.service';
import { accessEntries } from '../../../policy/policy.audit';
import type { WebhookMetrics } from '../../../metrics/metrics.registry';
import { Logger } from '../../../shared/logger';
import { Clock } from '../../../shared/time';
import { isReferralEvent, recipientActor } from './webhook.basis';
import { WebhookConfig } from './webhook.config';
import { WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entity';
import { post } from './webhook.http';
import { EndpointSlots } from './webhook.inflight';
import { buildPayload, PersonRecord } from './webhook.payload';
import { webhookJobId, WebhookJobData, WebhookScheduler } from './webhook.queue';
import { parseRetryAfter, retryDelay } from './webhook.schedule';
import { WebhookService } from './webhook.service';
import { signatureHeader } from './webhook.signing';

export interface DeliveryDeps {
  hub: DataSource;
  service: WebhookService;
  audit: AuditLog;
  scheduler: WebhookScheduler;
  slots: EndpointSlots;
  config: WebhookConfig;
  clock: Clock;
  log: Logger;
  /** Each request sent, by outcome, and its duration. */
  metrics: WebhookMetrics;
  person(personId: string): Promise<PersonRecord | null>;
}

/** What a job did; `delay` asks the worker to run the same job again at `at`. */
export type DeliveryResult =
  | { outcome: 'gone' | 'stale' | 'paused' | 'cancelled' | 'succeeded' | 'retry' | 'dead' }
  | { outcome: 'delay'; at: number };

const USER_AGENT = 'Lotse-Webhooks/1';
/** How long a job refused a slot waits at most when no release wakes it. */
const WAIT_FALLBACK_MS = 1000;

/**
 * One attempt of one delivery. PostgreSQL decides: a job whose attempt was already made, or
 * whose delivery ended, does nothing; so a job that runs twice (a worker died, a re-sync queued
 * it again) sends at most one more request, with the same webhook-id.
 */
export class DeliveryEngine {
  constructor(private readonly deps: DeliveryDeps) {}

  async run(job: WebhookJobData): Promise<DeliveryResult> {
    const { hub, clock, config } = this.deps;
    const d = await hub.getRepository(WebhookDeliveryEntity).findOneBy({ id: job.deliveryId });
    if (!d) return { outcome: 'gone' };
    if (d.status !== 'pending' || d.attemptCount + 1 !== job.attempt) return { outcome: 'stale' };
    const endpoint = await hub.getRepository(WebhookEndpointEntity).findOneBy({ id: d.endpointId });
    if (!endpoint) return { outcome: 'gone' };
    if (!endpoint.enabled) {
      // Waits without a timer; enabling the endpoint queues it again.
      await hub.query(
        `UPDATE hub.webhook_delivery SET next_attempt_at = NULL, updated_at = $2 WHERE id = $1 AND status = 'pending'`,
        [d.id, clock.now()],
      );
      return { outcome: 'paused' };
    }
    if (d.nextAttemptAt && d.nextAttemptAt.getTime() > clock.now().getTime() + 50)
      return { outcome: 'delay', at: Date.now() + (d.nextAttemptAt.getTime() - clock.now().getTime()) };
    const cap = endpoint.maxConcurrency ?? config.endpointConcurrency;
    const release = await this.deps.slots.acquire(endpoint.id, cap, webhookJobId(job.deliveryId, job.attempt));
    // At its cap: step aside instead of holding a worker slot. The next release wakes this job;
    // the delay only matters when that wake-up is lost (a worker died mid-request).
    if (!release) return { outcome: 'delay', at: Date.now() + WAIT_FALLBACK_MS + Math.floor(Math.random() * 500) };
    try {
      return await this.attempt(d, endpoint, config);
    } finally {
      await release();
    }
  }

  private async attempt(
    d: WebhookDeliveryEntity,
    endpoint: WebhookEndpointEntity,
    config: WebhookConfig,
  ): Promise<DeliveryResult> {
    const { service, clock } = this.deps;
    // Data protection at send time: no basis now, nothing leaves.
    const basis = await service.basisFor(d);
    if (!basis) {
      await service.cancel(d, 'no_basis', d.id);
      return { outcome: 'cancelled' };
    }
    const person =
      d.personId && basis.policy && isReferralEvent(d.eventType) ? await this.deps.person(d.personId) : null;
    const { body, records } = await buildPayload(d, basis, { person });
    const secrets = await service.signingSecrets(endpoint.id);
    if (!secrets.length) throw new Error(`endpoint ${endpoint.id} has no signing secret`);
    // The reads are in the audit log before the data leaves.
    if (records.length)
      await this.deps.audit.appendNow(
        accessEntries(recipientActor(d.partner, basis.purpose, d.id), records, 'webhook'),
      );
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': d.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, d.id, timestamp, body),
    };
    const at = clock.now();
    const res = await post(new URL(endpoint.url), headers, body, config.timeoutMs, service.urlGuard);
    return this.record(d, endpoint, at, res);
  }

  private async record(
    d: WebhookDeliveryEntity,
    endpoint: WebhookEndpointEntity,
    at: Date,
    res: Awaited<ReturnType<typeof post>>,
  ): Promise<DeliveryResult> {
    const { hub, clock, config, log } = this.deps;
    const n = d.attemptCount + 1;
    const code = res.statusCode;
    let status: 'succeeded' | 'dead' | 'pending';
    let next: Date | null = null;
    if (code !== null && code >= 200 && code < 300) status = 'succeeded';
    else if (code === 410) status = 'dead';
    else {
      const scheduled = retryDelay(config.retryScheduleMs, n - d.retryBase - 1);
      const asked = code === 429 || code === 503 ? parseRetryAfter(res.retryAfter, clock.now()) : undefined;
      if (scheduled === null) status = 'dead';
      else {
        status = 'pending';
        // Retry-After asks for at least that long; the schedule's delay still applies when longer.
        next = new Date(clock.now().getTime() + Math.max(asked ?? 0, scheduled));
      }
    }
    const error =
      code === 410
        ? 'gone: endpoint disabled'
        : code !== null && (code < 200 || code >= 300) && !res.error
          ? `HTTP ${code}`
          : res.error;
    const recorded = await hub.transaction(async (em) => {
      const upd = await em.query(
        `UPDATE hub.webhook_delivery SET attempt_count = $2, status = $3, next_attempt_at = $4, updated_at = $5 WHERE id = $1 AND attempt_count = $6 AND status = 'pending'`,
        [d.id, n, status, next, clock.now(), n - 1],
      );
      if (!upd[1]) return false;
      await em.query(
        `INSERT INTO hub.webhook_attempt (delivery_id, attempt, at, status_code, latency_ms, error) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [d.id, n, at, code, res.latencyMs, error],
      );
      if (code === 410) {
        await em.query(
          `UPDATE hub.webhook_endpoint SET enabled = false, disabled_reason = $2, updated_at = $3 WHERE id = $1`,
          [endpoint.id, `The endpoint answered 410 Gone (delivery ${d.id})`, clock.now()],
        );
      }
      return true;
    });
    const outcome =
      status === 'succeeded'
        ? 'delivered'
        : code === 410
          ? 'gone'
          : status === 'dead'
            ? 'failed_final'
            : 'failed_retry';
    this.deps.metrics.webhookAttempts.inc({ outcome });
    this.deps.metrics.webhookAttemptSeconds.observe({ outcome }, res.latencyMs / 1000);
    // Ids, codes and timings only: the body and the person stay out of the log.
    log.info(
      {
        deliveryId: d.id,
        endpointId: endpoint.id,
        attempt: n,
        statusCode: code,
        latencyMs: res.latencyMs,
        error,
        outcome: status,
      },
      'webhook attempt',
    );
    if (!recorded) return { outcome: 'stale' };
    if (status === 'pending') {
      await this.deps.scheduler.ensure(d.id, n + 1, next!);
      return { outcome: 'retry' };
    }
    return { outcome: status };
  }
}
