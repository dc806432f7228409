import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  GraphQLArgument,
  GraphQLError,
  GraphQLField,
  GraphQLIncludeDirective,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLSkipDirective,
  isCompositeType,
  isInputType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SchemaMetaFieldDef,
  SelectionSetNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  typeFromAST,
  valueFromAST,
} from 'graphql';

/**
 * The cost of an operation: one number, checked against the per-operation limit (QUERY_COST_LIMIT)
 * and charged to the partner's per-minute budget (RATE_LIMIT_COST_PER_MINUTE). It estimates how
 * many objects the operation can return, with its variables resolved:
 *
 * - a scalar or enum field costs 0, an object field 1 plus the cost of its selection;
 * - a list costs its page size × (1 + the cost of one item's selection): the page size is `first`
 *   (a literal, a variable's value or the variable's default), else the argument's documented
 *   default ("1 to 100, default 20"); a list without `first` counts as UNPAGED_LIST_SIZE items
 *   (or the bound its domain sets, UNPAGED_LIST_SIZES);
 * - a connection counts as one list of its nodes: the connection object costs 1, `edges` and the
 *   edge objects nothing, each `node` 1 plus its selection, times the connection's page size;
 * - fragments count as if written out, fields selected twice once (as they are resolved);
 *   `@skip`/`@include` are honoured.
 *
 * Kept in one place so that the limit, the budget, the trusted-document check and the partner
 * guide (docs/partners.md) cannot drift apart.
 */

/** Per-operation limit when QUERY_COST_LIMIT is not set: every documented page size with a realistic selection fits with room. */
export const DEFAULT_QUERY_COST_LIMIT = 2000;
/** Items a list without `first` is counted with, unless its domain bounds it (UNPAGED_LIST_SIZES). */
export const UNPAGED_LIST_SIZE = 10;
/** Lists without `first` whose length the domain bounds. */
export const UNPAGED_LIST_SIZES: Readonly<Record<string, number>> = {
  /** One per deadline kind: acknowledge, decide, start. */
  'Referral.deadlines': 3,
};
/** A `first` argument without a documented default (the schema test requires one) counts as this. */
const UNDOCUMENTED_PAGE_SIZE = 100;
/** "1 to 100, default 20": how the subgraphs document their page sizes. */
const DOCUMENTED_PAGE = /\b1 to (\d+), default (\d+)\b/;

/** A list and what it adds to the cost. */
export interface CostedList {
  /** Response path of the list field (aliases as answered), e.g. `persons` or `persons.edges.node.biography`. */
  path: string;
  /** True if the list takes `first`: paging it smaller lowers the cost. */
  paged: boolean;
  /** Items it is counted with: `first`, its default, or the size assumed for an unpaged list. */
  size: number;
  /** What it adds to the operation's cost, its enclosing lists' page sizes included. */
  cost: number;
}

export interface OperationCost {
  cost: number;
  /** The list whose page size adds most (what paging it down to one item would save); none without lists. */
  largestList?: CostedList;
}

/** The documented page size of a `first` argument: `{ max, default }` from "1 to N, default D". */
export function documentedPageSize(arg: GraphQLArgument): { max: number; default: number } | undefined {
  const m = DOCUMENTED_PAGE.exec(arg.description ?? '');
  return m ? { max: Number(m[1]), default: Number(m[2]) } : undefined;
}

/**
 * The cost of `operation` with `variables` as coerced by graphql-js (getVariableValues: defaults
 * applied). A variable missing from `variables` counts as not given, as in execution.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> = {},
): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let largest: { list: CostedList; saving: number } | undefined;

  const record = (list: CostedList) => {
    // Linear in the page size: paging down to one item saves cost × (size − 1) / size.
    const saving = list.size > 0 ? (list.cost * (list.size - 1)) / list.size : 0;
    if (!largest || saving > largest.saving) largest = { list, saving };
  };

  const included = (node: { directives?: FieldNode['directives'] }): boolean => {
    if (!node.directives?.length) return true;
    try {
      if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
      if (getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false) return false;
    } catch {
      // A variable without a value (a document checked before it runs): counted as included.
    }
    return true;
  };

  /** The fields of merged selection sets by response key, fragments spread in (graphql-js's collectFields). */
  const collect = (sets: readonly SelectionSetNode[]): Map<string, FieldNode[]> => {
    const fields = new Map<string, FieldNode[]>();
    const visited = new Set<string>();
    const walk = (set: SelectionSetNode) => {
      for (const s of set.selections) {
        if (!included(s)) continue;
        if (s.kind === Kind.FIELD) {
          const key = s.alias?.value ?? s.name.value;
          fields.set(key, [...(fields.get(key) ?? []), s]);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          walk(s.selectionSet);
        } else if (!visited.has(s.name.value)) {
          visited.add(s.name.value);
          const fragment = fragments.get(s.name.value);
          if (fragment) walk(fragment.selectionSet);
        }
      }
    };
    sets.forEach(walk);
    return fields;
  };

  const pageSize = (node: FieldNode, def: GraphQLField<unknown, unknown>, parent: GraphQLNamedType) => {
    const arg = def.args.find((a) => a.name === 'first');
    if (!arg) return { paged: false, size: UNPAGED_LIST_SIZES[`${parent.name}.${def.name}`] ?? UNPAGED_LIST_SIZE };
    const given = node.arguments?.find((a) => a.name.value === 'first')?.value;
    let value: unknown;
    if (given?.kind === Kind.VARIABLE) value = variables[given.name.value];
    else if (given) value = valueFromAST(given, arg.type, variables);
    if (typeof value !== 'number') value = arg.defaultValue;
    if (typeof value !== 'number') value = documentedPageSize(arg)?.default ?? UNDOCUMENTED_PAGE_SIZE;
    return { paged: true, size: Math.max(0, Math.trunc(value as number)) };
  };

  /**
   * The cost of one occurrence of a selection. `factor` is the product of the enclosing lists' page
   * sizes (to weigh lists against each other); `connection` is set inside a connection, for its edges.
   */
  const selectionCost = (
    sets: readonly SelectionSetNode[],
    parent: GraphQLNamedType,
    path: string,
    factor: number,
    connection?: { path: string; paged: boolean; size: number },
  ): number => {
    let cost = 0;
    for (const [key, nodes] of collect(sets)) {
      const def = fieldDef(schema, parent, nodes[0].name.value);
      const type = def && getNamedType(def.type);
      if (!def || !type || !isCompositeType(type)) continue; // scalars and enums cost nothing
      const here = path ? `${path}.${key}` : key;
      const children = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      if (connection && def.name === 'edges') {
        // The connection's items: edge objects are free, their nodes cost as objects do.
        const items = connection.size * selectionCost(children, type, here, factor * connection.size);
        record({ ...connection, cost: factor * items });
        cost += items;
      } else if (isConnection(type)) {
        cost += 1 + selectionCost(children, type, here, factor, { path: here, ...pageSize(nodes[0], def, parent) });
      } else if (isListType(getNullableType(def.type))) {
        const page = pageSize(nodes[0], def, parent);
        const items = page.size * (1 + selectionCost(children, type, here, factor * page.size));
        record({ path: here, ...page, cost: factor * items });
        cost += items;
      } else {
        cost += 1 + selectionCost(children, type, here, factor);
      }
    }
    return cost;
  };

  const root = schema.getRootType(operation.operation);
  const cost = root ? selectionCost([operation.selectionSet], root, '', 1) : 0;
  return { cost, largestList: largest?.list };
}

/**
 * The variables of an operation checked before it runs (a trusted document at registration): their
 * defaults where they have one, else not given (the field's default page size counts). Each request
 * is checked again with the values it sends.
 */
export function defaultVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const v of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, v.type);
    if (v.defaultValue && type && isInputType(type)) values[v.variable.name.value] = valueFromAST(v.defaultValue, type);
  }
  return values;
}

/** Refused operations cost more than the limit; the message names the list to page smaller. */
export function costRefusal(found: OperationCost, limit: number): GraphQLError | undefined {
  if (found.cost <= limit) return undefined;
  const list = found.largestList;
  let hint = '';
  const extensions: Record<string, unknown> = { code: 'GRAPHQL_VALIDATION_FAILED', cost: found.cost, limit };
  if (list?.paged) {
    hint = `; page smaller: ${list.path} (first: ${list.size})`;
    Object.assign(extensions, { list: list.path, first: list.size });
  } else if (list) {
    hint = `; select less inside ${list.path} (counted as ${list.size} items)`;
    Object.assign(extensions, { list: list.path, assumedSize: list.size });
  }
  return new GraphQLError(`Query cost limit of ${limit} exceeded, found ${found.cost}${hint}.`, { extensions });
}

/** A Relay connection: an object with `edges`, a list of objects with `node`. */
function isConnection(type: GraphQLNamedType): type is GraphQLObjectType {
  if (!isObjectType(type)) return false;
  const edges = type.getFields().edges;
  if (!edges || !isListType(getNullableType(edges.type))) return false;
  const edge = getNamedType(edges.type);
  return isObjectType(edge) && 'node' in edge.getFields();
}

function fieldDef(
  schema: GraphQLSchema,
  parent: GraphQLNamedType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === SchemaMetaFieldDef.name && parent === schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name && parent === schema.getQueryType()) return TypeMetaFieldDef;
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
  return undefined;
}
