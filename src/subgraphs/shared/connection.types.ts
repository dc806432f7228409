import { ClassType, Directive, Field, Int, ObjectType } from 'type-graphql';
import { badInput } from '../../shared/errors';

@Directive('@shareable')
@ObjectType({ description: 'Relay page information' })
export class PageInfo {
  @Field(() => Boolean) hasNextPage: boolean;
  @Field(() => Boolean) hasPreviousPage: boolean;
  @Field(() => String, { nullable: true }) startCursor: string | null;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

export interface Page<T, C extends number | null = number | null> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  /** null when the caller did not select it (nothing was counted); GraphQL then never reads it. */
  totalCount: C;
}

/**
 * Paging arguments of a list service. `count: false` (the resolver saw no `totalCount` in the
 * selection, see connection.selection.ts) skips the COUNT, which costs a pass over every matching row.
 */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  count?: boolean;
}

/** A Relay connection type for `node`, named `<name>Connection` / `<name>Edge`. */
export function Connection<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String) cursor: string;
    @Field(() => node) node: T;
  }
  @ObjectType(`${name}Connection`)
  class Conn {
    @Field(() => [Edge]) edges: Edge[];
    @Field(() => PageInfo) pageInfo: PageInfo;
    @Field(() => Int) totalCount: number;
  }
  return Conn;
}

export const MAX_PAGE = 100;

/** Validates `first`: 1..100, default 20. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE)
    throw badInput(`first must be between 1 and ${MAX_PAGE}`, 'first');
  return first;
}

/**
 * Turns `first + 1` keyset-ordered rows into a Relay page: the extra row only tells whether a
 * next page exists.
 */
export function toPage<T, C extends number | null>(
  rows: T[],
  first: number,
  after: string | null | undefined,
  totalCount: C,
  cursorOf: (node: T) => string,
): Page<T, C> {
  const edges = rows.slice(0, first).map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
