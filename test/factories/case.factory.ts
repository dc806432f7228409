import { CaseEntity } from '../../src/subgraphs/city/case/case.entity';
import { actorFor, asHub, WithContainer } from './factory.support';
import type { Actor } from '../../src/shared/actor';

/** Opens a case for the person as `who` (its holder) through the service; returns the case in working_alliance. */
export function openCaseFor(
  app: WithContainer,
  who: string | Actor,
  input: { personId: string; workerRef?: string; allianceSignedOn?: string; household?: boolean },
): Promise<CaseEntity> {
  return asHub(app, () =>
    app.container.subgraphs.city.services.cases.open(actorFor(who), {
      workerRef: 'cm-1',
      allianceSignedOn: '2026-01-05',
      ...input,
    }),
  );
}
