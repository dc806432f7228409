import { DataSource, EntityManager } from 'typeorm';
import { entryOf, EVENT_TYPES, EventOf, EventType } from '../../../events/event-types';
import { isUuid } from '../../../shared/ids';
import { Clock } from '../../../shared/time';
import { BiographyEntryEntity } from './biography.entity';
import { entryData } from './biography.describe';

export const MAX_BIOGRAPHY = 200;

/** The referral an entry is a step of, and the person's current case owners: who may see such an entry. */
export interface EntryParties {
  referral: { id: string; sender: string; receiver: string; purpose: string } | null;
  caseOwners: string[];
}
export type BiographyRow = BiographyEntryEntity & { parties: EntryParties | null };

/** Entry types shown to a referral's parties rather than by category (the catalogue's `visibility`). */
const REFERRAL_BOUND: string[] = EVENT_TYPES.filter((t) => entryOf(t).visibility === 'referral');

export class BiographyService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Consumes one domain event; idempotent on the event id. With `em`, inside the caller's transaction. */
  async record<T extends EventType>(event: EventOf<T>, source: string, em?: EntityManager): Promise<void> {
    if (!event.personId) return;
    const entry = entryOf(event.type);
    await (em ?? this.ds.manager).query(
      `INSERT INTO hub.biography_entry
         (event_id, person_id, source, type, summary, category, data, actor_partner, occurred_at, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id) DO NOTHING`,
      [
        event.id,
        event.personId,
        source,
        event.type,
        entry.summary(event.payload),
        entry.category,
        JSON.stringify(entryData(event.payload)),
        event.actorPartner,
        event.occurredAt,
        this.clock.now(),
      ],
    );
  }

  /**
   * A confirmed duplicate: the merged record's entries become the kept person's, unchanged (their
   * event ids, times and summaries); the merge entry names the merged id. Idempotent.
   */
  async repointIn(em: EntityManager, fromPersonId: string, toPersonId: string): Promise<void> {
    await em.query('UPDATE hub.biography_entry SET person_id = $2 WHERE person_id = $1', [fromPersonId, toPersonId]);
  }

  /**
   * The newest `first` entries of each person, in one query (window function), newest first. An
   * entry bound to a referral comes with the referral's parties and purpose and the person's case
   * owners (joined in the same query: no query per entry or person).
   */
  async newestFor(personIds: readonly string[], first: number): Promise<BiographyRow[]> {
    const ids = personIds.filter(isUuid);
    if (!ids.length) return [];
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT t.*, r.id AS ref_id, r.sender AS ref_sender, r.receiver AS ref_receiver, r.purpose AS ref_purpose,
              CASE WHEN t.type = ANY($3) THEN ARRAY(
                SELECT c.partner FROM hub.case_owner c
                 WHERE c.person_id = t.person_id AND c.until IS NULL ORDER BY c.partner
              ) END AS case_owners
         FROM (
           SELECT b.*, row_number() OVER (PARTITION BY b.person_id ORDER BY b.occurred_at DESC, b.event_id DESC) AS rn
             FROM hub.biography_entry b WHERE b.person_id = ANY($1)
         ) t
         LEFT JOIN hub.referral r ON r.id = CASE WHEN t.type = ANY($3) THEN (t.data->>'referralId')::uuid END
        WHERE t.rn <= $2 ORDER BY t.occurred_at DESC, t.event_id DESC`,
      [ids, first, REFERRAL_BOUND],
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
      parties: REFERRAL_BOUND.includes(r.type as string)
        ? {
            referral: r.ref_id
              ? {
                  id: r.ref_id as string,
                  sender: r.ref_sender as string,
                  receiver: r.ref_receiver as string,
                  purpose: r.ref_purpose as string,
                }
              : null,
            caseOwners: (r.case_owners as string[] | null) ?? [],
          }
        : null,
    }));
  }
}
