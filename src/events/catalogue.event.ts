import type { CatalogueEntry, EventSpec } from './catalogue';

/**
 * `event<Payload>()({...})`: the payload is named, the public types are inferred from the entry.
 * Its own module so the catalogue and the areas' files spread into it share it without a cycle.
 */
export const event =
  <P>() =>
  <Pub extends string = never>(spec: EventSpec<P, Pub>): CatalogueEntry<P, Pub> =>
    spec;
