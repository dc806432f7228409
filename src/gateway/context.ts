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
  /** Told when the result of an operation that ran is withheld because its audit entries could not be written. */
  onWithheld?: (withheld: Withheld) => void;
}

/**
 * A result withheld for want of its audit entries (the database went away after the operation
 * ran): the Idempotency-Key handler writes the entries later and keeps the result for a retry.
 */
export interface Withheld {
  /** The result as it would have been sent. */
  result: unknown;
  /** Writes the entries the failed flush did not; once done, calling it again writes nothing. */
  writeAudit(): Promise<void>;
}
