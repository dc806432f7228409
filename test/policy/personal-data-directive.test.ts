/**
 * Partners learn which fields hold personal data, and of which category, from the published SDL
 * (`@personalData(category: "…")`). The guard that enforces it is the same decorator, but
 * type-graphql can keep the guard and drop the directive (a field resolver for a field the class
 * also declares). This walks every field the policy guards and checks the SDL says so.
 */
import 'reflect-metadata';
import { FieldDefinitionNode, Kind, parse, StringValueNode } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { guardedCategory, PERSONAL_DATA_DIRECTIVE } from '../../src/policy/personal-data';
import { composeFromCode } from '../../src/schema-files';

interface Guarded {
  type: string;
  field: string;
  category: string;
}

/** Every guarded field, from the decorators' metadata: class fields and field resolvers alike. */
function guardedFields(): Guarded[] {
  const storage = getMetadataStorage();
  const typeName = (cls: unknown) =>
    storage.objectTypes.find((o) => o.target === cls)?.name ??
    storage.interfaceTypes.find((o) => o.target === cls)?.name;
  const out: Guarded[] = [];
  for (const f of storage.fields) {
    const category = guardedCategory(f.target.prototype as object, f.name);
    const type = typeName(f.target);
    if (category && type) out.push({ type, field: f.schemaName, category });
  }
  for (const r of storage.fieldResolvers) {
    const category = guardedCategory(r.target.prototype as object, r.methodName);
    const objectType = r.getObjectType?.() ?? r.resolverClassMetadata?.getObjectType();
    const type = typeName(objectType);
    if (category && type) out.push({ type, field: r.schemaName, category });
  }
  return out;
}

/** Fields per `Type.field` in one subgraph's SDL (types and type extensions). */
function sdlFields(sdl: string): Map<string, FieldDefinitionNode> {
  const fields = new Map<string, FieldDefinitionNode>();
  for (const def of parse(sdl).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const f of def.fields ?? []) fields.set(`${def.name.value}.${f.name.value}`, f);
  }
  return fields;
}

const categoryInSdl = (f: FieldDefinitionNode): string | undefined => {
  const d = f.directives?.find((x) => x.name.value === PERSONAL_DATA_DIRECTIVE);
  const arg = d?.arguments?.find((a) => a.name.value === 'category');
  return (arg?.value as StringValueNode | undefined)?.value;
};

describe('@personalData in the SDL', () => {
  it('every field the policy guards carries its category in every subgraph that serves it', async () => {
    const { subgraphs } = await composeFromCode();
    const guarded = guardedFields();
    // The walk finds the known guards, so an empty or broken walk cannot pass.
    expect(guarded).toEqual(
      expect.arrayContaining([
        { type: 'Person', field: 'givenName', category: 'identity' },
        { type: 'Person', field: 'address', category: 'contact' },
        { type: 'Person', field: 'residenceStatus', category: 'residence' },
      ]),
    );
    const served = Object.entries(subgraphs).map(([name, sdl]) => ({ name, fields: sdlFields(sdl) }));
    const problems: string[] = [];
    for (const g of guarded) {
      const key = `${g.type}.${g.field}`;
      const where = served.filter((s) => s.fields.has(key));
      if (!where.length) problems.push(`${key} is guarded but served by no subgraph`);
      for (const s of where) {
        const found = categoryInSdl(s.fields.get(key)!);
        if (found !== g.category)
          problems.push(`${s.name}: ${key} is guarded for ${g.category}, the SDL says ${found ?? 'nothing'}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('and no field claims a category it is not guarded for', async () => {
    const { subgraphs } = await composeFromCode();
    const guarded = new Set(guardedFields().map((g) => `${g.type}.${g.field}:${g.category}`));
    const claimed: string[] = [];
    for (const sdl of Object.values(subgraphs)) {
      for (const [key, f] of sdlFields(sdl)) {
        const category = categoryInSdl(f);
        if (category && !guarded.has(`${key}:${category}`)) claimed.push(`${key}:${category}`);
      }
    }
    expect(claimed).toEqual([]);
  });
});
