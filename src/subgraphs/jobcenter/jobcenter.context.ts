import { Actor } from '../../shared/actor';
import { SubgraphContext } from '../subgraph';
import { loaderMany } from '../shared/loaders';
import { JobcenterRecordService } from './record/record.service';

export interface JobcenterServices {
  records: JobcenterRecordService;
}

export function createJobcenterLoaders(services: JobcenterServices, actor: Actor) {
  return {
    recordsByPerson: loaderMany(
      (ids: readonly string[]) => services.records.byPersons(actor, ids),
      (r) => r.personId,
    ),
  };
}

export type JobcenterContext = SubgraphContext<ReturnType<typeof createJobcenterLoaders>> & {
  services: JobcenterServices;
};
