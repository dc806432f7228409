import fs from 'node:fs';
import path from 'node:path';
import { composeFromCode, schemaFiles } from '../../src/schema-files';

/** Partners review the committed SDL, so it must be exactly what the code serves. */
describe('schema/ contracts', () => {
  it('match the code (run `npx lotse compose` after changing the schema)', async () => {
    const files = schemaFiles(await composeFromCode());
    const dir = path.resolve(__dirname, '../../schema');
    for (const [file, content] of Object.entries(files)) {
      const committed = path.join(dir, file);
      expect(fs.existsSync(committed)).toBe(true);
      expect(fs.readFileSync(committed, 'utf8')).toBe(content);
    }
    expect(
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.graphql') || f.endsWith('.schema.json'))
        .sort(),
    ).toEqual(Object.keys(files).sort());
  });

  it('keep the API contract names', async () => {
    const { supergraph } = await composeFromCode();
    for (const needle of [
      'person(id: ID!): Person',
      'persons(',
      'PersonConnection!',
      'jobcenter: JobcenterRecord',
      'biography(',
      'totalCount: Int!',
    ]) {
      expect(supergraph).toContain(needle);
    }
    expect(supergraph).toMatch(/type Person\b[^{]*@join__type\(graph: CITY, key: "id"\)/);
  });
});

describe('saved GraphiQL examples', () => {
  it('are valid operations against the supergraph', async () => {
    const { getStitchedSchemaFromSupergraphSdl } = await import('@graphql-tools/federation');
    const { parse, validate } = await import('graphql');
    const { EXAMPLE_OPERATIONS } = await import('../../src/gateway/examples');
    const { demoCityConfig } = await import('../../src/seed/demo-config');
    const DEMO_PARTNERS = demoCityConfig().partners;
    const schema = getStitchedSchemaFromSupergraphSdl({ supergraphSdl: (await composeFromCode()).supergraph });
    for (const ex of EXAMPLE_OPERATIONS) {
      expect({ title: ex.title, errors: validate(schema, parse(ex.query)).map((e) => e.message) }).toEqual({
        title: ex.title,
        errors: [],
      });
    }
    // One set per demo partner.
    expect(new Set(EXAMPLE_OPERATIONS.map((e) => e.partner))).toEqual(new Set(DEMO_PARTNERS.map((p) => p.slug)));
  });
});
