import crypto from 'node:crypto';
import fc from 'fast-check';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  IntrospectionQuery,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { SCOPES } from '../../src/shared/scopes';
import type { RegisterPartnerInput } from '../../src/subgraphs/hub/partner/partner.types';
import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';

type Json = unknown;
type Path = string[];

/**
 * Every argument of every root field, nested input fields included, with malformed values: no
 * answer may be an internal error or a 5xx, and every BAD_USER_INPUT names a field. Bounded
 * (a fixed set of values per type, a few generated ones with a fixed seed), so it stays fast.
 */
describe('input fuzzing over the whole API', () => {
  let app: TestApp;
  let schema: GraphQLSchema;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp({
      env: { RATE_LIMIT_OPERATIONS_PER_MINUTE: '1000000', RATE_LIMIT_COST_PER_MINUTE: '1000000000' },
    });
    // Every scope, so that input checks are reached rather than hidden behind FORBIDDEN (admin:manage
    // needs a partner of kind operator: the admin API's checks are fuzzed too).
    const partners = app.container.subgraphs.hub.services.partners;
    const abh = (await partners.findBySlug('rheine-abh'))!;
    await asHub(app, () =>
      partners.upsert({ ...abh, kind: 'operator', scopes: [...SCOPES] } as unknown as RegisterPartnerInput),
    );
    token = await app.token('rheine-abh', [...SCOPES]);
    const res = await app.gql('rheine-abh', getIntrospectionQuery({ descriptions: false }));
    expect(res.body.errors).toBeUndefined();
    schema = buildClientSchema(res.body.data as IntrospectionQuery);
  });
  afterAll(async () => app?.stop());

  it('answers malformed input as BAD_USER_INPUT naming a field, never as an internal error', async () => {
    const cases: Array<{
      operation: 'query' | 'mutation';
      field: GraphQLField<unknown, unknown>;
      vars: Record<string, Json>;
      /** An argument written into the document instead of passed as a variable. */
      literal?: { name: string; text: string };
      target: string;
    }> = [];
    for (const operation of ['query', 'mutation'] as const) {
      const root = operation === 'query' ? schema.getQueryType() : schema.getMutationType();
      for (const field of Object.values((root as GraphQLObjectType).getFields())) {
        for (const arg of field.args) {
          for (const target of targets(arg.type, [arg.name])) {
            for (const bad of malformed(target.type)) {
              const vars: Record<string, Json> = {};
              for (const a of field.args) {
                const v = a.name === arg.name ? undefined : valid(a.type);
                if (v !== undefined) vars[a.name] = v;
              }
              vars[arg.name] = setAt(valid(arg.type, true), arg.type, target.path.slice(1), bad);
              cases.push({
                operation,
                field,
                vars,
                target: `${field.name}(${target.path.join('.')}) = ${preview(bad)}`,
              });
              // The same string written into the document: the gateway passes it on as a variable of its own.
              if (target.path.length === 1 && typeof bad === 'string' && bad.length < 1000) {
                const { [arg.name]: _written, ...others } = vars;
                const literal = { name: arg.name, text: JSON.stringify(bad) };
                cases.push({
                  operation,
                  field,
                  vars: others,
                  literal,
                  target: `${field.name}(${arg.name}: ${literal.text})`,
                });
              }
            }
          }
        }
      }
    }
    expect(cases.length).toBeGreaterThan(200);

    const failures: string[] = [];
    const send = async (c: (typeof cases)[number]) => {
      const asVariables = c.field.args.filter((a) => a.name !== c.literal?.name);
      const defs = asVariables.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
      const args = c.field.args
        .map((a) => `${a.name}: ${a.name === c.literal?.name ? c.literal.text : `$${a.name}`}`)
        .join(', ');
      const selection = isCompositeType(getNamedType(c.field.type)) ? ' { __typename }' : '';
      const query = `${c.operation}${defs ? `(${defs})` : ''} { ${c.field.name}${args ? `(${args})` : ''}${selection} }`;
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: c.vars }),
      });
      const text = await res.text();
      let errors: Array<{ message: string; extensions?: { code?: string; field?: unknown } }> = [];
      try {
        errors = (JSON.parse(text) as { errors?: typeof errors }).errors ?? [];
      } catch {
        if (res.status < 500 && res.status !== 413) failures.push(`${c.target}: HTTP ${res.status}, not JSON`);
      }
      if (res.status >= 500) failures.push(`${c.target}: HTTP ${res.status}`);
      for (const e of errors) {
        const code = e.extensions?.code;
        if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) failures.push(`${c.target}: ${code} ${e.message}`);
        if (code === 'BAD_USER_INPUT' && typeof e.extensions?.field !== 'string')
          failures.push(`${c.target}: BAD_USER_INPUT without field: ${e.message}`);
      }
    };
    // A few at a time: the machine is shared.
    for (let i = 0; i < cases.length; i += 4) await Promise.all(cases.slice(i, i + 4).map(send));
    expect(failures).toEqual([]);
  }, 120_000);
});

/** The argument itself and every input field below it (three levels), with their types. */
function targets(type: GraphQLInputType, path: Path, depth = 0): Array<{ path: Path; type: GraphQLInputType }> {
  const found = [{ path, type }];
  const named = getNamedType(type);
  if (isInputObjectType(named) && depth < 3)
    for (const f of Object.values(named.getFields())) found.push(...targets(f.type, [...path, f.name], depth + 1));
  return found;
}

/** A plausible value: required input fields filled, optional ones left out unless `full`. */
function valid(type: GraphQLInputType, full = false): Json {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [valid(nullable.ofType)];
  const named = nullable as GraphQLNamedType;
  if (!isNonNullType(type) && !full) return undefined;
  if (isEnumType(named)) return named.getValues()[0].value as Json;
  if (isInputObjectType(named)) {
    const obj: Record<string, Json> = {};
    for (const f of Object.values(named.getFields()))
      if (isNonNullType(f.type) && f.defaultValue === undefined) obj[f.name] = valid(f.type);
    return obj;
  }
  return scalar(named.name);
}

function scalar(name: string): Json {
  switch (name) {
    case 'ID':
      return crypto.randomUUID();
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'Date':
      return '2025-01-01';
    case 'DateTime':
      return '2025-01-01T00:00:00Z';
    case 'JSONObject':
      return {};
    default:
      return 'x';
  }
}

/** Replaces the value at `path` (input fields below the argument) with `bad`, creating objects on the way. */
function setAt(value: Json, type: GraphQLInputType, path: Path, bad: Json): Json {
  if (!path.length) return bad;
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [setAt(Array.isArray(value) ? value[0] : undefined, nullable.ofType, path, bad)];
  const named = nullable as GraphQLNamedType;
  if (!isInputObjectType(named)) return value;
  const obj = { ...((value as Record<string, Json>) ?? valid(named, true)) } as Record<string, Json>;
  const field = named.getFields()[path[0]];
  obj[path[0]] = setAt(obj[path[0]] ?? valid(field.type, true), field.type, path.slice(1), bad);
  return obj;
}

const CONTROL_STRINGS = fc.sample(
  fc
    .tuple(fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 31 }), fc.string({ maxLength: 6 }))
    .map(([a, c, b]) => `${a}${String.fromCharCode(c)}${b}`),
  { seed: 10, numRuns: 2 },
);

/** Malformed values for the type at a target: the wrong type, and the bad forms of the right one. */
function malformed(type: GraphQLInputType): Json[] {
  const named = getNamedType(type);
  const values: Json[] = [];
  if (isNonNullType(type)) values.push(null);
  if (isInputObjectType(named)) values.push('not an object', [1]);
  else if (isEnumType(named)) values.push('no_such_value', 7);
  else if (isScalarType(named)) {
    switch (named.name) {
      case 'Int':
      case 'Float':
        values.push(-1, 0, 2 ** 31, 1e9, 'many', 1.5);
        break;
      case 'Boolean':
        values.push('yes');
        break;
      case 'Date':
      case 'DateTime':
        values.push('2024-02-30', '3000-01-01', 'x', '', 20240101);
        break;
      default:
        values.push('a\u0000b', 'x'.repeat(90_000), 'not-an-id', 'Zm9vYmFy', '!!!', {}, 12345, ...CONTROL_STRINGS);
    }
  }
  return isListType(getNullableType(type))
    ? [
        ...values,
        ...values
          .filter((v) => v !== null)
          .slice(0, 2)
          .map((v) => [v]),
      ]
    : values;
}

function preview(v: Json): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
