import { relocatedError } from '@graphql-tools/utils';
import {
  ASTNode,
  defaultFieldResolver,
  GraphQLError,
  GraphQLFieldResolver,
  GraphQLResolveInfo,
  GraphQLSchema,
  isObjectType,
  responsePathAsArray,
} from 'graphql';
import { errorCode } from '../shared/errors';

/**
 * Errors of a subgraph reach the client at the field whose value they replace. Stitching locates
 * them itself, and gets it wrong for entities fetched in one `_entities` batch: every error of the
 * batch lands at the path of the batch's first key (`persons.edges.0.node.jobcenter` four times;
 * graphql-tools issue 2950, open upstream: its batch loader keeps the first key's `info`).
 * The field that hands an error on knows its own path, so each field relocates what it returns.
 * Several errors of one subgraph call (an AggregateError, which graphql-js would mask) become one
 * error listing them all (see mergeErrors).
 */
export function locateSubgraphErrors(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const located: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
        let value: unknown;
        try {
          value = resolve(source, args, context, info);
        } catch (err) {
          throw atField(err, info);
        }
        if (value instanceof Promise)
          return value.then(
            (v: unknown) => locateValue(v, info),
            (err: unknown) => {
              throw atField(err, info);
            },
          );
        return locateValue(value, info);
      };
      // Stitching recognises its default resolvers by name when it plans a delegation.
      Object.defineProperty(located, 'name', { value: resolve.name });
      field.resolve = located;
    }
  }
  return schema;
}

function locateValue(value: unknown, info: GraphQLResolveInfo): unknown {
  if (value instanceof Error) return atField(value, info);
  if (Array.isArray(value) && value.some((v) => v instanceof Error)) {
    const path = responsePathAsArray(info.path);
    return value.map((v, i) => (v instanceof Error ? relocate(v, [...path, i]) : v));
  }
  return value;
}

function atField(err: unknown, info: GraphQLResolveInfo): unknown {
  return err instanceof Error ? relocate(err, responsePathAsArray(info.path), info.fieldNodes) : err;
}

function relocate(err: Error, path: ReadonlyArray<string | number>, nodes?: ReadonlyArray<ASTNode>): Error {
  if (err instanceof AggregateError) {
    const errors = err.errors.filter((e): e is GraphQLError => e instanceof GraphQLError);
    if (errors.length === err.errors.length && errors.length > 0) return mergeErrors(errors, path, nodes);
    return err;
  }
  // Errors without a path are located by graphql-js itself.
  if (err instanceof GraphQLError && err.path && !samePath(err.path, path)) return relocatedError(err, path);
  return err;
}

/**
 * One error for several of one field: the first one's message and extensions, the others'
 * messages appended, and `fields` naming every refused input (`field` stays the first). Mixed
 * codes keep the first error's code; an error without a code makes the whole one internal.
 */
export function mergeErrors(
  errors: GraphQLError[],
  path: ReadonlyArray<string | number>,
  nodes?: ReadonlyArray<ASTNode>,
): GraphQLError {
  if (errors.length === 1) return relocatedError(errors[0], path);
  const [first] = errors;
  const internal = errors.find((e) => errorCode(e) === 'INTERNAL_SERVER_ERROR');
  if (internal) return relocatedError(internal, path);
  const fields = [...new Set(errors.flatMap((e) => fieldsOf(e)))];
  return new GraphQLError(errors.map((e) => e.message).join('; '), {
    // The partner's field, not the subgraph's variable: Apollo would take the latter for its own.
    nodes: nodes ?? first.nodes,
    path,
    originalError: first.originalError ?? undefined,
    extensions: { ...first.extensions, ...(fields.length ? { field: fields[0], fields } : {}) },
  });
}

function fieldsOf(e: GraphQLError): string[] {
  const { field, fields } = e.extensions ?? {};
  if (Array.isArray(fields)) return fields.filter((f): f is string => typeof f === 'string');
  return typeof field === 'string' ? [field] : [];
}

function samePath(a: ReadonlyArray<string | number>, b: ReadonlyArray<string | number>): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
