import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  GraphQLCompositeType,
  GraphQLError,
  GraphQLField,
  GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SchemaMetaFieldDef,
  SelectionSetNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  ValueNode,
} from 'graphql';
import type Redis from 'ioredis';
import { Logger } from '../shared/logger';

/**
 * Per-partner rate limits: operations per minute and estimated cost per minute, in fixed one-minute
 * windows kept in Redis (`<prefix>:ratelimit:<partner>:<ops|cost>:<window>`, expiring after two
 * minutes), so that every gateway process shares them. Checked once per operation by admission
 * (src/gateway/admission.ts) after validation, when the operation and its variables are known, for
 * HTTP operations and subscription starts alike. An operation over a limit is not counted and is
 * answered with RATE_LIMITED and `extensions.retryAfter` (seconds until the window ends); over HTTP
 * with status 429 and `Retry-After`. The first operation of a window is never
 * refused for its cost, else one costlier than the whole budget could never run.
 *
 * If Redis does not answer, operations are let through with a warning: the hub serves social
 * services and youth welfare, and their availability beats rate limiting (fail open).
 */
export interface RateLimitOptions {
  redis: Redis;
  /** LOTSE_QUEUE_PREFIX. */
  prefix: string;
  operationsPerMinute: number;
  costPerMinute: number;
  /** Redis that takes longer counts as down. */
  redisTimeoutMs?: number;
  now?: () => number;
}

const WINDOW_MS = 60_000;

/** Both counters are checked, and only then incremented, in one step. */
const CHECK_AND_COUNT = `
local ops = tonumber(redis.call('GET', KEYS[1]) or '0')
local cost = tonumber(redis.call('GET', KEYS[2]) or '0')
local opCost = tonumber(ARGV[3])
if ops + 1 > tonumber(ARGV[1]) then return {0, 1} end
if cost > 0 and cost + opCost > tonumber(ARGV[2]) then return {0, 2} end
redis.call('INCR', KEYS[1])
redis.call('INCRBY', KEYS[2], opCost)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1, 0}
`;

/** The per-partner counters. `check` counts the operation and returns null, or the RATE_LIMITED error. */
export class RateLimiter {
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private lastWarning = 0;

  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? Date.now;
    this.timeoutMs = opts.redisTimeoutMs ?? 500;
  }

  async check(partner: string, cost: number, log: Logger): Promise<GraphQLError | null> {
    const t = this.now();
    const window = Math.floor(t / WINDOW_MS);
    const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - t) / 1000));
    const base = `${this.opts.prefix}:ratelimit:${encodeURIComponent(partner)}`;
    let verdict: [number, number];
    if (this.opts.redis.status !== 'ready') return this.failOpen(log, `redis ${this.opts.redis.status}`);
    try {
      verdict = (await withTimeout(
        this.opts.redis.eval(
          CHECK_AND_COUNT,
          2,
          `${base}:ops:${window}`,
          `${base}:cost:${window}`,
          this.opts.operationsPerMinute,
          this.opts.costPerMinute,
          cost,
          2 * WINDOW_MS,
        ),
        this.timeoutMs,
      )) as [number, number];
    } catch (err) {
      return this.failOpen(log, (err as Error).message);
    }
    if (verdict[0] === 1) return null;
    const limit = verdict[1] === 1 ? 'operations' : 'cost';
    const message =
      limit === 'operations'
        ? `Rate limit of ${this.opts.operationsPerMinute} operations per minute exceeded; retry in ${retryAfter} s`
        : `Rate limit of ${this.opts.costPerMinute} cost per minute exceeded (this operation: ${cost}); retry in ${retryAfter} s`;
    return new GraphQLError(message, {
      extensions: { code: 'RATE_LIMITED', limit, retryAfter },
    });
  }

  private failOpen(log: Logger, reason: string): null {
    // One line per minute is enough during an outage; every request would flood the log.
    if (this.now() - this.lastWarning >= WINDOW_MS) {
      this.lastWarning = this.now();
      log.warn({ reason }, 'rate limit not enforced: Redis unavailable, operations are let through');
    }
    return null;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Page size assumed for a list field that takes `first` when the operation leaves it out (persons and courses default to 20). */
export const ASSUMED_PAGE_SIZE = 20;
/** No list field returns more than this per call (persons, courses: 100; biography is capped at 200 but rarely asked for more). */
export const MAX_PAGE_SIZE = 100;

/**
 * The estimated cost of an operation: graphql-armor's cost-limit formula with its defaults (a scalar
 * field costs 1; a field with a selection costs 2 plus 1.5 × the cost of its selection, times its
 * `first`/`last`; fragments add no level), with two differences, because armor, as a validation
 * rule, cannot see variables:
 *
 * - `first`/`last` given as a variable count with the variable's value (armor counts 1);
 * - a field that takes `first` but is not given one counts with the argument's default, else
 *   ASSUMED_PAGE_SIZE (armor counts 1); every multiplier is capped at MAX_PAGE_SIZE.
 *
 * For operations with literal page sizes and without fragments the estimate equals armor's cost.
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const fragmentCosts = new Map<string, number>();
  const variableDefaults = new Map<string, ValueNode>();
  for (const v of operation.variableDefinitions ?? [])
    if (v.defaultValue) variableDefaults.set(v.variable.name.value, v.defaultValue);

  const intOf = (value: ValueNode): number | undefined => {
    if (value.kind === Kind.INT) return parseInt(value.value, 10);
    if (value.kind === Kind.VARIABLE) {
      const given = variables?.[value.name.value];
      if (typeof given === 'number' && Number.isFinite(given)) return Math.trunc(given);
      const fallback = variableDefaults.get(value.name.value);
      return fallback ? intOf(fallback) : undefined;
    }
    return undefined;
  };

  const multiplier = (node: FieldNode, def: GraphQLField<unknown, unknown> | undefined): number => {
    const arg = node.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
    let n = arg ? intOf(arg.value) : undefined;
    if (n === undefined) {
      const declared = def?.args.find((a) => a.name === 'first' || a.name === 'last');
      if (declared) n = typeof declared.defaultValue === 'number' ? declared.defaultValue : ASSUMED_PAGE_SIZE;
    }
    return Math.min(Math.max(n ?? 1, 1), MAX_PAGE_SIZE);
  };

  const selectionCost = (set: SelectionSetNode, parent: GraphQLCompositeType | undefined): number => {
    let cost = 0;
    for (const child of set.selections) {
      if (child.kind === Kind.FIELD) {
        cost += 1.5 * fieldCost(child, parent);
      } else if (child.kind === Kind.INLINE_FRAGMENT) {
        const type = child.typeCondition ? schema.getType(child.typeCondition.name.value) : parent;
        cost += 2 + selectionCost(child.selectionSet, isCompositeType(type) ? type : undefined);
      } else {
        const name = child.name.value;
        let fragmentCost = fragmentCosts.get(name);
        if (fragmentCost === undefined) {
          const fragment = fragments.get(name);
          fragmentCosts.set(name, 0); // validated documents have no cycles; this only guards against one
          const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
          fragmentCost = fragment
            ? 2 + selectionCost(fragment.selectionSet, isCompositeType(type) ? type : undefined)
            : 0;
          fragmentCosts.set(name, fragmentCost);
        }
        cost += 1 + fragmentCost;
      }
    }
    return cost;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType | undefined): number => {
    if (!node.selectionSet) return 1;
    const def = fieldDef(schema, parent, node.name.value);
    const type = def ? getNamedType(def.type) : undefined;
    return (2 + selectionCost(node.selectionSet, isCompositeType(type) ? type : undefined)) * multiplier(node, def);
  };

  const root = schema.getRootType(operation.operation) ?? undefined;
  let total = 0;
  for (const child of operation.selectionSet.selections) {
    // At the top level armor adds the selections' costs without the 1.5 factor.
    if (child.kind === Kind.FIELD) total += fieldCost(child, root);
    else total += selectionCost({ kind: Kind.SELECTION_SET, selections: [child] }, root);
  }
  return Math.ceil(total);
}

function fieldDef(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType | undefined,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === SchemaMetaFieldDef.name && parent === schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name && parent === schema.getQueryType()) return TypeMetaFieldDef;
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent && (isObjectType(parent) || isInterfaceType(parent))) return parent.getFields()[name];
  return undefined;
}
