import fc from 'fast-check';
import {
  getNamedType,
  GraphQLArgument,
  GraphQLField,
  GraphQLInterfaceType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLUnionType,
  isLeafType,
} from 'graphql';
import { FuzzWorld, inputValue, nastyString, printLiteral, toVariable } from './fuzz.values';

/** One request of the fuzz run: who sends it, the JSON body (or raw text), and what kind it is. */
export interface FuzzOp {
  kind: string;
  partner: string;
  /** An object is sent as JSON; a string as it is (malformed bodies). */
  body: unknown;
}

/** Counterexamples print readably: long strings (the 100 kB ones) are cut. */
function withShortPrint(op: FuzzOp): FuzzOp {
  const short = JSON.stringify(op, (_k, v) =>
    typeof v === 'string' && v.length > 200 ? `${v.slice(0, 60)}…(${v.length} chars)` : v,
  );
  return Object.assign(op, { [fc.toStringMethod]: () => short });
}

type Sel = fc.Arbitrary<string>;

/** Selection sets for an output type: a few fields per level, leaves only from `maxDepth` on. */
class Selections {
  private readonly cache = new Map<string, Sel>();
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly world: FuzzWorld,
  ) {}

  of(type: GraphQLNamedType, depth: number): Sel {
    if (isLeafType(type)) return fc.constant('');
    const key = `${type.name}/${depth}`;
    let sel = this.cache.get(key);
    if (!sel) {
      // Built on first use: the schema's types refer to each other, so building eagerly would not end.
      let built: Sel | undefined;
      sel = fc.constant(null).chain(() => (built ??= this.build(type, depth)));
      this.cache.set(key, sel);
    }
    return sel;
  }

  private build(type: GraphQLNamedType, depth: number): Sel {
    if (type instanceof GraphQLUnionType) {
      return fc
        .constantFrom(...type.getTypes())
        .chain((t) => this.of(t, depth + 1).map((s) => `{ __typename ... on ${t.name} ${s} }`));
    }
    const fields = Object.values((type as GraphQLObjectType | GraphQLInterfaceType).getFields());
    const usable = depth >= 3 ? fields.filter((f) => isLeafType(getNamedType(f.type))) : fields;
    if (!usable.length) return fc.constant('{ __typename }');
    return fc
      .subarray(usable, { minLength: 1, maxLength: Math.min(3, usable.length) })
      .chain((picked) => fc.tuple(...picked.map((f) => this.field(f, depth))))
      .map((parts) => `{ ${parts.join(' ')} }`);
  }

  private field(f: GraphQLField<unknown, unknown>, depth: number): Sel {
    const args = f.args.length ? literalArgs(f.args, this.world) : fc.constant('');
    return fc.tuple(args, this.of(getNamedType(f.type), depth + 1)).map(([a, s]) => `${f.name}${a} ${s}`.trim());
  }
}

/** Arguments as literals: required ones always, optional ones sometimes. */
function literalArgs(args: readonly GraphQLArgument[], world: FuzzWorld): Sel {
  return argValues(args, world).map((vals) =>
    vals.length ? `(${vals.map(([a, v]) => `${a.name}: ${printLiteral(v)}`).join(', ')})` : '',
  );
}

function argValues(
  args: readonly GraphQLArgument[],
  world: FuzzWorld,
): fc.Arbitrary<Array<[GraphQLArgument, unknown]>> {
  const parts = args.map((a) => {
    const value = inputValue(a.type, world, 0, a.name).map((v) => [a, v] as [GraphQLArgument, unknown]);
    const required = String(a.type).endsWith('!') && a.defaultValue === undefined;
    return required ? value.map((e) => [e]) : fc.option(value, { freq: 2 }).map((e) => (e ? [e] : []));
  });
  return fc.tuple(...parts).map((p) => p.flat());
}

/** Every generated and mutated operation, as one arbitrary. */
export function fuzzOperations(schema: GraphQLSchema, world: FuzzWorld): fc.Arbitrary<FuzzOp> {
  const selections = new Selections(schema, world);
  const roots = [schema.getQueryType()!, schema.getMutationType()!].flatMap((root) =>
    Object.values(root.getFields()).map((field) => ({
      op: root === schema.getQueryType() ? 'query' : 'mutation',
      field,
    })),
  );
  const rootField = fc.constantFrom(...roots);
  const partner = fc.constantFrom(...world.partners);

  // A root field with literal arguments.
  const literal = fc.tuple(rootField, partner).chain(([{ op, field }, p]) =>
    fc.tuple(literalArgs(field.args, world), selections.of(getNamedType(field.type), 0)).map(([a, s]) => ({
      kind: `${op} ${field.name} (literals)`,
      partner: p,
      body: { query: `${op} { ${field.name}${a} ${s} }` },
    })),
  );

  // The same through variables, sometimes declared with a wrong type or not sent at all.
  const viaVariables = fc
    .tuple(rootField, partner, world.mutate ? fc.nat(9) : fc.constant(9))
    .chain(([{ op, field }, p, twist]) =>
      fc.tuple(argValues(field.args, world), selections.of(getNamedType(field.type), 0)).map(([vals, s]) => {
        const declared = vals.map(([a], i) => `$v${i}: ${twist === 0 ? 'String' : String(a.type)}`);
        const passed = vals.map(([a], i) => `${a.name}: $v${i}`);
        const variables = twist === 1 ? {} : Object.fromEntries(vals.map(([, v], i) => [`v${i}`, toVariable(v)]));
        const head = declared.length ? `(${declared.join(', ')})` : '';
        const call = passed.length ? `(${passed.join(', ')})` : '';
        return {
          kind: `${op} ${field.name} (variables${twist <= 1 ? ', twisted' : ''})`,
          partner: p,
          body: { query: `${op} Fuzz${head} { ${field.name}${call} ${s} }`, variables, operationName: 'Fuzz' },
        };
      }),
    );

  // What the schema does not have.
  const unknown = fc.tuple(rootField, partner, fc.boolean()).map(([{ op, field }, p, arg]) => ({
    kind: 'unknown field or argument',
    partner: p,
    body: { query: arg ? `${op} { ${field.name}(noSuchArgument: 1) { __typename } }` : `${op} { noSuchField { id } }` },
  }));

  const aliases = fc.tuple(partner, fc.constantFrom(6, 50, 1000, 20000)).map(([p, n]) => ({
    kind: `${n} aliases`,
    partner: p,
    body: { query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { __typename }`).join(' ')} }` },
  }));

  const deep = fc.tuple(partner, fc.integer({ min: 8, max: 3000 }), fc.boolean()).map(([p, n, real]) => ({
    kind: `nesting ${n}`,
    partner: p,
    body: {
      query: real
        ? `{ persons { edges { node { ${'household { members { '.repeat(n)}id${' } }'.repeat(n)} } } } }`
        : `{ ${'viewer { '.repeat(n)}__typename${' }'.repeat(n)} }`,
    },
  }));

  // A generated document cut, spliced with a nasty string, or with a character dropped.
  const mangled = fc.tuple(literal, fc.nat(), nastyString, fc.nat(2)).map(([op, at, junk, how]) => {
    const q = op.body.query;
    const i = at % (q.length + 1);
    const query =
      how === 0 ? q.slice(0, i) : how === 1 ? q.slice(0, i) + junk + q.slice(i) : q.slice(0, i) + q.slice(i + 1);
    return { ...op, kind: `mangled ${op.kind}`, body: { query } };
  });

  const malformed = fc
    .tuple(partner, nastyString)
    .chain(([p, junk]) =>
      fc
        .constantFrom<unknown>(
          junk,
          '{"query": ',
          { query: 42 },
          { query: ['{ viewer { slug } }'] },
          { query: { a: 1 } },
          { query: '' },
          { query: '{ viewer { slug } }', variables: 'x' },
          { query: '{ viewer { slug } }', variables: [1] },
          { query: '{ viewer { slug } }', operationName: 'Missing' },
          { query: 'query A { viewer { slug } } query B { partners { slug } }' },
          [{ query: '{ viewer { slug } }' }, { query: '{ partners { slug } }' }],
          { query: junk },
          { query: `{ partner(slug: ${JSON.stringify(junk)}) { slug } }` },
        )
        .map((body) => ({ kind: 'malformed request', partner: p, body })),
    );

  if (!world.mutate) return fc.oneof(literal, viaVariables).map(withShortPrint);
  return fc
    .oneof(
      { weight: 5, arbitrary: literal },
      { weight: 4, arbitrary: viaVariables },
      { weight: 1, arbitrary: unknown },
      { weight: 1, arbitrary: aliases },
      { weight: 1, arbitrary: deep },
      { weight: 1, arbitrary: mangled },
      { weight: 1, arbitrary: malformed },
    )
    .map(withShortPrint);
}
