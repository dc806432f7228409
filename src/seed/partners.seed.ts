import { Container } from '../container';
import { DEMO_LEGAL_BASES } from './demo-legal-bases';
import { DEMO_PARTNERS } from './demo-partners';
import { DEMO_AGREEMENTS } from './demo-agreements';

/** Creates or updates the demo partners, and their legal bases and cooperation agreements once; safe to run again. */
export async function seedPartners(container: Container): Promise<number> {
  const hub = container.subgraphs.hub.services;
  for (const p of DEMO_PARTNERS) await hub.partners.upsert(p);
  if ((await hub.legalBases.all()).length === 0) {
    for (const basis of DEMO_LEGAL_BASES) await hub.legalBases.add(basis);
  }
  // agreements: the demo cooperation agreements, once (they reference the partners above)
  if ((await hub.agreements.all()).length === 0) {
    for (const agreement of DEMO_AGREEMENTS) await hub.agreements.add(agreement);
  }
  return DEMO_PARTNERS.length;
}
