import type { TestApp } from '../helpers/app';
import { asHub } from '../factories';
import type { FactKind } from '../../src/subgraphs/hub/indicator/indicator-facts.service';

type Subgraph = 'city' | 'courses' | 'hub';

const TABLE: Record<FactKind, [string, string]> = {
  arrival_visit: ['hub.indicator_arrival_visit', 'visit_id'],
  course: ['hub.indicator_course', 'course_id'],
  enrolment: ['hub.indicator_enrolment', 'enrolment_id'],
  case: ['hub.indicator_case', 'case_id'],
  referral: ['hub.indicator_referral', 'referral_id'],
};

/** One fact row without its refresh time (what a figure reads), or undefined. */
export async function factRow(app: TestApp, kind: FactKind, id: string): Promise<Record<string, unknown> | undefined> {
  const [table, key] = TABLE[kind];
  const [row] = await app.container.subgraphs.hub.dataSource.query(`SELECT * FROM ${table} WHERE ${key} = $1`, [id]);
  if (!row) return undefined;
  return plain(row);
}

/** Every fact row of a kind, by id, without refresh times. */
export async function factRows(app: TestApp, kind: FactKind): Promise<Record<string, Record<string, unknown>>> {
  const [table, key] = TABLE[kind];
  const rows: Array<Record<string, unknown>> = await app.container.subgraphs.hub.dataSource.query(
    `SELECT * FROM ${table} ORDER BY ${key}`,
  );
  return Object.fromEntries(rows.map((r) => [r[key] as string, plain(r)]));
}

/** The outbox rows of a subgraph that `where` selects, oldest first, shaped as forEvent takes them. */
export async function outboxEvents(
  app: TestApp,
  source: Subgraph,
  where: string,
  params: unknown[],
): Promise<Array<{ id: string; type: string; aggregateType: string; aggregateId: string; payload: any }>> {
  const rows: any[] = await app.container.subgraphs[source].dataSource.query(
    `SELECT id, type, aggregate_type, aggregate_id, payload FROM "${source}".outbox WHERE ${where} ORDER BY occurred_at, id`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    payload: r.payload,
  }));
}

/** Feeds events to the facts as the events worker does (inside a system context). */
export async function feed(
  app: TestApp,
  events: Array<Parameters<TestApp['container']['subgraphs']['hub']['services']['indicatorFacts']['forEvent']>[0]>,
) {
  const facts = app.container.subgraphs.hub.services.indicatorFacts;
  await app.container.rowSecurity.system('queue:events', async () => {
    for (const e of events) await facts.forEvent(e);
  });
}

/** SQL on a subgraph's tables as the hub (setup and checks). */
export const sqlAs = (app: TestApp, source: Subgraph, query: string, params: unknown[] = []) =>
  asHub(app, () => app.container.subgraphs[source].dataSource.query(query, params));

/** The day of an instant in Europe/Berlin (YYYY-MM-DD). */
export const berlinDay = (t: Date): string =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(t);

/** Without the refresh time, days (date columns) as YYYY-MM-DD. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  const { refreshed_at: _, ...rest } = row;
  for (const [k, v] of Object.entries(rest))
    if (k.endsWith('_on') && v instanceof Date) rest[k] = v.toISOString().slice(0, 10);
  return rest;
}
