import { makeExecutableSchema } from '@graphql-tools/schema';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLResolveInfo, GraphQLScalarType, GraphQLSchema, Kind, parse } from 'graphql';
import { buildSchema, BuildSchemaOptions, createResolversMap } from 'type-graphql';

/**
 * Federation 2 subgraphs without Apollo's subgraph library: its federation-internals are under
 * the Elastic License 2.0, which public-sector code platforms do not accept. What a subgraph must
 * add to its own schema is small and specified (Apollo Federation subgraph spec): `_Any`,
 * `_Entity`, `_Service`, `Query._entities`, `Query._service` and the directive definitions.
 */
const FEDERATION_VERSION = 'https://specs.apollo.dev/federation/v2.3';
const IMPORTS = ['@key', '@shareable', '@external', '@requires', '@composeDirective'];
/** Our own directive, composed into the supergraph so partners read data categories in the SDL. */
const DATA_PROTECTION_SPEC = 'https://lotse.invalid/data-protection/v1.0';
const HEADER = `extend schema
  @link(url: "${FEDERATION_VERSION}", import: [${IMPORTS.map((i) => `"${i}"`).join(', ')}])
  @link(url: "${DATA_PROTECTION_SPEC}", import: ["@personalData"])
  @composeDirective(name: "@personalData")`;

const DEFINITIONS = `
scalar _Any
scalar federation__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
type _Service { sdl: String }
directive @link(url: String!, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @key(fields: federation__FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @external on OBJECT | FIELD_DEFINITION
directive @requires(fields: federation__FieldSet!) on FIELD_DEFINITION
directive @composeDirective(name: String!) repeatable on SCHEMA
`;
/** Part of the subgraph SDL itself: composition must see its definition to compose it. */
const PERSONAL_DATA_DEFINITION = `"""
Personal data of a category: it resolves only on a legal basis or the person's consent for the stated purpose
"""
directive @personalData(category: String!) on FIELD_DEFINITION`;

type Representation = { __typename: string } & Record<string, unknown>;
export type ReferenceResolver = (ref: any, context: any, info: GraphQLResolveInfo) => unknown;

export interface FederatedSchema {
  schema: GraphQLSchema;
  /** The subgraph's SDL as composition and `_service { sdl }` see it. */
  sdl: string;
}

const passThrough = (name: string, description: string) =>
  new GraphQLScalarType({
    name,
    description,
    serialize: (v) => v,
    parseValue: (v) => v,
    parseLiteral: () => {
      throw new Error(`${name} is only accepted as a variable`);
    },
  });

/**
 * type-graphql builds the schema from decorators; this adds the federation fields. Reference
 * resolvers say how another subgraph's `{ __typename, id }` becomes an object of ours.
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, 'skipCheck'>,
  referenceResolvers: Record<string, ReferenceResolver> = {},
): Promise<FederatedSchema> {
  const base = await buildSchema({ ...options, skipCheck: true, validate: false });
  const sdl = `${HEADER}\n\n${PERSONAL_DATA_DEFINITION}\n\n${printSchemaWithDirectives(base).trim()}\n`;

  const doc = parse(sdl);
  const entities = doc.definitions
    .filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.directives?.some((dir) => dir.name.value === 'key'))
    .map((d) => (d as { name: { value: string } }).name.value);
  const hasQuery = Boolean(base.getQueryType());
  const extra = [
    DEFINITIONS,
    entities.length ? `union _Entity = ${entities.join(' | ')}` : '',
    `${hasQuery ? 'extend type' : 'type'} Query {\n  ${entities.length ? '_entities(representations: [_Any!]!): [_Entity]!\n  ' : ''}_service: _Service!\n}`,
  ].join('\n');

  const resolvers = createResolversMap(base) as Record<string, any>;
  const query = { ...(resolvers.Query ?? {}) };
  query._service = () => ({ sdl });
  if (entities.length) {
    query._entities = (
      _root: unknown,
      args: { representations: Representation[] },
      context: unknown,
      info: GraphQLResolveInfo,
    ) =>
      Promise.all(
        args.representations.map(async (rep) => {
          if (!entities.includes(rep.__typename))
            throw new Error(`${rep.__typename} is not an entity of this subgraph`);
          const resolve = referenceResolvers[rep.__typename];
          const found = resolve ? await resolve(rep, context, info) : rep;
          // Keep the class instance (field resolvers may rely on it); tag it for _Entity's type resolution.
          return found ? Object.assign(found, { __typename: rep.__typename }) : null;
        }),
      );
    resolvers._Entity = { __resolveType: (obj: { __typename: string }) => obj.__typename };
  }
  resolvers.Query = query;
  resolvers._Any = passThrough('_Any', 'An entity representation');

  const schema = makeExecutableSchema({ typeDefs: [sdl, extra], resolvers });
  return { schema, sdl };
}
