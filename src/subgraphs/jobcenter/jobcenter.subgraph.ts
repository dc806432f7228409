import { JobcenterRowSecurity1764500000000 } from './migrations/1764500000000-jobcenter-row-security';
import { JobcenterOutboxTraceContext1765530000001 } from './migrations/1765530000001-jobcenter-outbox-trace-context';
import { DataSource } from 'typeorm';
import { Actor } from '../../shared/actor';
import { OutboxEvent } from '../../events/outbox.entity';
import { buildFederatedSchema } from '../federation';
import { Subgraph, SubgraphDeps } from '../subgraph';
import { createJobcenterLoaders, JobcenterContext, JobcenterServices } from './jobcenter.context';
import { JobcenterInitial1764000000000 } from './migrations/1764000000000-jobcenter-initial';
import { JobcenterPerson } from './person/person.types';
import { JobcenterRecordEntity } from './record/record.entity';
import { JobcenterRecordResolver, PersonJobcenterResolver } from './record/record.resolver';
import { JobcenterRecordService } from './record/record.service';

export const jobcenterEntities = [JobcenterRecordEntity, OutboxEvent];
export const jobcenterMigrations = [
  JobcenterInitial1764000000000,
  JobcenterRowSecurity1764500000000,
  JobcenterOutboxTraceContext1765530000001,
];

export type JobcenterSubgraph = Subgraph & { services: JobcenterServices };

/** Jobcenter (SGB II): customer records and benefit status; extends `Person` with `jobcenter`. */
export async function buildJobcenterSubgraph(ds: DataSource, deps: SubgraphDeps): Promise<JobcenterSubgraph> {
  const services: JobcenterServices = { records: new JobcenterRecordService(ds, deps.outbox, deps.clock, deps.pdp) };
  const { schema, sdl } = await buildFederatedSchema(
    { resolvers: [JobcenterRecordResolver, PersonJobcenterResolver], orphanedTypes: [JobcenterPerson] },
    // No existence check: the city subgraph owns persons, and a stub is all this subgraph needs.
    { Person: (ref: { id: string }) => ({ id: ref.id }) },
  );
  return {
    name: 'jobcenter',
    dataSource: ds,
    schema,
    sdl,
    services,
    createContext: (actor: Actor): JobcenterContext => ({
      actor,
      services,
      loaders: createJobcenterLoaders(services, actor),
      policy: deps.pdp.forRequest(actor),
    }),
  };
}
