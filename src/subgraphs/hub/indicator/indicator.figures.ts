import { definition } from './indicator.definitions';
import { IndicatorFigure, IndicatorResult } from './indicator.model';

/**
 * Small-number suppression (docs/indicators.md, Small numbers): a count below `minCount`, zero
 * included, is never shown, nor any share or mean computed from one. `show` (the owner's internal
 * mode) shows everything.
 */
export interface Suppression {
  minCount: number;
  show: boolean;
}

const SUPPRESSED: IndicatorFigure = {
  value: null,
  numerator: null,
  denominator: null,
  suppressed: true,
  suppression: 'small_number',
};
const COMPLEMENT: IndicatorFigure = { ...SUPPRESSED, suppression: 'complement' };

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

const small = (s: Suppression, n: number) => !s.show && n < s.minCount;

export function countFigure(s: Suppression, n: number): IndicatorFigure {
  return small(s, n) ? SUPPRESSED : { value: n, numerator: n, denominator: null, suppressed: false };
}

/** A share 0..1 (6 decimals, so a report rounding it once more stays exact); null value for 0 of 0 when shown. */
export function shareFigure(s: Suppression, numerator: number, denominator: number): IndicatorFigure {
  if (small(s, numerator) || small(s, denominator)) return SUPPRESSED;
  return {
    value: denominator > 0 ? round(numerator / denominator, 6) : null,
    numerator,
    denominator,
    suppressed: false,
  };
}

/** A mean of two counts (mean course size: participants per course; 2 decimals). */
export function ratioFigure(s: Suppression, numerator: number, denominator: number): IndicatorFigure {
  const f = shareFigure(s, numerator, denominator);
  return f.suppressed || f.value === null || denominator === 0 ? f : { ...f, value: round(numerator / denominator, 2) };
}

export function result(key: string, figure: IndicatorFigure, extra: Partial<IndicatorResult> = {}): IndicatorResult {
  const d = definition(key);
  return { key, label: d.label, unit: d.unit, ...figure, breakdown: [], min: null, max: null, ...extra };
}

/**
 * A duration or delay: mean, min and max of `n` values, suppressed when fewer than minCount
 * records stand behind it. The numerator carries n, the number of records.
 */
export function spreadResult(
  s: Suppression,
  key: string,
  n: number,
  mean: number | null,
  min: number | null,
  max: number | null,
): IndicatorResult {
  if (small(s, n)) return result(key, SUPPRESSED);
  const r = (v: number | null) => (v === null ? null : round(Number(v), 1));
  return result(
    key,
    { value: r(mean), numerator: n, denominator: null, suppressed: false },
    { min: r(min), max: r(max) },
  );
}

/** Categories in the definition's order, then any others the data holds (labelled by their code). */
function categoriesOf(key: string, counts: Record<string, number>): { key: string; label: string }[] {
  const known = definition(key).categories ?? [];
  const extra = Object.keys(counts)
    .filter((k) => !known.some((c) => c.key === k))
    .sort()
    .map((k) => ({ key: k, label: k }));
  return [...known, ...extra];
}

/** A breakdown of shares of one base (topics of visits): the top-level figure carries the base as denominator. */
export function shareBreakdown(
  s: Suppression,
  key: string,
  counts: Record<string, number>,
  base: number,
): IndicatorResult {
  const top: IndicatorFigure = small(s, base)
    ? SUPPRESSED
    : { value: null, numerator: null, denominator: base, suppressed: false };
  return result(key, top, {
    breakdown: categoriesOf(key, counts).map((c) => ({ ...c, ...shareFigure(s, counts[c.key] ?? 0, base) })),
  });
}

/**
 * Of the cells of one sum (total first, then its parts), the one to suppress as well, or -1. A
 * sum shown with exactly one cell suppressed gives that cell away (the total less the shown parts,
 * or the parts added up), so the smallest shown cell goes with it, a part before the total.
 */
function complementOf(cells: IndicatorFigure[]): number {
  if (cells.filter((c) => c.suppressed).length !== 1) return -1;
  let pick = -1;
  cells.forEach((c, i) => {
    if (c.suppressed) return;
    const better = pick === -1 || pick === 0 || (i > 0 && (c.numerator ?? 0) < (cells[pick].numerator ?? 0));
    if (better) pick = i;
  });
  return pick;
}

/** A breakdown of counts (referrals by type): the top-level figure is the total, the sum of the categories. */
export function countBreakdown(s: Suppression, key: string, counts: Record<string, number>): IndicatorResult {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const top = countFigure(s, total);
  const categories = categoriesOf(key, counts).map((c) => ({ ...c, ...countFigure(s, counts[c.key] ?? 0) }));
  const also = complementOf([top, ...categories]);
  if (also === 0) return result(key, COMPLEMENT, { breakdown: categories });
  if (also > 0) categories[also - 1] = { ...categories[also - 1], ...COMPLEMENT };
  return result(key, top, { breakdown: categories });
}

/** A sum the report shows twice, by the definitions (total = the parts added up): indicator keys. */
export interface SumRelation {
  total: string;
  parts: string[];
}

/**
 * Secondary suppression across a set's single figures (docs/indicators.md, Small numbers): until
 * no relation has exactly one suppressed cell, the smallest shown cell of such a relation is
 * suppressed too. A count's or a duration's cell is its numerator (the number of records).
 */
export function suppressComplements(
  s: Suppression,
  results: IndicatorResult[],
  relations: readonly SumRelation[],
): IndicatorResult[] {
  if (s.show) return results;
  const byKey = new Map(results.map((r) => [r.key, r]));
  for (let changed = true; changed;) {
    changed = false;
    for (const relation of relations) {
      const keys = [relation.total, ...relation.parts];
      const also = complementOf(keys.map((k) => byKey.get(k)!));
      if (also === -1) continue;
      const r = byKey.get(keys[also])!;
      byKey.set(r.key, { ...r, ...COMPLEMENT, min: null, max: null });
      changed = true;
    }
  }
  return results.map((r) => byKey.get(r.key)!);
}
