import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { SubgraphName, SUBGRAPH_NAMES } from '../config';

/** Where `lotse subgraph NAME` listens by default; the committed supergraph names these URLs. */
export const DEFAULT_SUBGRAPH_PORTS: Record<SubgraphName, number> = {
  city: 4001,
  jobcenter: 4002,
  courses: 4003,
  hub: 4004,
};
export const defaultSubgraphUrl = (name: SubgraphName) => `http://localhost:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`;

export interface ComposedSchemas {
  subgraphs: Record<SubgraphName, string>;
  supergraph: string;
}

/** Subgraph SDL from code, composed into the Federation 2 supergraph (in JS, no external tool). */
export function composeSupergraph(sdls: Record<SubgraphName, string>): ComposedSchemas {
  const subgraphs = {} as Record<SubgraphName, string>;
  for (const name of SUBGRAPH_NAMES) subgraphs[name] = sdls[name].trim() + '\n';
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({ name, typeDefs: parse(subgraphs[name]), url: defaultSubgraphUrl(name) })),
  );
  if (result.errors?.length) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return { subgraphs, supergraph: result.supergraphSdl!.trim() + '\n' };
}
