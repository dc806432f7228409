import fs from 'node:fs';
import path from 'node:path';
import { INDICATOR_DEFINITIONS, OFFER_LABELS } from '../../src/subgraphs/hub/indicator/indicator.definitions';

/** docs/indicators.md lists every indicator with the definition the API returns, word for word. */
describe('docs/indicators.md', () => {
  const doc = fs.readFileSync(path.join(__dirname, '../../docs/indicators.md'), 'utf8');
  const rows = new Map(
    doc
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => [l.split('|')[1].trim().slice(1, -1), l.replace(/ {2,}/g, ' ')] as const),
  );

  it.each(INDICATOR_DEFINITIONS.map((d) => [d.key, d] as const))('%s has its row', (key, d) => {
    const row = rows.get(key);
    expect(row).toBeDefined();
    for (const text of [d.label, d.unit, d.numerator, d.denominator ?? '–', d.periodRule]) expect(row).toContain(text);
    for (const c of d.categories ?? []) expect(row).toContain(`\`${c.key}\``);
  });

  it('has a section per offer and no row for an indicator that does not exist', () => {
    for (const [offer, label] of Object.entries(OFFER_LABELS)) expect(doc).toContain(`### ${label} (\`${offer}\`)`);
    const keys = new Set(INDICATOR_DEFINITIONS.map((d) => d.key));
    const documented = [...rows.keys()].filter((k) => /^[a-z]+\.[a-z_]+$/.test(k) && !k.startsWith('INDICATORS'));
    expect(documented.filter((k) => !keys.has(k))).toEqual([]);
  });
});
