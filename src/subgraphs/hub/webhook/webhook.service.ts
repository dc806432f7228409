import { DataSource } from 'typeorm';
import { AuditLog } from '../../../audit/audit.service';
import { entryOf, EventOf, EventType } from '../../../events/event-types';
import { PolicyDecisionPoint } from '../../../policy/policy.service';
import { Actor } from '../../../shared/actor';
import { AppError, badInput, notFound } from '../../../shared/errors';
import { encodeCursor, isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { Page, PageArgs, pageSize, toPage } from '../../shared/connection.types';
import { Recipient, routeEvent } from '../notification/notification.routing';
import { sendBasis } from './webhook.basis';
import {
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
  WebhookSecretEntity,
} from './webhook.entity';
import { DeliveryTimers } from './webhook.queue';
import { SecretBox } from './webhook.secret-box';
import { isMessageId, newMessageId, newSecret, secretHint } from './webhook.signing';
import { CreateWebhookEndpointInput, UpdateWebhookEndpointInput, WebhookDeliveryFilter } from './webhook.types';
import { UrlGuard } from './webhook.url-guard';
import { decodeAfter, timestampPart, uuidPart } from '../../shared/connection.cursor';
import { InputCheck } from '../../shared/validation';
import { checkDescription, checkEventTypes, checkMaxConcurrency } from './webhook.input';

export type EndpointView = WebhookEndpointEntity & {
  secrets: Array<{ id: string; createdAt: Date; expiresAt: Date | null; prefix: string }>;
};
export type DeliveryView = WebhookDeliveryEntity & { attempts: WebhookAttemptEntity[] };

/** What the container builds from configuration and Redis before the hub subgraph. */
export interface WebhookServiceDeps {
  guard: UrlGuard;
  /** Puts delivery attempts on the `webhooks` queue. */
  scheduler: DeliveryTimers;
  secrets: SecretBox;
}

const MAX_ENDPOINTS = 20;
const MAX_OVERLAP_HOURS = 24 * 7;

/**
 * Partners' webhook endpoints and the deliveries to them. Every query is scoped to the actor's
 * partner: another partner's endpoint or delivery does not exist for it (NOT_FOUND).
 */
export class WebhookService {
  /** The configured URL policy, checked at registration and again before every request. */
  private readonly guard: UrlGuard;
  private readonly scheduler: DeliveryTimers;
  /** Signing secrets are sealed at rest (webhook.secret-box.ts). */
  private readonly secretBox: SecretBox;

  constructor(
    private readonly ds: DataSource,
    private readonly pdp: PolicyDecisionPoint,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    deps: WebhookServiceDeps,
  ) {
    this.guard = deps.guard;
    this.scheduler = deps.scheduler;
    this.secretBox = deps.secrets;
  }

  get urlGuard(): UrlGuard {
    return this.guard;
  }

  /** What lets the delivery's partner learn of its event now (null: nothing does). */
  basisFor(d: WebhookDeliveryEntity): ReturnType<typeof sendBasis> {
    return sendBasis(this.pdp, this.ds, d);
  }

  async list(actor: Actor, args: PageArgs): Promise<Page<EndpointView>> {
    requireScope(actor, 'webhooks:manage');
    const first = pageSize(args.first);
    const qb = this.ds
      .getRepository(WebhookEndpointEntity)
      .createQueryBuilder('e')
      .where('e.partner = :me', { me: actor.partner });
    const totalCount = args.count === false ? null : await qb.clone().getCount();
    if (args.after) {
      const [at, id] = decodeAfter(args.after, [timestampPart, uuidPart]);
      qb.andWhere('(e.created_at, e.id) > (:at::timestamptz, :id::uuid)', { at, id });
    }
    const rows = await qb
      .orderBy('e.created_at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .limit(first + 1)
      .getMany();
    const views = await this.withSecrets(rows);
    return toPage(views, first, args.after, totalCount, (e) => encodeCursor([e.createdAt.toISOString(), e.id]));
  }

  async create(actor: Actor, input: CreateWebhookEndpointInput): Promise<{ endpoint: EndpointView; secret: string }> {
    requireScope(actor, 'webhooks:manage');
    // Every refused field in one answer.
    const check = new InputCheck();
    const url = await check.attempt(async () => (await this.guard.check(input.url)).toString());
    const eventTypes = await check.attempt(() => checkEventTypes(input.eventTypes));
    const description = await check.attempt(() => checkDescription(input.description));
    const maxConcurrency = await check.attempt(() => checkMaxConcurrency(input.maxConcurrency));
    check.done();
    const count = await this.ds.getRepository(WebhookEndpointEntity).countBy({ partner: actor.partner });
    if (count >= MAX_ENDPOINTS)
      throw new AppError('CONFLICT', `A partner has at most ${MAX_ENDPOINTS} webhook endpoints`);
    const now = this.clock.now();
    const row: WebhookEndpointEntity = {
      id: newId(),
      partner: actor.partner,
      url: url!,
      description: description ?? null,
      eventTypes: eventTypes!,
      enabled: true,
      disabledReason: null,
      maxConcurrency: maxConcurrency ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const secret = newSecret();
    await this.ds.transaction(async (em) => {
      await em.insert(WebhookEndpointEntity, row);
      await em.insert(WebhookSecretEntity, {
        id: newId(),
        endpointId: row.id,
        secret: this.secretBox.seal(secret),
        createdAt: now,
        expiresAt: null,
      });
    });
    return { endpoint: (await this.withSecrets([row]))[0], secret };
  }

  async update(actor: Actor, id: string, input: UpdateWebhookEndpointInput): Promise<EndpointView> {
    requireScope(actor, 'webhooks:manage');
    const current = await this.own(actor, id, 'id');
    const next: Partial<WebhookEndpointEntity> = { updatedAt: this.clock.now() };
    const check = new InputCheck();
    const { url, eventTypes, description } = input;
    if (url !== undefined && url !== null)
      next.url = await check.attempt(async () => (await this.guard.check(url)).toString());
    if (eventTypes !== undefined && eventTypes !== null)
      next.eventTypes = await check.attempt(() => checkEventTypes(eventTypes));
    if (description !== undefined) next.description = await check.attempt(() => checkDescription(description));
    if (input.maxConcurrency !== undefined)
      next.maxConcurrency = await check.attempt(() => checkMaxConcurrency(input.maxConcurrency));
    check.done();
    const resume = input.enabled === true && !current.enabled;
    if (input.enabled === true) Object.assign(next, { enabled: true, disabledReason: null });
    if (input.enabled === false && current.enabled)
      Object.assign(next, { enabled: false, disabledReason: 'disabled by the partner' });
    await this.ds.getRepository(WebhookEndpointEntity).update({ id }, next);
    if (resume) await this.resumeWaiting(id);
    return (await this.withSecrets([{ ...current, ...next }]))[0];
  }

  async delete(actor: Actor, id: string): Promise<boolean> {
    requireScope(actor, 'webhooks:manage');
    await this.own(actor, id, 'id');
    // Its deliveries and their attempts go with it (ON DELETE CASCADE); queued jobs then find nothing to send.
    await this.ds.getRepository(WebhookEndpointEntity).delete({ id, partner: actor.partner });
    return true;
  }

  /** A new current secret; the old ones keep signing for `overlapHours` so receivers can switch without a gap. */
  async rotate(
    actor: Actor,
    endpointId: string,
    overlapHours = 24,
  ): Promise<{ endpoint: EndpointView; secret: string }> {
    requireScope(actor, 'webhooks:manage');
    if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > MAX_OVERLAP_HOURS)
      throw badInput(`overlapHours must be between 0 and ${MAX_OVERLAP_HOURS}`, 'overlapHours');
    const endpoint = await this.own(actor, endpointId);
    const now = this.clock.now();
    const until = new Date(now.getTime() + overlapHours * 3_600_000);
    const secret = newSecret();
    await this.ds.transaction(async (em) => {
      await em.query('DELETE FROM hub.webhook_secret WHERE endpoint_id = $1 AND expires_at <= $2', [endpointId, now]);
      await em.query(
        'UPDATE hub.webhook_secret SET expires_at = $2 WHERE endpoint_id = $1 AND (expires_at IS NULL OR expires_at > $2)',
        [endpointId, until],
      );
      await em.insert(WebhookSecretEntity, {
        id: newId(),
        endpointId,
        secret: this.secretBox.seal(secret),
        createdAt: now,
        expiresAt: null,
      });
    });
    return { endpoint: (await this.withSecrets([endpoint]))[0], secret };
  }

  /** Secrets that sign a request now, newest first. */
  async signingSecrets(endpointId: string): Promise<string[]> {
    const rows: Array<{ secret: string }> = await this.ds.query(
      'SELECT secret FROM hub.webhook_secret WHERE endpoint_id = $1 AND (expires_at IS NULL OR expires_at > $2) ORDER BY created_at DESC, id',
      [endpointId, this.clock.now()],
    );
    return rows.map((r) => this.secretBox.open(r.secret));
  }

  async deliveries(
    actor: Actor,
    args: PageArgs & { filter?: WebhookDeliveryFilter | null },
  ): Promise<Page<DeliveryView>> {
    requireScope(actor, 'webhooks:manage');
    const first = pageSize(args.first);
    const f = args.filter ?? {};
    const qb = this.ds
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where('d.partner = :me', { me: actor.partner });
    if (f.endpointId) {
      await this.own(actor, f.endpointId);
      qb.andWhere('d.endpoint_id = :ep', { ep: f.endpointId });
    }
    if (f.status) qb.andWhere('d.status = :st', { st: f.status });
    if (f.eventType) qb.andWhere('d.event_type = :et', { et: f.eventType });
    const totalCount = args.count === false ? null : await qb.clone().getCount();
    if (args.after) {
      const [at, id] = decodeAfter(args.after, [timestampPart, (v) => typeof v === 'string' && isMessageId(v)]);
      qb.andWhere('(d.created_at, d.id) < (:at::timestamptz, :id)', { at, id });
    }
    const rows = await qb
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(first + 1)
      .getMany();
    const attempts = rows.length
      ? await this.ds
          .getRepository(WebhookAttemptEntity)
          .createQueryBuilder('a')
          .where('a.delivery_id = ANY(:ids)', { ids: rows.map((r) => r.id) })
          .orderBy('a.attempt', 'ASC')
          .getMany()
      : [];
    const views = rows.map((r) => ({ ...r, attempts: attempts.filter((a) => a.deliveryId === r.id) }));
    return toPage(views, first, args.after, totalCount, (d) => encodeCursor([d.createdAt.toISOString(), d.id]));
  }

  /** Sends a delivery again (same webhook-id), whatever its state, with a fresh retry schedule. */
  async redeliver(actor: Actor, id: string): Promise<DeliveryView> {
    requireScope(actor, 'webhooks:manage');
    const d = isMessageId(id)
      ? await this.ds.getRepository(WebhookDeliveryEntity).findOneBy({ id, partner: actor.partner })
      : null;
    if (!d) throw notFound('WebhookDelivery', id, 'id');
    const endpoint = await this.own(actor, d.endpointId, 'id');
    if (!endpoint.enabled)
      throw new AppError('CONFLICT', 'The endpoint is disabled: enable it first (updateWebhookEndpoint)', {
        endpointId: endpoint.id,
      });
    await this.requeue(`id = $1`, [id]);
    const fresh = await this.ds.getRepository(WebhookDeliveryEntity).findOneByOrFail({ id });
    return { ...fresh, attempts: await this.attemptsOf(id) };
  }

  /** Sends every dead delivery of an endpoint again (same webhook-ids); returns how many. */
  async replayDeadLetters(actor: Actor, endpointId: string): Promise<number> {
    requireScope(actor, 'webhooks:manage');
    const endpoint = await this.own(actor, endpointId);
    if (!endpoint.enabled)
      throw new AppError('CONFLICT', 'The endpoint is disabled: enable it first (updateWebhookEndpoint)', {
        endpointId,
      });
    return this.requeue(`endpoint_id = $1 AND status = 'dead'`, [endpointId]);
  }

  /**
   * Fan-out of one domain event (events worker, after the hub's own handling): one delivery per
   * enabled endpoint subscribed to the public type, unique per endpoint, event and type, so an
   * event processed twice is delivered once.
   */
  async fanOut<T extends EventType>(event: EventOf<T>, source: string, routed?: Recipient[]): Promise<number> {
    const recipients = routed ?? (await routeEvent(this.ds.manager, event));
    if (!recipients.length) return 0;
    // Every recipient's subscribed endpoints in one query, not one per recipient.
    const targets: Array<{ endpoint: string; i: number }> = await this.ds.query(
      `SELECT e.id AS endpoint, r.i FROM jsonb_to_recordset($1::jsonb) AS r(i int, partner text, type text)
         JOIN hub.webhook_endpoint e ON e.partner = r.partner AND e.enabled AND r.type = ANY(e.event_types)
        ORDER BY r.i, e.created_at, e.id`,
      [JSON.stringify(recipients.map((r, i) => ({ i, partner: r.partner, type: r.type })))],
    );
    if (!targets.length) return 0;
    const now = this.clock.now();
    const details = entryOf(event.type).details?.(event.payload) ?? null;
    const rows = targets.map(({ endpoint, i }) => {
      const r = recipients[i];
      return {
        id: newMessageId(now),
        endpoint_id: endpoint,
        partner: r.partner,
        event_type: r.type,
        event_id: r.eventId,
        person_id: r.personId,
        referral_id: r.referralId,
        category: r.category,
        occurred_at: r.occurredAt,
        details,
      };
    });
    // One statement for all of them; unique per endpoint, event and type, so a re-processed event adds none.
    const inserted: Array<{ id: string }> = await this.ds.query(
      `INSERT INTO hub.webhook_delivery (id, endpoint_id, partner, event_type, event_id, event_source, person_id, referral_id, category, occurred_at, details, status, attempt_count, retry_base, next_attempt_at, created_at, updated_at)
       SELECT r.id, r.endpoint_id, r.partner, r.event_type, r.event_id, $2, r.person_id, r.referral_id, r.category, r.occurred_at, r.details, 'pending', 0, 0, $3, $3, $3
         FROM jsonb_to_recordset($1::jsonb) AS r(id text, endpoint_id uuid, partner text, event_type text, event_id uuid, person_id uuid, referral_id uuid, category text, occurred_at timestamptz, details jsonb)
       ON CONFLICT (endpoint_id, event_id, event_type) DO NOTHING RETURNING id`,
      [JSON.stringify(rows), source, now],
    );
    // Queued after the rows are committed, in one round trip; if this fails the re-sync queues them.
    if (inserted.length) await this.scheduler.queueFirst(inserted.map((r) => r.id));
    return inserted.length;
  }

  /**
   * A withdrawn consent: the person's pending deliveries to partners that now lack a basis are
   * cancelled (no_basis) and audited. Those still covered (e.g. by a legal basis) stay.
   */
  async cancelForWithdrawnConsent(event: EventOf<'consent.withdrawn'>): Promise<number> {
    const p = event.payload;
    const pending = await this.ds
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where(`d.status = 'pending'`)
      .andWhere('d.person_id = :pid', { pid: p.personId })
      .andWhere('d.partner = ANY(:r)', { r: p.recipients ?? [] })
      .getMany();
    let cancelled = 0;
    for (const d of pending) {
      if (await sendBasis(this.pdp, this.ds, d)) continue;
      if (await this.cancel(d, 'no_basis', event.id, 'consent_withdrawn')) cancelled++;
    }
    return cancelled;
  }

  /** Ends a pending delivery unsent, with the denial in the audit log (same transaction). */
  async cancel(
    d: WebhookDeliveryEntity,
    reason: string,
    requestId: string,
    trigger = 'send_time_check',
  ): Promise<boolean> {
    return this.ds.transaction(async (em) => {
      const res = await em.query(
        `UPDATE hub.webhook_delivery SET status = 'cancelled', cancel_reason = $2, next_attempt_at = NULL, updated_at = $3 WHERE id = $1 AND status = 'pending'`,
        [d.id, reason, this.clock.now()],
      );
      if (!res[1]) return false;
      if (d.personId) {
        await this.audit.append(em, [
          {
            kind: 'denied',
            partner: d.partner,
            subject: 'webhook',
            requestId,
            personId: d.personId,
            categories: [d.category],
            fields: [],
            purpose: null,
            operation: 'webhook',
            detail: { delivery: d.id, eventType: d.eventType, reason, trigger },
          },
        ]);
      }
      return true;
    });
  }

  private async requeue(where: string, params: unknown[]): Promise<number> {
    const now = this.clock.now();
    const rows = updatedRows(
      await this.ds.query(
        `UPDATE hub.webhook_delivery SET status = 'pending', cancel_reason = NULL, retry_base = attempt_count, next_attempt_at = $${params.length + 1}, updated_at = $${params.length + 1}
       WHERE ${where} RETURNING id, attempt_count`,
        [...params, now],
      ),
    );
    for (const r of rows) await this.scheduler.ensure(r.id, r.attempt_count + 1, now);
    return rows.length;
  }

  /** Deliveries that waited for a disabled endpoint go out once it is enabled again. */
  private async resumeWaiting(endpointId: string): Promise<void> {
    const now = this.clock.now();
    const rows = updatedRows(
      await this.ds.query(
        `UPDATE hub.webhook_delivery SET next_attempt_at = $2, updated_at = $2 WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at IS NULL RETURNING id, attempt_count`,
        [endpointId, now],
      ),
    );
    for (const r of rows) await this.scheduler.ensure(r.id, r.attempt_count + 1, now);
  }

  /** The actor's endpoint `id`; `field` is the argument that named it, for the NOT_FOUND. */
  private async own(actor: Actor, id: string, field = 'endpointId'): Promise<WebhookEndpointEntity> {
    const e = isUuid(id)
      ? await this.ds.getRepository(WebhookEndpointEntity).findOneBy({ id, partner: actor.partner })
      : null;
    if (!e) throw notFound('WebhookEndpoint', id, field);
    return e;
  }

  private attemptsOf(id: string): Promise<WebhookAttemptEntity[]> {
    return this.ds.getRepository(WebhookAttemptEntity).find({ where: { deliveryId: id }, order: { attempt: 'ASC' } });
  }

  private async withSecrets(rows: WebhookEndpointEntity[]): Promise<EndpointView[]> {
    if (!rows.length) return [];
    const secrets = await this.ds
      .getRepository(WebhookSecretEntity)
      .createQueryBuilder('s')
      .where('s.endpoint_id = ANY(:ids)', { ids: rows.map((r) => r.id) })
      .andWhere('(s.expires_at IS NULL OR s.expires_at > :now)', { now: this.clock.now() })
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id')
      .getMany();
    return rows.map((r) => ({
      ...r,
      secrets: secrets
        .filter((s) => s.endpointId === r.id)
        .map((s) => ({
          id: s.id,
          createdAt: s.createdAt,
          expiresAt: s.expiresAt,
          prefix: secretHint(this.secretBox.open(s.secret)),
        })),
    }));
  }
}

/** TypeORM answers an UPDATE … RETURNING with [rows, affected]. */
function updatedRows(result: unknown): Array<{ id: string; attempt_count: number }> {
  return Array.isArray(result) && Array.isArray(result[0])
    ? result[0]
    : (result as Array<{ id: string; attempt_count: number }>);
}
