import { Container } from '../container';
import { DEMO_LEGAL_BASES } from './demo-legal-bases';
import { DEMO_PARTNERS } from './demo-partners';
import { DEMO_AGREEMENTS } from './demo-agreements';

/** Creates or updates the demo partners, adds missing demo legal bases, and the cooperation agreements once; safe to run again. */
export async function seedPartners(container: Container): Promise<number> {
  const hub = container.subgraphs.hub.services;
  for (const p of DEMO_PARTNERS) await hub.partners.upsert(p);
  // Demo legal bases added since a database was first seeded are added too; existing rows stay as they are.
  const existing = new Set((await hub.legalBases.all()).map(basisKey));
  for (const basis of DEMO_LEGAL_BASES) if (!existing.has(basisKey(basis))) await hub.legalBases.add(basis);
  // The demo cooperation agreements, once (they reference the partners above)
  if ((await hub.agreements.all()).length === 0) {
    for (const agreement of DEMO_AGREEMENTS) await hub.agreements.add(agreement);
  }
  return DEMO_PARTNERS.length;
}

function basisKey(b: {
  recipientPartner: string;
  purpose: string;
  category: string;
  sourcePartner?: string | null;
  whileReferralOpen?: boolean;
}): string {
  return [
    b.recipientPartner,
    b.purpose,
    b.category,
    b.sourcePartner ?? '',
    b.whileReferralOpen ? 'referral' : 'general',
  ].join('|');
}
