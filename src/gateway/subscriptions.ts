import { delegateToSchema } from '@graphql-tools/delegate';
import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import {
  concatAST,
  DocumentNode,
  execute,
  GraphQLError,
  GraphQLFieldResolver,
  GraphQLSchema,
  OperationTypeNode,
  parse,
  printType,
} from 'graphql';
import { LiveEvent, LiveListener, mayConcern } from '../events/live-events';
import { isReferralEvent } from '../events/public-events';
import { DataCategory } from '../policy/policy.vocabulary';
import { Actor } from '../shared/actor';
import { AppError, notFound } from '../shared/errors';
import { GatewayContext } from './context';
import { LiveStream } from './subscriptions-stream';

/**
 * Live subscriptions: the Subscription type is the gateway's own, built on top of the stitched
 * schema (subgraphs know nothing of it). An event arrives as ids only; for each subscriber it is
 * checked with that subscriber's rights and, if it may be seen, its `referral` / `person` is read
 * through the gateway schema like a query: same field-level authorization, same audit entries.
 */
export const SUBSCRIPTION_TYPE_DEFS = /* GraphQL */ `
  """
  Live changes, over WebSocket only (subprotocol graphql-transport-ws at /graphql)
  """
  type Subscription {
    """
    Changes of referrals and transfers you may see (as referral(id) shows them to you)
    """
    referralUpdated(filter: ReferralUpdatedFilter): ReferralUpdate!
    """
    Status changes of one person (residence status, benefit status, move), if you may see that category of the person's data for your purpose
    """
    personStatusChanged(personId: ID!): PersonStatusChange!
  }

  input ReferralUpdatedFilter {
    """
    Only this referral
    """
    referralId: ID
    """
    Only referrals of this person
    """
    personId: ID
    """
    inbox: you receive; outbox: you sent; all (default)
    """
    role: ReferralBox
  }

  type ReferralUpdate {
    """
    Id of the event (webhooks and the inbox name the same event by it)
    """
    eventId: ID!
    """
    From the public event catalogue, e.g. referral.accepted, transfer.requested, referral.escalated
    """
    type: String!
    occurredAt: DateTime!
    """
    The referral as it is when the event is delivered, read with your rights
    """
    referral: Referral!
  }

  type PersonStatusChange {
    """
    Id of the event (webhooks and the inbox name the same event by it)
    """
    eventId: ID!
    """
    person.status_changed
    """
    type: String!
    """
    The data category that changed: residence, benefits or contact
    """
    category: String!
    occurredAt: DateTime!
    """
    The person as they are when the event is delivered, read with your rights
    """
    person: Person!
  }
`;

const OWN_TYPES = ['Subscription', 'ReferralUpdatedFilter', 'ReferralUpdate', 'PersonStatusChange'];

/** One WebSocket connection as the subscription resolvers see it (src/gateway/subscriptions-server.ts). */
export interface LiveConnection {
  /**
   * A fresh request context for one event: the token is verified again (expiry, a deactivated
   * partner, withdrawn scopes), with new loaders and its own audit entries. Null when the
   * connection is no longer authorized; it is then being closed.
   */
  eventContext(operationName: string | null): Promise<GatewayContext | null>;
}

export interface LiveOperationContext {
  connection: LiveConnection;
  operationName: string | null;
}

export interface SubscriptionDeps {
  /** The process's fan-out of live events. */
  listen: (listener: LiveListener) => () => void;
  /** Whether the actor may see this category of the person's data for its purpose (the policy decision point). */
  allowed(actor: Actor, personId: string, category: DataCategory): Promise<boolean>;
  /** Events a subscription may fall behind by before it ends with an error. */
  maxBacklog: number;
  /** Checks that fail (a subgraph error, the database) drop the event; logged without personal data. */
  onCheckFailed?(eventId: string, err: unknown): void;
  /** Delivered and dropped events, for metrics. */
  onOutcome?(field: string, outcome: 'delivered' | 'dropped'): void;
}

interface Delivery {
  eventId: string;
  type: string;
  category: string;
  occurredAt: Date;
  referralId: string | null;
  personId: string | null;
  /** The event's own request context: its `referral` / `person` is read with it. */
  context: GatewayContext;
}

const REFERRAL_CHECK = parse('query LiveReferralCheck($id: ID!) { referral(id: $id) { sender receiver } }');
const PERSON_CHECK = parse('query LivePersonCheck($id: ID!) { person(id: $id) { id } }');

const overflowError = () =>
  new GraphQLError('This subscription fell too far behind and was ended; subscribe again and catch up with a query', {
    extensions: { code: 'SUBSCRIPTION_OVERFLOW' },
  });

/**
 * Adds the Subscription type and its resolvers to the stitching of the supergraph, so the one
 * gateway schema serves both (its type merging needs them stitched together, not added later).
 */
export function withSubscriptions(stitching: { typeDefs: DocumentNode }, deps: SubscriptionDeps): void {
  stitching.typeDefs = concatAST([stitching.typeDefs, parse(SUBSCRIPTION_TYPE_DEFS)]);
  Object.assign(stitching, { resolvers: subscriptionResolvers(deps) });
}

function subscriptionResolvers(deps: SubscriptionDeps) {
  const query = async (schema: GraphQLSchema, document: DocumentNode, id: string, context: GatewayContext) => {
    const result = await execute({ schema, document, variableValues: { id }, contextValue: context });
    return result.data as Record<string, any> | null | undefined;
  };

  /** Runs one subscriber's check for one event; a failing check drops the event. */
  const stream = (
    field: string,
    ctx: LiveOperationContext,
    accept: (e: LiveEvent) => boolean,
    check: (e: LiveEvent, c: GatewayContext) => Promise<boolean>,
  ) =>
    new LiveStream<Delivery | GraphQLError>({
      listen: deps.listen,
      accept,
      maxBacklog: deps.maxBacklog,
      overflow: overflowError,
      async deliver(event) {
        const context = await ctx.connection.eventContext(ctx.operationName);
        if (!context) return null;
        let ok = false;
        try {
          ok = await check(event, context);
        } catch (err) {
          deps.onCheckFailed?.(event.eventId, err);
        }
        deps.onOutcome?.(field, ok ? 'delivered' : 'dropped');
        if (!ok) return null;
        return {
          eventId: event.eventId,
          type: event.publicType,
          category: event.category,
          occurredAt: new Date(event.occurredAt),
          referralId: event.referralId,
          personId: event.personId,
          context,
        };
      },
    });
  const passThrough = (payload: Delivery | GraphQLError) => {
    if (payload instanceof GraphQLError) throw payload;
    return payload;
  };

  /** A subscription to what the subscriber cannot see now fails at once, as the query would answer null. */
  const mustSee = async (
    ctx: LiveOperationContext,
    schema: GraphQLSchema,
    field: 'referral' | 'person',
    id: string,
  ) => {
    const context = await ctx.connection.eventContext(ctx.operationName);
    if (!context) throw new AppError('UNAUTHENTICATED', 'The connection is no longer authorized');
    if (!(await query(schema, field === 'referral' ? REFERRAL_CHECK : PERSON_CHECK, id, context))?.[field])
      throw notFound(field === 'referral' ? 'Referral' : 'Person', id);
  };

  const referralUpdated: GraphQLFieldResolver<
    unknown,
    LiveOperationContext,
    { filter?: ReferralFilter | null }
  > = async (_root, args, ctx, info) => {
    const filter = args.filter ?? {};
    const referralId = filter.referralId?.toLowerCase();
    const personId = filter.personId?.toLowerCase();
    if (referralId) await mustSee(ctx, info.schema, 'referral', referralId);
    if (personId) await mustSee(ctx, info.schema, 'person', personId);
    return stream(
      'referralUpdated',
      ctx,
      (e) =>
        !!e.referralId &&
        isReferralEvent(e.publicType) &&
        (!referralId || e.referralId === referralId) &&
        (!personId || e.personId === personId),
      async (e, context) => {
        // Only its sender and receiver can see a referral: nobody else costs a query.
        if (!mayConcern(e, context.actor.partner)) return false;
        // Visible exactly when referral(id) answers it for this subscriber.
        const referral = (await query(info.schema, REFERRAL_CHECK, e.referralId!, context))?.referral as
          { sender: string; receiver: string } | null | undefined;
        if (!referral) return false;
        if (filter.role === 'inbox') return referral.receiver === context.actor.partner;
        if (filter.role === 'outbox') return referral.sender === context.actor.partner;
        return true;
      },
    );
  };

  const personStatusChanged: GraphQLFieldResolver<unknown, LiveOperationContext, { personId: string }> = async (
    _root,
    args,
    ctx,
    info,
  ) => {
    const personId = args.personId.toLowerCase();
    await mustSee(ctx, info.schema, 'person', personId);
    return stream(
      'personStatusChanged',
      ctx,
      (e) => e.publicType === 'person.status_changed' && e.personId === personId,
      async (e, context) => {
        // The person must be visible (jurisdiction, identity) and the changed category allowed for the purpose.
        if (!(await query(info.schema, PERSON_CHECK, personId, context))?.person) return false;
        return deps.allowed(context.actor, personId, e.category);
      },
    );
  };

  // The payload's entity, with whatever the subscriber selected, read through the gateway schema like a query.
  const delegate =
    (fieldName: 'referral' | 'person', id: (d: Delivery) => string | null): GraphQLFieldResolver<Delivery, unknown> =>
    (payload, _args, _ctx, info) =>
      delegateToSchema({
        schema: info.schema,
        operation: 'query' as OperationTypeNode,
        fieldName,
        args: { id: id(payload) },
        context: payload.context,
        info,
        skipTypeMerging: true,
      });

  return {
    Subscription: {
      referralUpdated: { subscribe: referralUpdated, resolve: passThrough },
      personStatusChanged: { subscribe: personStatusChanged, resolve: passThrough },
    },
    ReferralUpdate: { referral: delegate('referral', (d) => d.referralId) },
    PersonStatusChange: { person: delegate('person', (d) => d.personId) },
  };
}

interface ReferralFilter {
  referralId?: string | null;
  personId?: string | null;
  role?: 'inbox' | 'outbox' | 'all' | null;
}

/** The schema the gateway serves, built from the supergraph without events: for checking documents and printing. */
export function schemaWithSubscriptions(supergraphSdl: string): GraphQLSchema {
  const noEvents: SubscriptionDeps = { listen: () => () => undefined, allowed: async () => false, maxBacklog: 1 };
  return getStitchedSchemaFromSupergraphSdl({
    supergraphSdl,
    onStitchingOptions: (o) => withSubscriptions(o, noEvents),
  });
}

/**
 * The gateway's own part of the API for schema/subscriptions.graphql, printed from the schema the
 * gateway serves (the rest of it is schema/supergraph.graphql).
 */
export function subscriptionSdl(supergraphSdl: string): string {
  const schema = schemaWithSubscriptions(supergraphSdl);
  return OWN_TYPES.map((name) => printType(schema.getType(name)!)).join('\n\n') + '\n';
}
