import type { TestApp } from '../helpers/app';

/** The demo city's statistics partner (social planning): purpose statistics is its default. */
export const PLANNING = 'rheine-sozialplanung';
export const STATISTICS = { purpose: 'statistics' };

export const INDICATORS = `query Indicators($p: String!, $o: String, $i: Boolean) {
  indicators(period: $p, offer: $o, internal: $i) {
    period { from to label } offer internal minCount computedAt
    sets { offer label indicators { key label unit value numerator denominator suppressed suppression min max
      breakdown { key label value numerator denominator suppressed suppression } } }
  }
}`;

export interface Figure {
  key: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
  suppression: 'small_number' | 'complement' | null;
  min: number | null;
  max: number | null;
  breakdown: Array<{
    key: string;
    label: string;
    value: number | null;
    numerator: number | null;
    suppressed: boolean;
    suppression: 'small_number' | 'complement' | null;
  }>;
}

/** The report's figures by key, asked over GraphQL as `partner`; throws on errors. */
export async function figures(
  app: Pick<TestApp, 'gql'>,
  period: string,
  offer: string | null,
  opts: { partner?: string; internal?: boolean; purpose?: string } = {},
): Promise<Record<string, Figure>> {
  const res = await app.gql(
    opts.partner ?? PLANNING,
    INDICATORS,
    { p: period, o: offer, i: opts.internal ?? false },
    { purpose: opts.purpose ?? 'statistics' },
  );
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  const out: Record<string, Figure> = {};
  for (const set of res.body.data.indicators.sets) for (const i of set.indicators) out[i.key] = i;
  return out;
}

/** A breakdown's categories as key → figure. */
export const byKey = (f: Figure) => Object.fromEntries(f.breakdown.map((b) => [b.key, b]));
