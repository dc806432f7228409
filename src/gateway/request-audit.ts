import { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { AuditLog } from '../audit/audit.service';
import { accessEntries, flushAccess } from '../policy/policy.audit';
import { RequestPolicy } from '../policy/policy.service';
import { formatError, isDependencyFailure } from '../shared/errors';
import { GatewayContext } from './context';

/**
 * What the in-process subgraphs of one gateway request read or were denied, written in one audit
 * append just before the response leaves. Their data leaves this process only with the response,
 * so a write per subgraph call (each awaited before stitching goes on) guarded nothing more.
 */
export class RequestAudit {
  private readonly policies = new Set<RequestPolicy>();
  private closed = false;
  /** Entries a failed flush did not write. */
  private unwritten: ReturnType<typeof accessEntries> = [];

  constructor(private readonly audit: AuditLog) {}

  /** Records of this policy are written by `flush`; false once flushed (the caller then writes its own). */
  collect(policy: RequestPolicy): boolean {
    if (this.closed) return false;
    this.policies.add(policy);
    return true;
  }

  /** Writes every collected record in one append; rejects when it fails (no entry, no data). */
  async flush(operation: string | null): Promise<void> {
    this.closed = true;
    const entries = [...this.policies].flatMap((p) => accessEntries(p.actor, p.drain(), operation));
    this.unwritten = entries;
    await this.writeUnwritten();
  }

  /** Writes what a failed flush did not (a withheld result kept for an Idempotency-Key); once only. */
  async writeUnwritten(): Promise<void> {
    const entries = this.unwritten;
    if (entries.length) await this.audit.appendNow(entries);
    this.unwritten = [];
  }
}

/**
 * The in-process subgraph call's audit: collected for the request when it has a RequestAudit,
 * else (a subscription's event, a call after the response) written now, before its data goes on.
 */
export async function auditCall(
  audit: AuditLog,
  gctx: GatewayContext,
  policy: RequestPolicy,
  operation: string | null,
): Promise<void> {
  if (gctx.audit?.collect(policy)) return;
  await flushAccess(audit, policy, operation);
}

/**
 * Gives each HTTP operation its RequestAudit and writes it before Apollo hands the response on.
 * A failed write replaces the whole response by its error: no audit entry, no data. (Responses
 * are single results: graphql 16 delivers nothing incrementally.) If the database went away, the
 * withheld result and its entries are handed to onWithheld: a mutation with an Idempotency-Key
 * took effect, and its retry gets the result once the entries are written.
 */
export function requestAuditPlugin(audit: AuditLog): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      contextValue.audit = new RequestAudit(audit);
      return {
        async willSendResponse({ contextValue: ctx, response }) {
          try {
            await ctx.audit?.flush(ctx.operationName ?? null);
          } catch (err) {
            ctx.log.error({ err: { name: (err as Error)?.name } }, 'audit write failed: response withheld');
            const requestAudit = ctx.audit;
            if (requestAudit && response.body.kind === 'single' && isDependencyFailure(err))
              ctx.onWithheld?.({
                result: response.body.singleResult,
                writeAudit: () => requestAudit.writeUnwritten(),
              });
            const error = new GraphQLError('Audit write failed', { originalError: err as Error });
            const formatted = formatError(error.toJSON(), error);
            if (response.body.kind === 'single') response.body.singleResult = { errors: [formatted] };
            else throw err;
          }
        },
      };
    },
  };
}
