import { AuditEntryInput } from '../../../audit/audit.service';
import { Actor } from '../../../shared/actor';

export type Entity = 'partner' | 'legal_basis' | 'cooperation_agreement' | 'retention_rule';

/**
 * What the audit entry keeps of a row. Configuration is not personal data, with one exception a
 * city cannot rule out: a partner's contact is meant to be a function mailbox, but a small
 * organisation's may name a person. It is recorded only as which of its parts are set, never their
 * values; `changed` still says when it changed. `createdAt` is left out (the entry has its own time).
 */
function view(row: object | null): Record<string, unknown> | null {
  if (!row) return null;
  const { createdAt: _c, contact, ...rest } = row as Record<string, unknown>;
  if (!('contact' in row)) return rest;
  const c = (contact ?? null) as Record<string, unknown> | null;
  return { ...rest, contact: c ? { name: !!c.name, email: !!c.email, phone: !!c.phone } : null };
}

/** One audit entry (kind `configuration`) for one change of the configuration: the row before and after. */
export function configurationAudit(
  actor: Actor,
  operation: string,
  entity: Entity,
  key: string,
  before: object | null,
  after: object | null,
  changed: string[],
): AuditEntryInput {
  return {
    kind: 'configuration',
    partner: actor.partner,
    subject: actor.subject,
    requestId: actor.requestId,
    purpose: actor.purpose,
    operation,
    fields: changed,
    detail: {
      entity,
      key,
      action: !before ? 'created' : !after ? 'removed' : 'updated',
      before: view(before),
      after: view(after),
    },
  };
}
