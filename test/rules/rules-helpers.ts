import { Clock } from '../../src/shared/time';
import { eventually, TestApp } from '../helpers/app';
import { eventHandled } from '../helpers/wait';

/** Real time moved by `offset` ms: BullMQ's delays keep running, the hub sees a later day. */
export const movableClock = () => {
  const clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };
  return clock satisfies Clock & { offset: number };
};

export const today = (clock: Clock) => clock.now().toISOString().slice(0, 10);

type Source = 'city' | 'jobcenter' | 'courses' | 'hub';

export const hubQuery = (app: TestApp, sql: string, params: unknown[] = []): Promise<any[]> =>
  app.container.subgraphs.hub.dataSource.query(sql, params);

/** The newest outbox event of a type about a person. */
export async function eventId(app: TestApp, source: Source, type: string, personId: string): Promise<string> {
  const [row] = await app.container.subgraphs[source].dataSource.query(
    `SELECT id FROM "${source}".outbox WHERE type = $1 AND person_id = $2 ORDER BY occurred_at DESC, id LIMIT 1`,
    [type, personId],
  );
  if (!row) throw new Error(`no ${type} event for ${personId} in ${source}`);
  return row.id;
}

/** Waits until the events worker acknowledged an event (every consumer, the rules included, ran). */
export async function processed(app: TestApp, source: Source, id: string): Promise<void> {
  await eventHandled(app, source, id);
}

/** Delivers an already handled event once more, as Redis redelivery would: the job is gone, the row unacknowledged. */
export async function replay(app: TestApp, source: Source, id: string): Promise<void> {
  // The worker acknowledges the row inside the job, so the job may still be active (locked, not
  // removable) for a moment after the ack; a job left behind would swallow the re-publish as a duplicate.
  await eventually(async () => {
    await app.container.queues.events.remove(id);
    return (await app.container.queues.events.getJobState(id)) === 'unknown';
  });
  await app.container.subgraphs[source].dataSource.query(
    `UPDATE "${source}".outbox SET acked_at = NULL, published_at = NULL WHERE id = $1`,
    [id],
  );
  await processed(app, source, id);
}

export async function ruleCheck(app: TestApp, rule: string, personId: string): Promise<any> {
  return (await hubQuery(app, `SELECT * FROM hub.rule_check WHERE rule = $1 AND person_id = $2`, [rule, personId]))[0];
}

export async function referralsOf(app: TestApp, personId: string): Promise<any[]> {
  return hubQuery(
    app,
    `SELECT id, kind, sender, receiver, purpose, referral_type, status FROM hub.referral WHERE person_id = $1 ORDER BY created_at`,
    [personId],
  );
}

export async function hubEvents(app: TestApp, type: string, personId: string): Promise<any[]> {
  return (
    await hubQuery(app, `SELECT payload FROM hub.outbox WHERE type = $1 AND person_id = $2 ORDER BY occurred_at`, [
      type,
      personId,
    ])
  ).map((r) => r.payload);
}

/** The person's biography as a partner sees it (entries of categories it may not see are left out). */
export async function biography(
  app: TestApp,
  partner: string,
  personId: string,
  purpose?: string,
): Promise<Array<{ type: string; summary: string; actor: string }>> {
  const res = await app.gql(
    partner,
    `query($id: ID!) { person(id: $id) { biography(first: 100) { type summary actor } } }`,
    { id: personId },
    { purpose },
  );
  return res.body.data?.person?.biography ?? [];
}
