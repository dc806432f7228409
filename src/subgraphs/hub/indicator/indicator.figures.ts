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

const SUPPRESSED: IndicatorFigure = { value: null, numerator: null, denominator: null, suppressed: true };

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

const small = (s: Suppression, n: number) => !s.show && n < s.minCount;

export function countFigure(s: Suppression, n: number): IndicatorFigure {
  return small(s, n) ? SUPPRESSED : { value: n, numerator: n, denominator: null, suppressed: false };
}

/** A share 0..1 (4 decimals); null value for 0 of 0 when shown. */
export function shareFigure(s: Suppression, numerator: number, denominator: number): IndicatorFigure {
  if (small(s, numerator) || small(s, denominator)) return SUPPRESSED;
  return {
    value: denominator > 0 ? round(numerator / denominator, 4) : null,
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

/** A breakdown of counts (referrals by type): the top-level figure is the total. */
export function countBreakdown(s: Suppression, key: string, counts: Record<string, number>): IndicatorResult {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return result(key, countFigure(s, total), {
    breakdown: categoriesOf(key, counts).map((c) => ({ ...c, ...countFigure(s, counts[c.key] ?? 0) })),
  });
}
