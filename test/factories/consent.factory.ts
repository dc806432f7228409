import type { Actor } from '../../src/shared/actor';
import type { ConsentEntity } from '../../src/subgraphs/hub/consent/consent.entity';
import type { RecordConsentInput } from '../../src/subgraphs/hub/consent/consent.types';
import { actorFor, ForPerson, mutate, nextNumber, WithContainer, WithGql, asHub } from './factory.support';

/** A consent to record: identity data to Caritas for case management, unless overridden. */
export const consentInput = (input: ForPerson<RecordConsentInput>): RecordConsentInput => ({
  purpose: 'case_management',
  recipients: ['caritas-rheine'],
  categories: ['identity'],
  evidenceRef: `Einwilligung ${nextNumber()}`,
  ...input,
});

/** Records a consent through the hub's service, as `who` (usually the advice & support team). */
export function recordConsent(
  app: WithContainer,
  who: string | Actor,
  input: ForPerson<RecordConsentInput>,
): Promise<ConsentEntity> {
  return asHub(app, () => app.container.subgraphs.hub.services.consents.record(actorFor(who), consentInput(input)));
}

/** Records a consent through the API, as `partner`; returns its id. */
export async function recordConsentViaApi(
  app: WithGql,
  partner: string,
  input: ForPerson<RecordConsentInput>,
): Promise<string> {
  const query = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`;
  return (await mutate<{ id: string }>(app, partner, 'recordConsent', query, { input: consentInput(input) })).id;
}
