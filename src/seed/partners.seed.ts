import { Container } from '../container';
import { DEMO_LEGAL_BASES } from './demo-legal-bases';
import { DEMO_PARTNERS } from './demo-partners';

/** Creates or updates the demo partners, and their legal bases once; safe to run again. */
export async function seedPartners(container: Container): Promise<number> {
  const hub = container.subgraphs.hub.services;
  for (const p of DEMO_PARTNERS) await hub.partners.upsert(p);
  if ((await hub.legalBases.all()).length === 0) {
    for (const basis of DEMO_LEGAL_BASES) await hub.legalBases.add(basis);
  }
  return DEMO_PARTNERS.length;
}
