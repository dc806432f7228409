import { Actor, systemActor } from '../../src/shared/actor';
import type { TestApp } from '../helpers/app';
// Service-layer setup runs as the hub itself (system context `test`): a factory stands in for a seed.
export { asHub } from '../helpers/system';

/** What the service-layer factories need of a test app. */
export type WithContainer = Pick<TestApp, 'container'>;
/** What the API factories need of a test app. */
export type WithGql = Pick<TestApp, 'gql'>;

/** Overrides of an input about one person: the person is the one thing a factory cannot choose. */
export type ForPerson<T> = Partial<T> & { personId: string };

let counter = 0;

/**
 * The next number of this test file's sequence (Jest loads this module once per file): defaults
 * are unique within a file and the same on every run, so a failure reads the same twice.
 */
export const nextNumber = (): number => ++counter;

/** A partner slug acts as that partner with every scope (as seeding does); an Actor is used as given. */
export const actorFor = (who: string | Actor): Actor =>
  typeof who === 'string' ? { ...systemActor(), partner: who } : who;

/** POSTs a mutation as `partner` and returns the field `field` of its data; throws with the errors otherwise. */
export async function mutate<T>(
  app: WithGql,
  partner: string,
  field: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const res = await app.gql(partner, query, variables);
  const value = res.body.data?.[field];
  if (res.body.errors || !value) throw new Error(`${field} as ${partner} failed: ${JSON.stringify(res.body.errors)}`);
  return value as T;
}
