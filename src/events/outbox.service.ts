import { DataSource, EntityManager } from 'typeorm';
import { Actor, systemSubject } from '../shared/actor';
import { newId } from '../shared/ids';
import { RowSecurityContext } from '../shared/row-security';
import { Clock } from '../shared/time';
import { noTracing, Tracing } from '../shared/tracing';
import { AuditLog } from '../audit/audit.service';
import { OUTBOX_CHANNEL } from './outbox.listener';
import { OutboxEvent } from './outbox.entity';
import { DomainEvent, EVENT_CATEGORY, EventType } from './event-types';

/**
 * Appends domain events inside the caller's transaction: the state change, its event and the
 * audit entry of the write commit together or not at all. Every state change passes here, so
 * this is the one place writes of personal data are audited; the audit log is therefore a
 * required argument, as is the row-security context that names background work in it.
 */
export class Outbox {
  constructor(
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly rowSecurity: RowSecurityContext,
    private readonly tracing: Tracing = noTracing(),
  ) {}

  /**
   * `occurredAt` only for records of the past loaded as they happened (the demo data's history):
   * their events carry the day the live path would have written them, so whatever derives from the
   * history (deadlines, biographies, indicators) sees it then.
   */
  async append<T extends EventType>(
    em: EntityManager,
    actor: Actor,
    event: DomainEvent<T>,
    opts: { occurredAt?: Date } = {},
  ): Promise<string> {
    if (!em.queryRunner?.isTransactionActive) throw new Error('Outbox.append must run inside a transaction');
    const id = newId();
    const table = em.connection.getMetadata(OutboxEvent);
    const attributes = {
      'lotse.event.id': id,
      'lotse.event.type': event.type,
      'lotse.event.source': table.schema ?? '',
      'lotse.aggregate.type': event.aggregateType,
      // A person's own id stays out of traces (the audit log keeps it only as a pseudonym).
      ...(event.aggregateId !== event.personId ? { 'lotse.aggregate.id': event.aggregateId } : {}),
    };
    await this.tracing.span('outbox.append', { attributes }, () =>
      this.insert(em, id, event, actor, table.schema, opts),
    );
    if (event.personId) {
      // Appended right before the transaction commits (with any other of its writes' entries):
      // the chain lock is not held across the rest of the caller's work.
      this.audit.appendAtCommit(em, [
        {
          kind: 'write',
          partner: actor.partner,
          subject: this.subjectOf(actor),
          requestId: actor.requestId,
          personId: event.personId,
          categories: [EVENT_CATEGORY[event.type]],
          purpose: actor.purpose,
          detail: { event: event.type, eventId: id, aggregate: event.aggregateType },
        },
      ]);
    }
    return id;
  }

  /**
   * Raw SQL: the jsonb payload goes in as JSON, typed by DomainEvent (TypeORM's insert types know no
   * jsonb). The same statement notifies the relay (in any process); PostgreSQL delivers it at
   * commit, never for a rolled-back transaction. The row keeps the trace context of its append
   * (null while tracing is off): the relay and the worker continue the trace from it.
   */
  private async insert(
    em: EntityManager,
    id: string,
    event: DomainEvent,
    actor: Actor,
    schema: string | undefined,
    opts: { occurredAt?: Date },
  ): Promise<void> {
    await em.query(
      `WITH appended AS (
         INSERT INTO "${schema}"."outbox" (id, type, person_id, aggregate_type, aggregate_id, payload, actor_partner, occurred_at, trace_context)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10) RETURNING id)
       SELECT pg_notify('${OUTBOX_CHANNEL}', $9) FROM appended`,
      [
        id,
        event.type,
        event.personId,
        event.aggregateType,
        event.aggregateId,
        JSON.stringify(event.payload),
        actor.partner,
        opts.occurredAt ?? this.clock.now(),
        schema,
        this.tracing.traceparent() ?? null,
      ],
    );
  }

  /** The hub's own writes name the system context they ran in (`system:retention`, `system:queue:events`, …). */
  private subjectOf(actor: Actor): string {
    if (actor.partner !== 'lotse' || actor.subject !== 'system') return actor.subject;
    return systemSubject(this.rowSecurity.systemName());
  }
}

/** Read and acknowledge events of one subgraph's outbox (used by the relay and the event worker). */
export class OutboxStore {
  constructor(
    readonly source: string,
    private readonly ds: DataSource,
  ) {}

  get(eventId: string): Promise<OutboxEvent | null> {
    return this.ds.getRepository(OutboxEvent).findOneBy({ id: eventId });
  }

  async ack(eventId: string): Promise<void> {
    await this.ds.query(`UPDATE "${this.source}".outbox SET acked_at = now() WHERE id = $1 AND acked_at IS NULL`, [
      eventId,
    ]);
  }

  /**
   * Claims up to `limit` events that were never published, or published longer ago than
   * `redeliverAfterMs` without an acknowledgement, and hands them to `publish` in one transaction.
   * SKIP LOCKED lets several relays run side by side.
   */
  async publishPending(
    limit: number,
    redeliverAfterMs: number,
    publish: (rows: OutboxEvent[]) => Promise<void>,
  ): Promise<number> {
    return this.ds.transaction(async (em) => {
      const rows: OutboxEvent[] = await em
        .getRepository(OutboxEvent)
        .createQueryBuilder('e')
        .where('e.acked_at IS NULL')
        .andWhere(`(e.published_at IS NULL OR e.published_at < now() - make_interval(secs => :secs))`, {
          secs: redeliverAfterMs / 1000,
        })
        .orderBy('e.occurred_at', 'ASC')
        .addOrderBy('e.id', 'ASC')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (rows.length === 0) return 0;
      await publish(rows);
      await em.query(`UPDATE "${this.source}".outbox SET published_at = now() WHERE id = ANY($1)`, [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }
}
