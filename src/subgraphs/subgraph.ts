import { GraphQLSchema } from 'graphql';
import { DataSource } from 'typeorm';
import { SubgraphName } from '../config';
import { Actor } from '../shared/actor';
import { PolicyDecisionPoint, RequestPolicy } from '../policy/policy.service';
import { Outbox } from '../events/outbox.service';
import { AuditLog } from '../audit/audit.service';
import { RowSecurityContext } from '../shared/row-security';
import { Clock } from '../shared/time';

/** What a subgraph's resolvers receive: the verified actor and per-request loaders. */
export interface SubgraphContext<L = unknown> {
  actor: Actor;
  loaders: L;
  /** Data-protection decisions and the record of what was read or denied. */
  policy: RequestPolicy;
}

/** A subgraph as the container and the gateway see it. */
export interface Subgraph {
  name: SubgraphName;
  dataSource: DataSource;
  schema: GraphQLSchema;
  /** The subgraph SDL (with federation directives) that composition reads. */
  sdl: string;
  /** Builds the per-request context for a verified actor (fresh DataLoaders every request). */
  createContext(actor: Actor): SubgraphContext;
}

/** What every subgraph builder is given by the container. */
export interface SubgraphDeps {
  clock: Clock;
  outbox: Outbox;
  pdp: PolicyDecisionPoint;
  audit: AuditLog;
  rowSecurity: RowSecurityContext;
}
