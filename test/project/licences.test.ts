import fs from 'node:fs';
import path from 'node:path';

/**
 * Public-sector code platforms accept OSI licences only: every runtime dependency must have one.
 * (Elastic-2.0, BUSL and SSPL are not OSI licences.)
 */
const OSI =
  /^(MIT|ISC|Apache-2\.0|BSD-2-Clause|BSD-3-Clause|0BSD|BlueOak-1\.0\.0|PostgreSQL|Python-2\.0|MPL-2\.0|EUPL-1\.2|Unlicense|CC0-1\.0)$/;

describe('licences', () => {
  it('every runtime dependency is under an OSI licence', () => {
    const root = path.resolve(__dirname, '../..');
    const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
    const offenders: string[] = [];
    for (const [where, meta] of Object.entries<any>(lock.packages)) {
      if (!where || meta.dev) continue;
      let licence: string | undefined = meta.license;
      if (!licence) {
        const file = path.join(root, where, 'package.json');
        if (!fs.existsSync(file)) continue; // optional platform package not installed here
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        licence = typeof pkg.license === 'string' ? pkg.license : pkg.license?.type;
      }
      const parts = String(licence)
        .replace(/[()]/g, '')
        .split(/ OR | AND /);
      const ok = String(licence).includes(' AND ')
        ? parts.every((p) => OSI.test(p.trim()))
        : parts.some((p) => OSI.test(p.trim()));
      if (!ok) offenders.push(`${where.replace(/^node_modules\//, '')}: ${licence}`);
    }
    expect(offenders).toEqual([]);
  });
});
