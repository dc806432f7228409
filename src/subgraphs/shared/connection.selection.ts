import {
  FieldNode,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLResolveInfo,
  GraphQLSkipDirective,
  SelectionSetNode,
} from 'graphql';

/**
 * Whether the query selected `totalCount` on the connection this resolver returns. Counting is
 * the one part of a page whose cost grows with the table (a COUNT over every matching row), so
 * lists count only when asked. Aliases, fragments and `@skip`/`@include` are honoured; through the
 * gateway the subgraph receives only what the partner selected, so the answer holds end to end.
 */
export function wantsTotalCount(info: GraphQLResolveInfo): boolean {
  const seen = new Set<string>();
  const included = (node: { directives?: readonly unknown[] }) => {
    if (!node.directives?.length) return true;
    const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, info.variableValues);
    if (skip?.if === true) return false;
    const include = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, info.variableValues);
    return include?.if !== false;
  };
  const selects = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((s) => {
      if (!included(s)) return false;
      if (s.kind === 'Field') return s.name.value === 'totalCount';
      if (s.kind === 'InlineFragment') return selects(s.selectionSet);
      const name = s.name.value;
      if (seen.has(name)) return false;
      seen.add(name);
      return selects(info.fragments[name]?.selectionSet);
    });
  return info.fieldNodes.some((f) => selects(f.selectionSet));
}
