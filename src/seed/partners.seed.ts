import { Container } from '../container';
import { DEMO_PARTNERS } from './demo-partners';

/** Creates or updates the demo partners; safe to run again. */
export async function seedPartners(container: Container): Promise<number> {
  for (const p of DEMO_PARTNERS) await container.subgraphs.hub.services.partners.upsert(p);
  return DEMO_PARTNERS.length;
}
