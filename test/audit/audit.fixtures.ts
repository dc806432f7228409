import crypto from 'node:crypto';
import { AuditEntryInput } from '../../src/audit/audit.service';

/** A valid read entry with a fresh request id; `over` replaces any field. */
export const auditEntry = (over: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  kind: 'read',
  partner: 'rheine-social',
  subject: 'case-worker-1',
  requestId: crypto.randomUUID(),
  categories: ['identity'],
  fields: ['Person.givenName'],
  purpose: 'integration_management',
  basis: 'case_owner',
  operation: 'PersonView',
  ...over,
});
