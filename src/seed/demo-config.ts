import fs from 'node:fs';
import path from 'node:path';
import {
  AgreementEntry,
  CityConfig,
  complete,
  LegalBasisEntry,
  PartnerEntry,
  RetentionRuleEntry,
  Section,
} from '../configuration/configuration.format';
import { ParsedConfig, parseCityConfig } from '../configuration/configuration.parse';

/** The demo city as a configuration file: the one source of its partners, legal bases, agreements and retention rules. */
export const DEMO_CONFIG_PATH = path.join('examples', 'rheine', 'city.yaml');

/** examples/rheine/city.yaml of this installation, from src/seed (tests) or dist/src/seed (built). */
export function demoConfigFile(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, DEMO_CONFIG_PATH);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${DEMO_CONFIG_PATH} not found above ${__dirname}`);
  }
}

/** The demo configuration, read and checked (a broken file fails loudly, naming line and field). */
export function loadDemoConfig(): ParsedConfig {
  return parseCityConfig(fs.readFileSync(demoConfigFile(), 'utf8'), DEMO_CONFIG_PATH);
}

/**
 * The demo configuration's entries with every field present (defaults filled in, e.g.
 * `sourcePartner: null`), for tests and the development tokens.
 */
export function demoCityConfig(): Required<CityConfig> {
  const { config } = loadDemoConfig();
  const entries = <T>(section: Section): T[] =>
    ((config[section] ?? []) as unknown as Array<Record<string, unknown>>).map((e) => complete(section, e) as T);
  return {
    version: config.version,
    partners: entries<PartnerEntry>('partners'),
    legalBases: entries<LegalBasisEntry>('legalBases'),
    cooperationAgreements: entries<AgreementEntry>('cooperationAgreements'),
    retentionRules: entries<RetentionRuleEntry>('retentionRules'),
  };
}
