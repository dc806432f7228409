import fc from 'fast-check';
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
} from 'graphql';

/** An enum value, printed without quotes in a document (in variables it is a plain string). */
export class EnumLiteral {
  constructor(readonly name: string) {}
}

/** What the generators know of the running hub: ids that exist, so valid operations reach the services. */
export interface FuzzWorld {
  partners: string[];
  ids: string[];
  /** false: only values the types accept (well-formed operations that reach the services' own checks). */
  mutate: boolean;
}

/** Values the services accept, by input field name: without them a well-formed write rarely passes. */
const HINTS: Record<string, fc.Arbitrary<unknown>> = {
  municipalityKey: fc.constantFrom('05566076', '05566008'),
  purpose: fc.constantFrom('integration_course_referral', 'case_management', 'youth_welfare'),
  referralType: fc.constantFrom('integration_course', 'youth_to_adult', 'benefit_handover'),
  customerNumber: fc.integer({ min: 100000, max: 999999 }).map((n) => `845D${n}`),
  url: fc.constant('http://127.0.0.1:9/hook'),
  eventTypes: fc.constantFrom('referral.requested', 'person.moved', 'referral.accepted'),
  categories: fc.constantFrom('identity', 'residence', 'contact'),
  evidenceRef: fc.constant('Einwilligung 1'),
  givenName: fc.constantFrom('Omid', 'Lina', 'Ayşe'),
  familyName: fc.constantFrom('Karimi', 'Haddad', 'Öztürk'),
  nationalities: fc.constantFrom('SY', 'AF', 'UA'),
  value: fc.integer({ min: 100000, max: 999999 }).map((n) => `123456${n}`),
};

// SQL payloads are lower case on purpose: the leak check looks for upper-case SQL in error texts,
// so an error that merely echoes the input back is not taken for a leak.
const SQL = [
  "' or '1'='1",
  '1; drop table city.person; --',
  "x' union select password from pg_shadow --",
  "'); delete from hub.referral; --",
  '\\x27 or 1=1 /*',
];
const CRLF = ['a\r\nb', '\r\n\r\nHTTP/1.1 200 OK\r\n', 'x\nSet-Cookie: a=b', '\r'];
const UNICODE = ['\u0000', 'a\u0000b', '\u202e\u200b', '🧭Lotse', 'Ｍüller', '\ud800', 'Ω≈ç√∫', '\ufeff'];
const BAD_DATES = ['2023-02-30', '0000-00-00', '9999-99-99', '2023-13-01', '', 'yesterday', '2023-02-30T25:61:00Z'];
const BAD_IDS = ['', ' ', '0', '-1', 'null', '00000000-0000-0000-0000-000000000000', 'not-a-uuid', '%00', '../../etc'];
const BAD_CURSORS = [
  '',
  '!!!',
  'e30=',
  'eyJpZCI6IicgT1IgMT0xIn0=',
  Buffer.from('{"k":[1,2,{"a":null}]}').toString('base64'),
];
const BAD_INTS = [-1, 0, -2147483648, 2147483647, 2147483648, 1e21, -1e308, 1.5];

const hugeString = fc.constantFrom('x', 'ü', '🧭', "'").map((c) => c.repeat(100_000 / c.length));

/** Strings a partner should never send but may: each is answered, never a crash. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL, ...CRLF, ...UNICODE, ...BAD_DATES, ...BAD_IDS, ...BAD_CURSORS),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  hugeString,
);

/** A value of the wrong kind for any type: number for a string, object for a scalar, deep nesting. */
const deepValue: fc.Arbitrary<unknown> = fc
  .integer({ min: 20, max: 400 })
  .map((n) => Array.from({ length: n }).reduce<unknown>((inner) => [inner], 'x'));
const wrongKind: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, [], {}, [null], { a: 1 }, 'x', 0, -1),
  fc.constantFrom(...BAD_INTS),
  deepValue,
);

function validScalar(type: GraphQLScalarType, world: FuzzWorld): fc.Arbitrary<unknown> {
  switch (type.name) {
    case 'ID':
      return fc.oneof(fc.constantFrom(...world.ids), fc.uuid());
    case 'String':
      return fc.oneof(
        fc.constantFrom(...world.partners, 'Karimi', 'http://127.0.0.1:9/hook', '05566076', 'DE'),
        fc.string({ maxLength: 12 }),
      );
    case 'Int':
      return fc.integer({ min: 1, max: 50 });
    case 'Float':
      return fc.double({ min: 0, max: 100, noNaN: true });
    case 'Boolean':
      return fc.boolean();
    case 'Date':
      return fc
        .date({ min: new Date('1950-01-01'), max: new Date('2035-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'DateTime':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2035-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'JSONObject':
      return fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
    default:
      return fc.string({ maxLength: 12 });
  }
}

function nastyScalar(type: GraphQLScalarType): fc.Arbitrary<unknown> {
  switch (type.name) {
    case 'Int':
    case 'Float':
      return fc.oneof(fc.constantFrom(...BAD_INTS), fc.integer(), nastyString);
    case 'Date':
    case 'DateTime':
      return fc.oneof(fc.constantFrom(...BAD_DATES), nastyString);
    case 'JSONObject':
      return fc.oneof(
        deepValue.map((v) => ({ v })),
        fc.jsonValue(),
        nastyString,
      );
    default:
      return nastyString;
  }
}

/**
 * A value for an input type: mostly one the type accepts (so the operation reaches resolvers and
 * services), sometimes a mutated one (wrong kind, nasty string, out of range, impossible date).
 */
export function inputValue(type: GraphQLInputType, world: FuzzWorld, depth = 0, name = ''): fc.Arbitrary<unknown> {
  const valid = validValue(type, world, depth, name);
  if (!world.mutate) return valid;
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: mutatedValue(type, world, depth) });
}

function validValue(type: GraphQLInputType, world: FuzzWorld, depth: number, name: string): fc.Arbitrary<unknown> {
  if (type instanceof GraphQLNonNull) return inputValue(type.ofType, world, depth, name);
  if (type instanceof GraphQLList)
    return fc.array(inputValue(type.ofType, world, depth + 1, name), { minLength: world.mutate ? 0 : 1, maxLength: 3 });
  if (type instanceof GraphQLEnumType) return fc.constantFrom(...type.getValues().map((v) => new EnumLiteral(v.name)));
  if (type instanceof GraphQLInputObjectType) {
    if (depth > 3) return fc.constant({});
    const fields = Object.values(type.getFields());
    const entries = fields.map((f) => {
      const required = f.type instanceof GraphQLNonNull;
      const value = inputValue(f.type, world, depth + 1, f.name).map((v) => [f.name, v] as const);
      return required ? value.map((e) => [e]) : fc.option(value, { freq: 2 }).map((e) => (e ? [e] : []));
    });
    return fc.tuple(...entries).map((parts) => Object.fromEntries(parts.flat()));
  }
  const hint = HINTS[name];
  const scalar = validScalar(type, world);
  return hint && type.name === 'String' ? fc.oneof({ weight: 3, arbitrary: hint }, scalar) : scalar;
}

function mutatedValue(type: GraphQLInputType, world: FuzzWorld, depth: number): fc.Arbitrary<unknown> {
  const named = type instanceof GraphQLNonNull || type instanceof GraphQLList ? type.ofType : type;
  const specific =
    named instanceof GraphQLScalarType
      ? nastyScalar(named)
      : named instanceof GraphQLEnumType
        ? fc.oneof(nastyString, fc.constant(new EnumLiteral('NO_SUCH_VALUE')))
        : named instanceof GraphQLInputObjectType && depth < 3
          ? validValue(named, world, depth, '').map((o) => ({ ...(o as object), unknownField: 'x' }))
          : nastyString;
  return fc.oneof(specific, wrongKind);
}

/** A value printed as a GraphQL literal; strings use JSON escapes, which GraphQL shares. */
export function printLiteral(value: unknown): string {
  if (value instanceof EnumLiteral) return value.name;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(printLiteral).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${k}: ${printLiteral(v)}`)
    .join(', ')}}`;
}

/** The same value as JSON in `variables`: enums become their names. */
export function toVariable(value: unknown): unknown {
  if (value instanceof EnumLiteral) return value.name;
  if (Array.isArray(value)) return value.map(toVariable);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toVariable(v)]));
  return value;
}
