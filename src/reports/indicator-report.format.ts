import type { IndicatorFigure, IndicatorUnit } from '../subgraphs/hub/indicator/indicator.model';

/**
 * German wording and number formats shared by the report's HTML, charts and CSV: one place, so the
 * page, its charts and its tables always print a figure the same way.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values for HTML and SVG; every string the page prints passes through here. */
export const esc = (value: string | number | null | undefined): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const PERCENT = new Intl.NumberFormat('de-DE', { style: 'percent', maximumFractionDigits: 0 });
const INTEGER = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('de-DE', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const DATE = new Intl.DateTimeFormat('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
const TIMESTAMP = new Intl.DateTimeFormat('de-DE', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/Berlin',
});

export const UNIT_LABELS: Record<IndicatorUnit, string> = {
  count: 'Anzahl',
  share: 'Anteil',
  days: 'Tage',
  months: 'Monate',
};

/** "65 %", "6,0 Monate", "12,5 Tage", "1.204"; null (no data) as an en dash. */
export function formatValue(unit: IndicatorUnit, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 'share':
      return PERCENT.format(value);
    case 'days':
      return `${ONE_DECIMAL.format(value)} Tage`;
    case 'months':
      return `${ONE_DECIMAL.format(value)} Monate`;
    default:
      // A mean of counts (course size) keeps its decimal: 11,2, not 11.
      return Number.isInteger(value) ? INTEGER.format(value) : ONE_DECIMAL.format(value);
  }
}

export const formatCount = (value: number | null): string => (value === null ? '–' : INTEGER.format(value));

/** ISO day (2019-01-31) as 31.01.2019. */
export const formatDay = (isoDay: string): string => DATE.format(new Date(`${isoDay}T00:00:00Z`));

export const formatTimestamp = (iso: string): string => TIMESTAMP.format(new Date(iso));

/** What a suppressed figure shows instead of a number: "< 5", with minCount from the report. */
export const suppressedText = (minCount: number): string => `< ${minCount}`;

/** What a figure suppressed for a small number's sake shows: it is not small itself (docs/indicators.md). */
export const COMPLEMENT_TEXT = 'gesperrt';

/** The marker text of a suppressed figure, by why it is suppressed. */
export const withheldText = (f: IndicatorFigure, minCount: number): string =>
  f.suppression === 'complement' ? COMPLEMENT_TEXT : suppressedText(minCount);

/** The explanation of the complement, printed once per set that has one. */
export const complementNote = (minCount: number): string =>
  `Gesperrt: Die Zahl ist nicht kleiner als ${minCount}, wird aber nicht ausgewiesen, weil sich sonst eine nicht ausgewiesene kleine Zahl aus einer Summe des Berichts errechnen ließe.`;

/** The explanation printed once per set, referred to by every suppressed figure. */
export const suppressionNote = (minCount: number): string =>
  `Weniger als ${minCount} Fälle: Die Zahl wird nicht ausgewiesen, ebenso jeder Anteil oder Mittelwert, der aus einer so kleinen Zahl berechnet ist. So bleibt keine Person aus den Zahlen erkennbar.`;

/** Whether a figure has a value to draw or print (not suppressed and not empty). */
export const hasValue = (f: IndicatorFigure): f is IndicatorFigure & { value: number } =>
  !f.suppressed && f.value !== null && Number.isFinite(f.value);
