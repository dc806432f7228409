import { AuditLog } from '../../../audit/audit.service';
import { Actor } from '../../../shared/actor';
import { badInput } from '../../../shared/errors';
import { isUuid } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { AccessReportEntry } from './access-report.types';

/**
 * The access report for a data subject's request (DSGVO Art. 15). Only for the data-protection
 * officer's role and case owners (scope audit:read); asking is itself audited.
 */
export class AccessReportService {
  constructor(private readonly audit: AuditLog) {}

  async report(
    actor: Actor,
    personId: string,
    opts: { first?: number | null; since?: Date | null },
  ): Promise<AccessReportEntry[]> {
    requireScope(actor, 'audit:read');
    if (!isUuid(personId)) throw badInput('personId is not a valid id', 'personId');
    const first = opts.first ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > 1000)
      throw badInput('first must be between 1 and 1000', 'first');
    const entries = await this.audit.accessReport(personId, { first, since: opts.since ?? undefined });
    await this.audit.appendNow([
      {
        kind: 'read',
        partner: actor.partner,
        subject: actor.subject,
        requestId: actor.requestId,
        personId,
        categories: ['case_notes'],
        fields: ['Query.accessReport'],
        purpose: actor.purpose,
        basis: 'scope:audit:read',
        operation: 'accessReport',
      },
    ]);
    return entries;
  }
}
