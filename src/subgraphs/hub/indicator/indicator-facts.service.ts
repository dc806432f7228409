import { DataSource } from 'typeorm';
import { isUuid } from '../../../shared/ids';
import { Clock } from '../../../shared/time';
import { IndicatorSources } from './indicator.ports';
import { referralFactRows } from './indicator-facts.referral';

export const FACT_KINDS = ['arrival_visit', 'course', 'enrolment', 'case', 'referral'] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/** Each fact table and its key column. */
const TABLES: Record<FactKind, { table: string; key: string }> = {
  arrival_visit: { table: 'hub.indicator_arrival_visit', key: 'visit_id' },
  course: { table: 'hub.indicator_course', key: 'course_id' },
  enrolment: { table: 'hub.indicator_enrolment', key: 'enrolment_id' },
  case: { table: 'hub.indicator_case', key: 'case_id' },
  referral: { table: 'hub.indicator_referral', key: 'referral_id' },
};

/** What forEvent needs of an outbox row (any subgraph's). */
export interface FactEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

export type FactRefresh = 'upserted' | 'deleted';
export type RebuildCounts = Record<FactKind, { upserted: number; deleted: number }>;
export type RebuildProgress = (kind: FactKind, done: number) => void;

/** Ids per page of a rebuild: short reads, and progress now and then. */
const REBUILD_PAGE = 500;

/**
 * The indicator facts (docs/indicators.md#facts): one row per arrival visit, course, enrolment,
 * case and referral, reduced to codes, days and counts, which the indicators aggregate. A row is
 * always recomputed from its source record as it is now, never patched from an event's payload:
 * so refreshing is idempotent, events may come twice or in any order, and a record that is gone
 * (erased by retention) takes its row with it. Visits, cases, courses and enrolments come from
 * their owners through IndicatorSources; referrals from the hub's own tables.
 */
export class IndicatorFacts {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly sources: IndicatorSources,
  ) {}

  /** Upserts the fact of one record from its source, or deletes it when the record is gone. */
  async refresh(kind: FactKind, id: string): Promise<FactRefresh> {
    return (await this.refreshMany(kind, [id])).upserted ? 'upserted' : 'deleted';
  }

  /** refresh() for many records of one kind at once: one read per source, one upsert, one delete. */
  async refreshMany(kind: FactKind, ids: readonly string[]): Promise<{ upserted: number; deleted: number }> {
    const wanted = [...new Set(ids.filter(isUuid))];
    if (!wanted.length) return { upserted: 0, deleted: 0 };
    const rows = await this.rows(kind, wanted);
    const { table, key } = TABLES[kind];
    if (rows.length) {
      const at = this.clock.now();
      const cols = [...Object.keys(rows[0]), 'refreshed_at'];
      const values = rows.flatMap((row) => [...cols.slice(0, -1).map((c) => row[c]), at]);
      const tuples = rows.map((_, r) => `(${cols.map((_c, i) => `$${r * cols.length + i + 1}`).join(', ')})`);
      await this.ds.query(
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (${key}) DO UPDATE SET ${cols
           .filter((c) => c !== key)
           .map((c) => `${c} = EXCLUDED.${c}`)
           .join(', ')}`,
        values,
      );
    }
    const found = new Set(rows.map((r) => r[key] as string));
    const gone = wanted.filter((id) => !found.has(id));
    if (gone.length) await this.ds.query(`DELETE FROM ${table} WHERE ${key} = ANY($1::uuid[])`, [gone]);
    return { upserted: rows.length, deleted: gone.length };
  }

  /** The facts an event changes, refreshed; returns them (kind and id). */
  async forEvent(event: FactEvent): Promise<Array<{ kind: FactKind; id: string }>> {
    const touched = await this.touchedBy(event);
    for (const kind of FACT_KINDS) {
      const ids = touched.filter((t) => t.kind === kind).map((t) => t.id);
      if (ids.length) await this.refreshMany(kind, ids);
    }
    return touched;
  }

  /** After retention erased records of a type: their facts go too (refresh finds them gone). */
  async forErased(recordType: string, ids: readonly string[]): Promise<void> {
    const kind: FactKind | null =
      recordType === 'case' ? 'case' : recordType === 'arrival_visit' ? 'arrival_visit' : null;
    if (kind) await this.refreshMany(kind, ids);
  }

  /**
   * Recomputes every fact from the sources, page by page (a first deployment, a changed
   * definition, data loaded without events), and deletes the rows whose record is gone.
   */
  async rebuild(onProgress?: RebuildProgress): Promise<RebuildCounts> {
    const counts = {} as RebuildCounts;
    for (const kind of FACT_KINDS) {
      const { table, key } = TABLES[kind];
      let seen = 0;
      let upserted = 0;
      let deleted = 0;
      let after: string | null = null;
      for (;;) {
        const ids = await this.ids(kind, after, REBUILD_PAGE);
        const done = await this.refreshMany(kind, ids);
        upserted += done.upserted;
        deleted += done.deleted;
        seen += ids.length;
        // The sources page in id order: rows in this page's id range without a record are gone.
        // Per page, so memory stays flat however many records there are.
        const last: string | null = ids.length < REBUILD_PAGE ? null : ids[ids.length - 1];
        const [gone]: Array<{ n: number }> = await this.ds.query(
          `WITH d AS (DELETE FROM ${table}
             WHERE ($1::uuid IS NULL OR ${key} > $1) AND ($2::uuid IS NULL OR ${key} <= $2) AND NOT (${key} = ANY($3::uuid[]))
             RETURNING 1)
           SELECT count(*)::int AS n FROM d`,
          [after, last, ids],
        );
        deleted += gone.n;
        onProgress?.(kind, seen);
        if (last === null) break;
        after = last;
      }
      counts[kind] = { upserted, deleted };
    }
    return counts;
  }

  private async touchedBy(e: FactEvent): Promise<Array<{ kind: FactKind; id: string }>> {
    const p = e.payload ?? {};
    const str = (v: unknown): string | null => (typeof v === 'string' && isUuid(v) ? v : null);
    const out: Array<{ kind: FactKind; id: string }> = [];
    const add = (kind: FactKind, id: string | null) => {
      if (id && !out.some((o) => o.kind === kind && o.id === id)) out.push({ kind, id });
    };
    if (e.type.startsWith('arrival.')) {
      add('arrival_visit', str(p.visitId) ?? (e.aggregateType === 'ArrivalVisit' ? str(e.aggregateId) : null));
    } else if (e.type.startsWith('case.')) {
      add('case', str(p.caseId));
    } else if (e.type === 'courses.course_created') {
      add('course', str(p.courseId) ?? str(e.aggregateId));
    } else if (e.type.startsWith('enrolment.')) {
      add('enrolment', str(p.enrolmentId) ?? str(e.aggregateId));
      // Courses have no events of their own after creation; their enrolments' steps bring them up to date.
      add('course', str(p.courseId));
    } else if (e.type.startsWith('referral.') || e.type.startsWith('handover.')) {
      // A draft has no fact, and the step that ends it (sent, cancelled) refreshes it: a draft step changes nothing.
      if (!(e.type === 'referral.status_changed' && p.to === 'draft')) add('referral', str(p.referralId));
    } else if (e.type === 'person.moved') {
      // The municipality of a person's visits, cases and referrals is where the person lives now.
      const personId = str(p.personId);
      if (personId) {
        for (const id of await this.sources.visits.ofPerson(personId)) add('arrival_visit', id);
        const cases: Array<{ id: string }> = await this.ds.query(
          `SELECT case_id AS id FROM hub.indicator_case WHERE person_id = $1`,
          [personId],
        );
        for (const c of cases) add('case', c.id);
        const refs: Array<{ id: string }> = await this.ds.query(`SELECT id FROM hub.referral WHERE person_id = $1`, [
          personId,
        ]);
        for (const r of refs) add('referral', r.id);
      }
    }
    return out;
  }

  private async ids(kind: FactKind, after: string | null, limit: number): Promise<string[]> {
    if (kind === 'referral') {
      const rows: Array<{ id: string }> = await this.ds.query(
        `SELECT id FROM hub.referral WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2`,
        [after, limit],
      );
      return rows.map((r) => r.id);
    }
    return this.source(kind).ids(after, limit);
  }

  private source(kind: Exclude<FactKind, 'referral'>) {
    const s = this.sources;
    return { arrival_visit: s.visits, course: s.courses, enrolment: s.enrolments, case: s.cases }[kind];
  }

  /** The fact rows of records as column → value; records gone are left out. */
  private async rows(kind: FactKind, ids: string[]): Promise<Array<Record<string, unknown>>> {
    if (kind === 'referral')
      return referralFactRows(this.ds, ids, this.clock.now(), (personIds) => this.sources.municipalitiesOf(personIds));
    const facts = await this.source(kind).facts(ids);
    return facts.map((f) => snakeCase(f as unknown as Record<string, unknown>));
  }
}

/** The ports speak camelCase, the tables snake_case (the names match otherwise). */
function snakeCase(o: Record<string, unknown>): Record<string, unknown> {
  const key = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [key(k), v]));
}
