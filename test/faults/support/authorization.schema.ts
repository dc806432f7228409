import { Kind, Lexer, parse, Source, StringValueNode, TokenKind, TypeNode } from 'graphql';
import { ARMOR_LIMITS } from '../../../src/gateway/armor';

/**
 * The personal-data fields of the published schema, read from its SDL (the `@personalData`
 * directive), and GraphQL selections that ask for all of them. Nothing is listed by hand: a new
 * guarded field is in the next run of the matrix.
 */
export interface FieldInfo {
  name: string;
  /** The named type (lists unwrapped). */
  type: string;
  category: string | null;
  requiredArgs: boolean;
}

export interface SchemaModel {
  /** Object types → fields. */
  objects: Map<string, Map<string, FieldInfo>>;
  /** `Type.field` → category, every guarded field of the schema. */
  personalFields: Map<string, string>;
}

const named = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type));

export function schemaModel(sdl: string): SchemaModel {
  const objects = new Map<string, Map<string, FieldInfo>>();
  const personalFields = new Map<string, string>();
  for (const def of parse(sdl).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const fields = objects.get(def.name.value) ?? new Map<string, FieldInfo>();
    objects.set(def.name.value, fields);
    for (const f of def.fields ?? []) {
      const d = f.directives?.find((x) => x.name.value === 'personalData');
      const arg = d?.arguments?.find((a) => a.name.value === 'category');
      const category = (arg?.value as StringValueNode | undefined)?.value ?? null;
      const requiredArgs = (f.arguments ?? []).some((a) => a.type.kind === Kind.NON_NULL_TYPE && !a.defaultValue);
      fields.set(f.name.value, { name: f.name.value, type: named(f.type), category, requiredArgs });
      if (category) personalFields.set(`${def.name.value}.${f.name.value}`, category);
    }
  }
  return { objects, personalFields };
}

/**
 * The selection of everything below a field of type `type`: its leaves, and its objects to
 * `depth` levels. A nested Person gets its id and its guarded leaves (whose data they are is then
 * known); Query-only and argument-taking fields are left out.
 */
export function selectAll(model: SchemaModel, type: string, depth: number): string {
  const fields = model.objects.get(type);
  if (!fields) return ''; // scalar or enum
  const parts: string[] = [];
  for (const f of fields.values()) {
    if (f.requiredArgs) continue;
    if (!model.objects.has(f.type)) parts.push(f.name);
    else if (f.type === 'Person') parts.push(`${f.name} { id ${personLeaves(model).join(' ')} }`);
    else if (depth > 0) parts.push(`${f.name} { ${selectAll(model, f.type, depth - 1)} }`);
  }
  return parts.join(' ');
}

/** Guarded leaves of Person (scalars, enums and lists of them). */
function personLeaves(model: SchemaModel): string[] {
  return [...model.objects.get('Person')!.values()]
    .filter((f) => f.category && !model.objects.has(f.type))
    .map((f) => f.name);
}

/**
 * One selection unit per guarded field of Person (with everything below it), plus the biography,
 * whose entries each carry the category they reveal. Not `deep`: for a person one level deeper
 * (under referrals, notifications), within the gateway's depth limit, only leaves below each field.
 */
export function personUnits(model: SchemaModel, opts: { deep: boolean }): string[] {
  const units: string[] = [];
  for (const f of model.objects.get('Person')!.values()) {
    if (!f.category) continue;
    if (!model.objects.has(f.type)) units.push(f.name);
    else units.push(`${f.name} { ${opts.deep ? selectAll(model, f.type, 1) : leavesOnly(model, f.type)} }`);
  }
  units.push('biography { id type category data }');
  return units;
}

function leavesOnly(model: SchemaModel, type: string): string {
  const fields = [...model.objects.get(type)!.values()].filter((f) => !f.requiredArgs);
  const leaves = fields.filter((f) => !model.objects.has(f.type)).map((f) => f.name);
  const persons = fields.filter((f) => f.type === 'Person').map((f) => `${f.name} { id }`);
  return [...leaves, ...persons].join(' ');
}

export function tokenCount(text: string): number {
  const lexer = new Lexer(new Source(text));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
}

/**
 * Packs units into as few documents as the gateway's token limit allows: `wrap` puts a
 * selection into its operation. Throws if one unit alone does not fit.
 */
export function packUnits(units: string[], wrap: (selection: string) => string): string[] {
  const limit = ARMOR_LIMITS.maxTokens - 10;
  const docs: string[] = [];
  let current: string[] = [];
  for (const unit of units) {
    if (tokenCount(wrap(unit)) > limit) throw new Error(`a selection does not fit the token limit: ${unit}`);
    if (current.length && tokenCount(wrap([...current, unit].join(' '))) > limit) {
      docs.push(wrap(current.join(' ')));
      current = [];
    }
    current.push(unit);
  }
  if (current.length) docs.push(wrap(current.join(' ')));
  return docs;
}
