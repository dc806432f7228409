import type { IndicatorFigure, IndicatorUnit } from '../subgraphs/hub/indicator/indicator.model';
import { esc, formatValue, hasValue, withheldText } from './indicator-report.format';

/**
 * Horizontal bar charts as SVG, drawn on the server: the page needs no script, no font and no
 * request to show them, and prints as it is shown. Hand-written rather than Vega: Vega 6 and
 * Vega-Lite 6 are ES modules with top-level await (not loadable from our CommonJS build on Node
 * 20; Vega-Lite 6 wants Node 22), and Vega 5 would bring ~80 packages for a few bars whose SVG we
 * would still have to rewrite for the accessible name and the chart's key.
 */

export interface ChartBar {
  /** Indicator key (a set's shares) or category key (a breakdown). */
  key: string;
  label: string;
  figure: IndicatorFigure;
}

export interface ChartSpec {
  /** `data-chart`: the indicator's key, or the set's key for a chart of several indicators. */
  chart: string;
  /** The indicators the chart shows (`data-indicators`), so a check can find each one's chart. */
  indicators: string[];
  title: string;
  unit: IndicatorUnit;
  bars: ChartBar[];
  minCount: number;
}

const WIDTH = 680;
const LABEL_WIDTH = 230;
const VALUE_WIDTH = 150;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 10;
const ROW = 32;
const BAR = 18;
const TOP = 8;
const AXIS = 26;
const LINE_CHARS = 32;

/** A DOM id from a key ('arrival.topics' → 'chart-arrival-topics'). */
export const chartId = (key: string): string => `chart-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** The label in at most two lines of about LINE_CHARS characters; the table below has it in full. */
function wrap(label: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/).filter(Boolean)) {
    if (line && (line + ' ' + word).length > LINE_CHARS) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length <= 2) return lines;
  const second = lines.slice(1).join(' ');
  return [lines[0], second.length > LINE_CHARS ? `${second.slice(0, LINE_CHARS - 1)}…` : second];
}

/** 1, 2 or 5 times a power of ten: a step that gives round tick labels. */
function niceStep(span: number): number {
  const raw = span / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const factor = [1, 2, 5, 10].find((f) => f * power >= raw) ?? 10;
  return factor * power;
}

function scale(spec: ChartSpec): { max: number; ticks: number[] } {
  if (spec.unit === 'share') return { max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  const highest = Math.max(0, ...spec.bars.filter((b) => hasValue(b.figure)).map((b) => b.figure.value as number));
  if (highest <= 0) return { max: 1, ticks: [0, 1] };
  const step = niceStep(highest);
  const max = Math.ceil(highest / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= max + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { max, ticks };
}

const num = (n: number) => Number(n.toFixed(1));

/**
 * One chart: `<svg role="img">` named by its <title>, a bar per figure; a suppressed figure gets
 * no bar, only its "< 5" (or "gesperrt") label, and never a number.
 */
export function barChart(spec: ChartSpec): string {
  const id = chartId(spec.chart);
  const { max, ticks } = scale(spec);
  const height = TOP + spec.bars.length * ROW + AXIS;
  const x = (v: number) => LABEL_WIDTH + (Math.max(0, Math.min(v, max)) / max) * PLOT_WIDTH;
  const plotBottom = TOP + spec.bars.length * ROW;

  const grid = ticks
    .map((t) => {
      const tx = num(x(t));
      const label = spec.unit === 'share' ? formatValue('share', t) : formatValue('count', t);
      return (
        `<line x1="${tx}" y1="${TOP}" x2="${tx}" y2="${plotBottom}" class="grid"/>` +
        `<text x="${tx}" y="${plotBottom + 16}" text-anchor="middle" class="tick">${esc(label)}</text>`
      );
    })
    .join('');

  const bars = spec.bars
    .map((bar, i) => {
      const top = TOP + i * ROW;
      const middle = top + ROW / 2;
      const lines = wrap(bar.label);
      const labelText = lines
        .map(
          (line, n) =>
            `<tspan x="${LABEL_WIDTH - 8}" y="${num(middle + (n - (lines.length - 1) / 2) * 14 + 4)}">${esc(line)}</tspan>`,
        )
        .join('');
      const label = `<text text-anchor="end" class="label">${labelText}</text>`;
      if (bar.figure.suppressed)
        return (
          `<g data-bar="${esc(bar.key)}" data-suppressed="true">${label}` +
          `<text x="${LABEL_WIDTH + 4}" y="${middle + 4}" class="suppressed">${esc(withheldText(bar.figure, spec.minCount))} – nicht ausgewiesen</text></g>`
        );
      if (!hasValue(bar.figure))
        return (
          `<g data-bar="${esc(bar.key)}">${label}` +
          `<text x="${LABEL_WIDTH + 4}" y="${middle + 4}" class="empty">keine Daten</text></g>`
        );
      const end = x(bar.figure.value);
      const w = num(Math.max(end - LABEL_WIDTH, 1));
      return (
        `<g data-bar="${esc(bar.key)}">${label}` +
        `<rect x="${LABEL_WIDTH}" y="${top + (ROW - BAR) / 2}" width="${w}" height="${BAR}" class="bar"/>` +
        `<text x="${num(LABEL_WIDTH + w + 6)}" y="${middle + 4}" class="value">${esc(formatValue(spec.unit, bar.figure.value))}</text></g>`
      );
    })
    .join('');

  return (
    `<svg role="img" aria-labelledby="${id}-title ${id}-desc" id="${id}" class="chart"` +
    ` data-chart="${esc(spec.chart)}" data-indicators="${esc(spec.indicators.join(' '))}"` +
    ` viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}">` +
    `<title id="${id}-title">${esc(spec.title)}</title>` +
    `<desc id="${id}-desc">Balkendiagramm; dieselben Werte stehen in der Tabelle darunter.</desc>` +
    `<g aria-hidden="true">${grid}<line x1="${LABEL_WIDTH}" y1="${TOP}" x2="${LABEL_WIDTH}" y2="${plotBottom}" class="axis"/>${bars}</g>` +
    `</svg>`
  );
}
