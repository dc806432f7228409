/**
 * The shape of the report's indicators (docs/indicators.md), shared by the API, the HTML/CSV/PDF
 * report and the benchmark. Plain data: the GraphQL types mirror it.
 */

/** The report's offers, one indicator set each. */
export const OFFERS = ['arrival_counselling', 'language_offensive', 'case_management', 'referrals'] as const;
export type Offer = (typeof OFFERS)[number];

export type IndicatorUnit = 'count' | 'share' | 'days' | 'months';

/** How a chart shows an indicator in the report; `none` for single figures shown in the table only. */
export type IndicatorChart = 'bar' | 'none';

/** What an indicator means, returned by `indicatorDefinitions` and printed under the report's tables. */
export interface IndicatorDefinition {
  key: string; // stable, e.g. 'arrival.visits_as_planned'
  offer: Offer;
  label: string; // German, for city staff: 'Hausbesuche wie geplant'
  unit: IndicatorUnit;
  numerator: string; // German: what is counted
  denominator: string | null; // German; null for counts and durations
  periodRule: string; // German: which records of the period count
  chart: IndicatorChart;
  /** For breakdowns (topics, referral types): the categories' keys and German labels, in order. */
  categories?: { key: string; label: string }[];
}

/**
 * Why a figure is not shown (docs/indicators.md, Small numbers): `small_number` — it is, or is
 * computed from, a count below the threshold; `complement` — it is not small, but with it shown a
 * suppressed number could be worked out from a sum the report also shows.
 */
export type SuppressionReason = 'small_number' | 'complement';

/** One figure, or one category of a breakdown. Suppressed: value, numerator and denominator are null. */
export interface IndicatorFigure {
  value: number | null; // share as 0..1, days, months or count
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
  /** Set when suppressed; absent or null when shown. */
  suppression?: SuppressionReason | null;
}

export interface IndicatorResult extends IndicatorFigure {
  key: string;
  label: string;
  unit: IndicatorUnit;
  /** Categories of a breakdown (topic → share); empty for single figures. */
  breakdown: ({ key: string; label: string } & IndicatorFigure)[];
  /** For durations: min and max (null when suppressed or no data). */
  min: number | null;
  max: number | null;
}

export interface IndicatorSetResult {
  offer: Offer;
  label: string; // German, e.g. 'Ankommensberatung'
  indicators: IndicatorResult[];
}

export interface IndicatorPeriod {
  from: string; // ISO day, inclusive
  to: string; // ISO day, inclusive
  label: string; // as given, e.g. '2019' or '2019-01-01/2019-06-30'
}

export interface IndicatorReport {
  period: IndicatorPeriod;
  offer: Offer | null; // null: all sets
  /** True when small numbers are shown (the data owner's audited internal mode). */
  internal: boolean;
  /** The threshold below which counts are suppressed. */
  minCount: number;
  computedAt: string; // ISO timestamp
  sets: IndicatorSetResult[];
}

export interface IndicatorQuery {
  period: string;
  offer?: string | null;
  internal?: boolean | null;
}
