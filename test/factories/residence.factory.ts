import type { Actor } from '../../src/shared/actor';
import type { ResidenceStatusEntity } from '../../src/subgraphs/city/residence/residence.entity';
import { RecordResidenceStatusInput, ResidenceStatusCode } from '../../src/subgraphs/city/residence/residence.types';
import type { JobcenterRecordEntity } from '../../src/subgraphs/jobcenter/record/record.entity';
import type { OpenJobcenterRecordInput } from '../../src/subgraphs/jobcenter/record/record.types';
import { actorFor, ForPerson, nextNumber, WithContainer, asHub } from './factory.support';
import { RHEINE } from './person.factory';

/** A residence status to record: recognised as a refugee since 2024-01-01, unless overridden. */
export const residenceInput = (input: ForPerson<RecordResidenceStatusInput>): RecordResidenceStatusInput => ({
  status: ResidenceStatusCode.recognised_refugee,
  validFrom: '2024-01-01',
  ...input,
});

/** Records a residence status through the city's service, as `who` (usually the immigration office). */
export function recordResidence(
  app: WithContainer,
  who: string | Actor,
  input: ForPerson<RecordResidenceStatusInput>,
): Promise<ResidenceStatusEntity> {
  return asHub(app, () => app.container.subgraphs.city.services.residence.record(actorFor(who), residenceInput(input)));
}

/** A jobcenter record to open: a unique customer number (three digits, a letter, six digits) in Rheine. */
export const jobcenterRecordInput = (input: ForPerson<OpenJobcenterRecordInput>): OpenJobcenterRecordInput => ({
  customerNumber: `845D${900000 + nextNumber()}`,
  municipalityKey: RHEINE,
  startedOn: '2024-02-01',
  ...input,
});

/** Opens a jobcenter record through the jobcenter's service, as `who` (usually jobcenter-steinfurt). */
export function openJobcenterRecord(
  app: WithContainer,
  who: string | Actor,
  input: ForPerson<OpenJobcenterRecordInput>,
): Promise<JobcenterRecordEntity> {
  return asHub(app, () =>
    app.container.subgraphs.jobcenter.services.records.open(actorFor(who), jobcenterRecordInput(input)),
  );
}
