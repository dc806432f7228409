import type { RegisterPersonInput } from '../../src/subgraphs/city/person/person.types';
import { systemActor } from '../../src/shared/actor';
import { registerPerson, registerPersonViaApi } from './person.factory';
import type { WithContainer, WithGql } from './factory.support';

export interface Household {
  householdId: string;
  /** In the order of `members`; the first one started the household. */
  personIds: string[];
}

type Member = Omit<Partial<RegisterPersonInput>, 'householdId' | 'newHousehold'>;

/** The household a person lives in, as the city knows it (null: none). */
export async function householdOf(app: WithContainer, personId: string): Promise<string | null> {
  const person = await app.container.subgraphs.city.services.persons.get(systemActor(), personId);
  if (!person) throw new Error(`no person ${personId}`);
  return person.householdId;
}

/** Registers the first member with a new household and the others into it, through the city's service. */
export async function registerHousehold(app: WithContainer, partner: string, members: Member[]): Promise<Household> {
  const [first, ...rest] = members;
  const head = await registerPerson(app, partner, { ...first, newHousehold: true });
  const householdId = head.householdId!;
  const others = [];
  for (const m of rest) others.push(await registerPerson(app, partner, { ...m, householdId }));
  return { householdId, personIds: [head.id, ...others.map((p) => p.id)] };
}

/** The same through the API, as `partner`. */
export async function registerHouseholdViaApi(app: WithContainer & WithGql, partner: string, members: Member[]): Promise<Household> {
  const [first, ...rest] = members;
  const head = await registerPersonViaApi(app, partner, { ...first, newHousehold: true });
  const householdId = (await householdOf(app, head))!;
  const personIds = [head];
  for (const m of rest) personIds.push(await registerPersonViaApi(app, partner, { ...m, householdId }));
  return { householdId, personIds };
}
