import { Actor } from '../shared/actor';
import { Logger } from '../shared/logger';

/** Per-request gateway context; subgraphs get their own from the signed identity. */
export interface GatewayContext {
  actor: Actor;
  requestId: string;
  log: Logger;
  /** The client's operation name, once resolved: recorded with every audited access. */
  operationName?: string | null;
}
