import { DataSource } from 'typeorm';
import { AuditLog } from '../../../audit/audit.service';
import { Actor, hasScope } from '../../../shared/actor';
import { badInput } from '../../../shared/errors';
import { encodeCursor, isUuid } from '../../../shared/ids';
import { decodeAfter } from '../../shared/connection.cursor';
import { pageSize, toPage } from '../../shared/connection.types';
import { AccessReportConnection, AccessReportCoverage } from './access-report.types';

/** The cursor is the entry's row in the audit log (seq): newest first, stable while rows are appended. */
const seqPart = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/**
 * The access report for a data subject's request (DSGVO Art. 15). The whole report of a person is
 * for the data-protection officer (partner kind data_protection_officer holding audit:read) and
 * for the person's current case owner (hub.case_owner); any other partner reads only the entries
 * of its own accesses, which it knows anyway. Asking is itself audited, with the reason.
 */
export class AccessReportService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async report(
    actor: Actor,
    personId: string,
    opts: { first?: number | null; after?: string | null; since?: Date | null; field: string; count?: boolean },
  ): Promise<AccessReportConnection> {
    if (!isUuid(personId)) throw badInput('personId is not a valid id', 'personId');
    const first = pageSize(opts.first);
    const before = opts.after ? Number(decodeAfter(opts.after, [seqPart])[0]) : undefined;
    const basis = await this.wholeReportBasis(actor, personId);
    const { rows, totalCount } = await this.audit.accessReportPage(personId, {
      partner: basis ? null : actor.partner,
      since: opts.since ?? undefined,
      beforeSeq: before,
      first: first + 1,
      count: opts.count ?? true,
    });
    await this.audit.appendNow([
      {
        kind: 'read',
        partner: actor.partner,
        subject: actor.subject,
        requestId: actor.requestId,
        personId,
        categories: ['case_notes'],
        fields: [opts.field],
        purpose: actor.purpose,
        basis: basis ?? 'own_entries',
        operation: 'accessReport',
      },
    ]);
    const page = toPage(rows, first, opts.after, totalCount, (r) => encodeCursor([r.seq]));
    return {
      ...page,
      edges: page.edges.map(({ cursor, node: { seq: _seq, ...node } }) => ({ cursor, node })),
      coverage: basis ? AccessReportCoverage.all : AccessReportCoverage.own,
    };
  }

  /** Why the actor may read every entry about the person, or null when only its own. */
  private async wholeReportBasis(actor: Actor, personId: string): Promise<string | null> {
    const [row]: Array<{ dpo: boolean; owner: boolean }> = await this.ds.query(
      `SELECT EXISTS (SELECT 1 FROM hub.partner WHERE slug = $2 AND kind = 'data_protection_officer' AND active) AS dpo,
              EXISTS (SELECT 1 FROM hub.case_owner WHERE person_id = $1 AND partner = $2 AND until IS NULL) AS owner`,
      [personId, actor.partner],
    );
    // The token may narrow the officer's scopes: without audit:read it reads its own entries only.
    if (row.dpo && hasScope(actor, 'audit:read')) return 'data_protection_officer';
    if (row.owner) return 'case_owner';
    return null;
  }
}
