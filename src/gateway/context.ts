import { Actor } from '../shared/actor';
import { Logger } from '../shared/logger';
import type { Refusal } from './admission';
import type { RequestAudit } from './request-audit';

/** Per-request gateway context; subgraphs get their own from the signed identity. */
export interface GatewayContext {
  actor: Actor;
  requestId: string;
  log: Logger;
  /** The client's operation name, once resolved: recorded with every audited access. */
  operationName?: string | null;
  /** Told when admission refuses the operation: the HTTP handler answers with the refusal (Apollo copies the context). */
  onRefusal?: (refusal: Refusal) => void;
  /** The in-process subgraphs' reads of this HTTP operation, written once before its response leaves. */
  audit?: RequestAudit;
}
