import { DataSource } from 'typeorm';
import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/time';
import { Outbox } from '../../events/outbox.service';
import { OutboxEvent } from '../../events/outbox.entity';
import { buildFederatedSchema } from '../federation';
import { Subgraph } from '../subgraph';
import { BiographyEntryEntity } from './biography/biography.entity';
import { BiographyResolver } from './biography/biography.resolver';
import { BiographyService } from './biography/biography.service';
import { createHubLoaders, HubContext, HubServices } from './hub.context';
import { HubPerson } from './hub.person';
import { PersonIdentifierEntity } from './identifier/identifier.entity';
import { PersonIdentifierResolver } from './identifier/identifier.resolver';
import { IdentifierService } from './identifier/identifier.service';
import { HubInitial1764000000000 } from './migrations/1764000000000-hub-initial';
import { PartnerEntity } from './partner/partner.entity';
import { PartnerResolver } from './partner/partner.resolver';
import { PartnerService } from './partner/partner.service';

export const hubEntities = [PartnerEntity, PersonIdentifierEntity, BiographyEntryEntity, OutboxEvent];
export const hubMigrations = [HubInitial1764000000000];

export type HubSubgraph = Subgraph & { services: HubServices };

/** Hub: partners, agency identifiers, the integration biography (later: consent, referrals, webhooks). */
export async function buildHubSubgraph(ds: DataSource, deps: { clock: Clock; outbox: Outbox }): Promise<HubSubgraph> {
  const services: HubServices = {
    partners: new PartnerService(ds, deps.clock),
    identifiers: new IdentifierService(ds, deps.outbox, deps.clock),
    biography: new BiographyService(ds, deps.clock),
  };
  const { schema, sdl } = await buildFederatedSchema(
    { resolvers: [PartnerResolver, PersonIdentifierResolver, BiographyResolver], orphanedTypes: [HubPerson] },
    { Person: (ref: { id: string }) => ({ id: ref.id }) },
  );
  return {
    name: 'hub',
    dataSource: ds,
    schema,
    sdl,
    services,
    createContext: (actor: Actor): HubContext => ({ actor, services, loaders: createHubLoaders(services, actor) }),
  };
}
