import { DataSource } from 'typeorm';
import { OutboxEvent } from '../../../events/outbox.entity';
import { isUuid } from '../../../shared/ids';
import { Clock } from '../../../shared/time';
import { BiographyEntryEntity } from './biography.entity';
import { describeEvent, entryData, eventCategory } from './biography.describe';

export const MAX_BIOGRAPHY = 200;

export class BiographyService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Consumes one domain event; idempotent on the event id. */
  async record(event: OutboxEvent, source: string): Promise<void> {
    if (!event.personId) return;
    await this.ds
      .createQueryBuilder()
      .insert()
      .into(BiographyEntryEntity)
      .values({
        eventId: event.id,
        personId: event.personId,
        source,
        type: event.type,
        summary: describeEvent(event.type, event.payload),
        category: eventCategory(event.type),
        data: entryData(event.payload) as unknown as () => string,
        actorPartner: event.actorPartner,
        occurredAt: event.occurredAt,
        recordedAt: this.clock.now(),
      })
      .orIgnore()
      .execute();
  }

  /** The newest `first` entries of each person, in one query (window function), newest first. */
  async newestFor(personIds: readonly string[], first: number): Promise<BiographyEntryEntity[]> {
    const ids = personIds.filter(isUuid);
    if (!ids.length) return [];
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT * FROM (
         SELECT b.*, row_number() OVER (PARTITION BY b.person_id ORDER BY b.occurred_at DESC, b.event_id DESC) AS rn
         FROM hub.biography_entry b WHERE b.person_id = ANY($1)
       ) t WHERE t.rn <= $2 ORDER BY t.occurred_at DESC, t.event_id DESC`,
      [ids, first],
    );
    return rows.map((r) => ({
      eventId: r.event_id as string,
      personId: r.person_id as string,
      source: r.source as string,
      type: r.type as string,
      summary: r.summary as string,
      category: r.category as string,
      data: r.data as Record<string, unknown>,
      actorPartner: r.actor_partner as string,
      occurredAt: r.occurred_at as Date,
      recordedAt: r.recorded_at as Date,
    }));
  }
}
