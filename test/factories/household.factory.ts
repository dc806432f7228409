import { systemActor } from '../../src/shared/actor';
import type { RegisterPersonInput } from '../../src/subgraphs/city/person/person.types';
import { asHub, type WithContainer, type WithGql } from './factory.support';
import { registerPerson, registerPersonViaApi } from './person.factory';

export interface Household {
  householdId: string;
  /** In the order of `members`; the first one started the household. */
  personIds: string[];
}

type Member = Omit<Partial<RegisterPersonInput>, 'householdId' | 'newHousehold'>;

/** The household a person lives in, as the city knows it (null: none). */
export async function householdOf(app: WithContainer, personId: string): Promise<string | null> {
  const person = await asHub(app, () => app.container.subgraphs.city.services.persons.get(systemActor(), personId));
  if (!person) throw new Error(`no person ${personId}`);
  return person.householdId;
}

/** Registers the first member with a new household and the others into it, through the city's service. */
export async function registerHousehold(app: WithContainer, partner: string, members: Member[]): Promise<Household> {
  const [first, ...rest] = members;
  const head = await registerPerson(app, partner, { ...first, newHousehold: true });
  if (!head.householdId) throw new Error('the first member started no household');
  const personIds = [head.id];
  for (const m of rest) {
    personIds.push((await registerPerson(app, partner, { ...m, householdId: head.householdId })).id);
  }
  return { householdId: head.householdId, personIds };
}

/** The same through the API, as `partner` (the household's id is read through the city's service). */
export async function registerHouseholdViaApi(
  app: WithContainer & WithGql,
  partner: string,
  members: Member[],
): Promise<Household> {
  const [first, ...rest] = members;
  const head = await registerPersonViaApi(app, partner, { ...first, newHousehold: true });
  const householdId = await householdOf(app, head);
  if (!householdId) throw new Error('the first member started no household');
  const personIds = [head];
  for (const m of rest) personIds.push(await registerPersonViaApi(app, partner, { ...m, householdId }));
  return { householdId, personIds };
}
