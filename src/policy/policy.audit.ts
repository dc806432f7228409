import { AuditEntryInput } from '../audit/audit.service';
import { AuditLog } from '../audit/audit.service';
import { Actor } from '../shared/actor';
import { AccessRecord, RequestPolicy } from './policy.service';

/**
 * Reads are audited per request, not per field: one entry per person, kind and basis, listing
 * the categories and fields involved.
 */
export function accessEntries(actor: Actor, records: AccessRecord[], operation: string | null): AuditEntryInput[] {
  const groups = new Map<
    string,
    { kind: AccessRecord['kind']; personId: string; basis: string | null; categories: Set<string>; fields: Set<string> }
  >();
  for (const r of records) {
    const key = `${r.kind}|${r.personId}|${r.basis ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = { kind: r.kind, personId: r.personId, basis: r.basis, categories: new Set(), fields: new Set() };
      groups.set(key, g);
    }
    g.categories.add(r.category);
    g.fields.add(r.field);
  }
  return [...groups.values()].map((g) => ({
    kind: g.kind,
    partner: actor.partner,
    subject: actor.subject,
    requestId: actor.requestId,
    personId: g.personId,
    categories: [...g.categories].sort(),
    fields: [...g.fields].sort(),
    purpose: actor.purpose,
    basis: g.basis,
    operation,
  }));
}

/** Writes what a subgraph call read or was denied; data leaves only once this succeeded. */
export async function flushAccess(audit: AuditLog, policy: RequestPolicy, operation: string | null): Promise<void> {
  const records = policy.drain();
  if (records.length) await audit.appendNow(accessEntries(policy.actor, records, operation));
}
