import type { Actor } from '../../src/shared/actor';
import type { PersonEntity } from '../../src/subgraphs/city/person/person.entity';
import type { AddressInput, RegisterPersonInput } from '../../src/subgraphs/city/person/person.types';
import { actorFor, mutate, nextNumber, WithContainer, WithGql, asHub } from './factory.support';

const GIVEN_NAMES = ['Amal', 'Dawit', 'Lina', 'Omar', 'Samira', 'Yonas', 'Fatima', 'Hamid'];

/** Rheine: every demo partner of the city serves it. */
export const RHEINE = '05566076';

/** An address in Rheine, for tests that look at which parts of it a partner may see. */
export const RHEINE_ADDRESS: AddressInput = {
  street: 'Emsstraße',
  houseNumber: '3',
  postalCode: '48431',
  locality: 'Rheine',
};

/** A person to register: a unique family name in Rheine, unless overridden. */
export function personInput(overrides: Partial<RegisterPersonInput> = {}): RegisterPersonInput {
  const n = nextNumber();
  const givenName = GIVEN_NAMES[n % GIVEN_NAMES.length];
  return { givenName, familyName: `Person${n}`, municipalityKey: RHEINE, ...overrides };
}

/** Registers a person through the city's service, as `who` (a partner slug or an actor). */
export function registerPerson(
  app: WithContainer,
  who: string | Actor,
  overrides: Partial<RegisterPersonInput> = {},
): Promise<PersonEntity> {
  return asHub(app, () =>
    app.container.subgraphs.city.services.persons.register(actorFor(who), personInput(overrides)),
  );
}

/** Registers a person through the API, as `partner`; returns the id. */
export async function registerPersonViaApi(
  app: WithGql,
  partner: string,
  overrides: Partial<RegisterPersonInput> = {},
): Promise<string> {
  const query = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`;
  return (await mutate<{ id: string }>(app, partner, 'registerPerson', query, { input: personInput(overrides) })).id;
}
