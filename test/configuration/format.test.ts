/**
 * The city.yaml format without a database: the committed JSON Schema against the code's
 * vocabularies, and what the parser reports for a broken file (file:line:column and path).
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { cityConfigSchemaText, CITY_SCHEMA_FILE } from '../../src/configuration/configuration.schema';
import { ConfigFileError, parseCityConfig } from '../../src/configuration/configuration.parse';
import { formatCityConfig } from '../../src/configuration/configuration.export';
import { DATA_CATEGORIES, PURPOSES } from '../../src/policy/policy.vocabulary';
import { RECORD_TYPES, RETENTION_ACTIONS } from '../../src/retention/retention.types';
import { SCOPES } from '../../src/shared/scopes';
import { BREACH_ACTIONS } from '../../src/subgraphs/hub/agreement/agreement.rules';
import { LegalDomain, PartnerKind } from '../../src/subgraphs/hub/partner/partner.types';
import { ROOT } from '../helpers/lotse-process';

const committed = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', CITY_SCHEMA_FILE), 'utf8'));
const defs = committed.definitions;
const sorted = (values: readonly unknown[]) => [...values].map(String).sort();

describe('schema/city-config.schema.json', () => {
  it('lists exactly the vocabularies of the code (regenerate with npx lotse compose)', () => {
    expect(sorted(defs.kind.enum)).toEqual(sorted(Object.values(PartnerKind)));
    expect(sorted(defs.legalDomain.enum)).toEqual(sorted(Object.values(LegalDomain)));
    expect(sorted(defs.scope.enum)).toEqual(sorted(SCOPES));
    expect(sorted(defs.purpose.enum)).toEqual(sorted(PURPOSES));
    expect(sorted(defs.category.enum)).toEqual(sorted(DATA_CATEGORIES));
    expect(sorted(defs.retentionRule.properties.recordType.enum)).toEqual(sorted(RECORD_TYPES));
    expect(sorted(defs.retentionRule.properties.action.enum)).toEqual(sorted(RETENTION_ACTIONS));
    expect(sorted(defs.retentionRule.properties.purpose.enum.filter((p: unknown) => p !== null))).toEqual(
      sorted(PURPOSES),
    );
    expect(sorted(defs.agreement.properties.onBreach.enum)).toEqual(sorted(BREACH_ACTIONS));
  });

  it('is the file the code generates, and a valid draft-07 schema that accepts the demo city', () => {
    expect(fs.readFileSync(path.join(ROOT, 'schema', CITY_SCHEMA_FILE), 'utf8')).toBe(cityConfigSchemaText());
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(committed);
    const demo = parseYaml(fs.readFileSync(path.join(ROOT, 'examples/rheine/city.yaml'), 'utf8'));
    expect(validate(demo) || validate.errors).toBe(true);
  });

  it('describes every field for the editor', () => {
    for (const name of ['partner', 'legalBasis', 'agreement', 'retentionRule']) {
      expect(defs[name].description).toEqual(expect.any(String));
      for (const [field, spec] of Object.entries<Record<string, unknown>>(defs[name].properties)) {
        expect({ field, described: typeof spec.description === 'string' || typeof spec.$ref === 'string' }).toEqual({
          field,
          described: true,
        });
      }
    }
  });
});

const VALID_PARTNER = `  - slug: vhs-rheine
    name: Volkshochschule Rheine
    kind: course_provider
    legalDomains: [none]
    municipalityKey: "05566076"
    jurisdiction: ["05566076"]
    scopes: [persons:read]
    purposes: [integration_course_referral]
`;

function problemsOf(text: string): string[] {
  try {
    parseCityConfig(text, 'city.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigFileError);
    return (err as ConfigFileError).message.split('\n');
  }
  throw new Error('the file was accepted');
}

describe('parseCityConfig', () => {
  it('accepts a valid file and leaves out sections the file does not name', () => {
    const { config } = parseCityConfig(`version: 1\npartners:\n${VALID_PARTNER}`, 'city.yaml');
    expect(config.partners?.[0].slug).toBe('vhs-rheine');
    expect(config.legalBases).toBeUndefined();
  });

  it('names file:line:column and the path of every problem at once', () => {
    const text = [
      'version: 1',
      'partners:',
      VALID_PARTNER.trimEnd(),
      '  - slug: fbs-rheine',
      '    name: Familienbildungsstätte',
      '    kind: course_provider',
      '    legalDomains: [none]',
      '    municipalityKey: 05566076',
      '    jurisdiction: ["05566076"]',
      '    scopes: [persons:read, courses:reed]',
      '    purposes: [integration_course_referral, shopping]',
      '    colour: blue',
      '',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      'city.yaml:19:5 partners[1].colour: unknown field "colour"',
      "city.yaml:15:22 partners[1].municipalityKey: must be string (write it in quotes: '05566076')",
      expect.stringMatching(
        /^city\.yaml:17:28 partners\[1\]\.scopes\[1\]: "courses:reed" is not one of: persons:read, /,
      ),
      expect.stringMatching(
        /^city\.yaml:18:45 partners\[1\]\.purposes\[1\]: "shopping" is not one of: case_management, /,
      ),
    ]);
  });

  it('refuses an entry named twice, pointing at both', () => {
    const text = `version: 1\npartners:\n${VALID_PARTNER}${VALID_PARTNER}`;
    expect(problemsOf(text)).toEqual([
      'city.yaml:11:5 partners[1]: partner vhs-rheine is already named at line 3 (partners[0])',
    ]);
  });

  it('reports YAML syntax errors and missing fields with their place', () => {
    expect(problemsOf('version: 1\npartners:\n  - slug: [unclosed\n')).toEqual([
      expect.stringMatching(/^city\.yaml:4:1: not valid YAML: /),
    ]);
    expect(problemsOf('version: 2\nretentionRules:\n  - recordType: consent\n    category: identity\n')).toEqual([
      'city.yaml:1:10 version: must be 1',
      'city.yaml:3:5 retentionRules[0]: missing fields "retainDays", "action", "description", "statute"',
    ]);
  });

  it('round-trips through the export formatter', () => {
    const { config } = parseCityConfig(fs.readFileSync(path.join(ROOT, 'examples/rheine/city.yaml'), 'utf8'), 'x');
    const again = parseCityConfig(formatCityConfig(config), 'y').config;
    expect(again).toEqual(config);
  });
});
