import { DataSource } from 'typeorm';

export interface AccessReportEntry {
  at: Date;
  partner: string;
  kind: string;
  categories: string[];
  purpose: string | null;
  basis: string | null;
  operation: string | null;
}

export interface AccessReportPageOptions {
  /** Only this partner's entries (a partner reading its own accesses). */
  partner?: string | null;
  since?: Date;
  /** Keyset: rows before this seq. */
  beforeSeq?: number;
  first: number;
}

export interface AccessReportPage<C extends boolean> {
  rows: Array<AccessReportEntry & { seq: number }>;
  /** Matching rows without the page bounds; null unless counted (a count reads every match). */
  totalCount: C extends true ? number : null;
}

/**
 * One page of a person's access report, newest first, looked up by the person's pseudonym. The
 * count is a second pass over every matching row: run only when the caller asks (`totalCount`
 * selected), which is the default for callers that do not say.
 */
export async function readAccessReportPage<C extends boolean = true>(
  ds: DataSource,
  personRef: string,
  opts: AccessReportPageOptions & { count?: C },
): Promise<AccessReportPage<C>> {
  const since = opts.since ? opts.since.toISOString() : null;
  const partner = opts.partner ?? null;
  const match = `person_ref = $1 AND ($2::text IS NULL OR partner = $2) AND ($3::timestamptz IS NULL OR at >= $3::timestamptz)`;
  const rows: Array<AccessReportEntry & { seq: string }> = await ds.query(
    `SELECT e.seq::text AS seq, at, partner, kind, categories, purpose, basis, operation FROM audit.entry e
     WHERE ${match} AND ($4::bigint IS NULL OR e.seq < $4::bigint)
     ORDER BY e.seq DESC LIMIT $5`,
    [personRef, partner, since, opts.beforeSeq === undefined ? null : String(opts.beforeSeq), opts.first],
  );
  let totalCount: number | null = null;
  if (opts.count !== false) {
    const [{ n }]: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM audit.entry WHERE ${match}`, [
      personRef,
      partner,
      since,
    ]);
    totalCount = n;
  }
  return {
    totalCount: totalCount as AccessReportPage<C>['totalCount'],
    rows: rows.map((r) => ({
      seq: Number(r.seq),
      at: r.at,
      partner: r.partner,
      kind: r.kind,
      categories: r.categories,
      purpose: r.purpose,
      basis: r.basis,
      operation: r.operation,
    })),
  };
}
