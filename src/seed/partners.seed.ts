import { applyCityConfig } from '../configuration/configuration.apply';
import { Container } from '../container';
import { systemActor } from '../shared/actor';
import { loadDemoConfig } from './demo-config';

/**
 * The demo city's partners, legal bases, cooperation agreements and retention rules from
 * examples/rheine/city.yaml, through the same apply engine and configuration service as
 * `lotse apply` (validated, audited, one transaction). Safe to run again: what is unchanged is
 * not written; nothing is pruned. Returns the number of demo partners.
 */
export async function seedPartners(container: Container): Promise<number> {
  const parsed = loadDemoConfig();
  await container.rowSecurity.system('seed', () =>
    applyCityConfig(
      container.subgraphs.hub.services.configuration,
      systemActor('seed', 'seed'),
      parsed,
      {},
      container.clock.now(),
    ),
  );
  return parsed.config.partners?.length ?? 0;
}
