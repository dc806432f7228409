import type {
  IndicatorDefinition,
  IndicatorFigure,
  IndicatorReport,
  IndicatorResult,
  IndicatorSetResult,
  IndicatorUnit,
} from '../subgraphs/hub/indicator/indicator.model';
import { barChart, ChartBar } from './indicator-report.chart';
import {
  esc,
  formatCount,
  formatDay,
  formatTimestamp,
  formatValue,
  complementNote,
  COMPLEMENT_TEXT,
  suppressedText,
  suppressionNote,
} from './indicator-report.format';
import { REPORT_CSS } from './indicator-report.style';

/**
 * The steering group's report as one self-contained German HTML page: per indicator set its
 * charts (SVG), behind every chart a table with the same figures, the definitions under each
 * table. No script, no external asset: it prints as shown and is served under a CSP that allows
 * no request at all.
 */

export const reportTitle = (report: IndicatorReport): string =>
  `Kennzahlen Integrationsmanagement — Zeitraum ${report.period.label}`;

/** A row of a table: its header cell (label) and its figure. */
interface Row {
  label: string;
  unit: IndicatorUnit;
  figure: IndicatorFigure;
  min?: number | null;
  max?: number | null;
}

/** One block of a set: an optional chart, its table and the definitions of what it shows. */
interface Block {
  chart?: { key: string; indicators: string[]; title: string; unit: IndicatorUnit; bars: ChartBar[] };
  caption: string;
  firstColumn: string;
  rows: Row[];
  definitions: (IndicatorDefinition | IndicatorResult)[];
}

const isDefinition = (d: IndicatorDefinition | IndicatorResult): d is IndicatorDefinition => 'periodRule' in d;

/**
 * How a set is laid out: a breakdown with chart 'bar' gets its own chart (a bar per category), the
 * set's single shares with chart 'bar' share one chart "Anteile", any other figure with chart 'bar'
 * its own; figures with chart 'none' go into one table "Weitere Kennzahlen".
 */
function blocks(set: IndicatorSetResult, defs: Map<string, IndicatorDefinition>): Block[] {
  const out: Block[] = [];
  let shares: Block | undefined;
  const rest: Block = { caption: 'Weitere Kennzahlen', firstColumn: 'Kennzahl', rows: [], definitions: [] };
  for (const ind of set.indicators) {
    const def = defs.get(ind.key);
    const row: Row = { label: ind.label, unit: ind.unit, figure: ind, min: ind.min, max: ind.max };
    if ((def?.chart ?? 'none') !== 'bar') {
      rest.rows.push(row);
      rest.definitions.push(def ?? ind);
    } else if (ind.breakdown.length) {
      const total = !ind.suppressed && ind.value === null && ind.numerator === null && ind.denominator === null;
      out.push({
        chart: {
          key: ind.key,
          indicators: [ind.key],
          title: ind.label,
          unit: ind.unit,
          bars: ind.breakdown.map((c) => ({ key: c.key, label: c.label, figure: c })),
        },
        caption: ind.label,
        firstColumn: 'Kategorie',
        rows: [
          ...ind.breakdown.map((c) => ({ label: c.label, unit: ind.unit, figure: c })),
          ...(total ? [] : [{ ...row, label: 'Insgesamt' }]),
        ],
        definitions: [def ?? ind],
      });
    } else if (ind.unit === 'share') {
      if (!shares) {
        shares = {
          chart: { key: set.offer, indicators: [], title: `${set.label}: Anteile`, unit: 'share', bars: [] },
          caption: `${set.label}: Anteile`,
          firstColumn: 'Kennzahl',
          rows: [],
          definitions: [],
        };
        out.push(shares);
      }
      shares.chart!.indicators.push(ind.key);
      shares.chart!.bars.push({ key: ind.key, label: ind.label, figure: ind });
      shares.rows.push(row);
      shares.definitions.push(def ?? ind);
    } else {
      out.push({
        chart: { key: ind.key, indicators: [ind.key], title: ind.label, unit: ind.unit, bars: [] },
        caption: ind.label,
        firstColumn: 'Kennzahl',
        rows: [row],
        definitions: [def ?? ind],
      });
      out.at(-1)!.chart!.bars.push({ key: ind.key, label: ind.label, figure: ind });
    }
  }
  if (rest.rows.length) out.push(rest);
  return out;
}

function cell(text: string, className?: string): string {
  return `<td${className ? ` class="${className}"` : ''}>${esc(text)}</td>`;
}

/** A figure not shown: a dash for the eye, words for a screen reader. */
const withheldCell = '<td class="na"><span aria-hidden="true">–</span><span class="sr">nicht ausgewiesen</span></td>';

function table(block: Block, offer: string, minCount: number): string {
  const withRange = block.rows.some((r) => r.unit === 'days' || r.unit === 'months');
  const head = [block.firstColumn, 'Wert', 'Zähler', 'Nenner', ...(withRange ? ['Minimum', 'Maximum'] : [])];
  const marker = (f: IndicatorFigure) =>
    f.suppression === 'complement'
      ? `<td class="suppressed">${esc(COMPLEMENT_TEXT)}` +
        `<sup><a href="#hinweis-gesperrt-${esc(offer)}" aria-label="Hinweis: gesperrt, um eine kleine Zahl zu schützen">**</a></sup></td>`
      : `<td class="suppressed">${esc(suppressedText(minCount))}` +
        `<sup><a href="#hinweis-${esc(offer)}" aria-label="Hinweis: kleine Zahl nicht ausgewiesen">*</a></sup></td>`;
  const rows = block.rows.map((r) => {
    const f = r.figure;
    const cells = f.suppressed
      ? [marker(f), withheldCell, withheldCell, ...(withRange ? [withheldCell, withheldCell] : [])]
      : [
          cell(formatValue(r.unit, f.value), 'num'),
          cell(formatCount(f.numerator), 'num'),
          cell(formatCount(f.denominator), 'num'),
          ...(withRange
            ? [cell(formatValue(r.unit, r.min ?? null), 'num'), cell(formatValue(r.unit, r.max ?? null), 'num')]
            : []),
        ];
    return `<tr${f.suppressed ? ' data-suppressed="true"' : ''}><th scope="row">${esc(r.label)}</th>${cells.join('')}</tr>`;
  });
  return (
    `<table><caption class="sr">${esc(block.caption)}</caption>` +
    `<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function definitionList(items: (IndicatorDefinition | IndicatorResult)[]): string {
  const entries = items.map((d) => {
    if (!isDefinition(d))
      return `<dt>${esc(d.label)} <code>${esc(d.key)}</code></dt><dd>Keine Definition hinterlegt.</dd>`;
    return (
      `<dt>${esc(d.label)} <code>${esc(d.key)}</code></dt>` +
      `<dd><span class="term">Zähler:</span> ${esc(d.numerator)}</dd>` +
      (d.denominator ? `<dd><span class="term">Nenner:</span> ${esc(d.denominator)}</dd>` : '') +
      `<dd><span class="term">Zeitraum:</span> ${esc(d.periodRule)}</dd>`
    );
  });
  return `<dl class="definitions">${entries.join('')}</dl>`;
}

function section(set: IndicatorSetResult, report: IndicatorReport, defs: Map<string, IndicatorDefinition>): string {
  const figures = set.indicators.flatMap((i) => [i, ...i.breakdown]);
  const anySmall = figures.some((f) => f.suppressed && f.suppression !== 'complement');
  const anyComplement = figures.some((f) => f.suppression === 'complement');
  const parts = blocks(set, defs).map((b) => {
    const chart = b.chart
      ? barChart({
          chart: b.chart.key,
          indicators: b.chart.indicators,
          title: b.chart.title,
          unit: b.chart.unit,
          bars: b.chart.bars,
          minCount: report.minCount,
        })
      : '';
    return `<div class="block"><h3>${esc(b.caption)}</h3>${chart}${table(b, set.offer, report.minCount)}${definitionList(b.definitions)}</div>`;
  });
  const note =
    (anySmall ? `<p class="note" id="hinweis-${esc(set.offer)}">* ${esc(suppressionNote(report.minCount))}</p>` : '') +
    (anyComplement
      ? `<p class="note" id="hinweis-gesperrt-${esc(set.offer)}">** ${esc(complementNote(report.minCount))}</p>`
      : '');
  return (
    `<section class="set" id="set-${esc(set.offer)}" aria-labelledby="heading-${esc(set.offer)}">` +
    `<h2 id="heading-${esc(set.offer)}">${esc(set.label)}</h2>${parts.join('')}${note}</section>`
  );
}

/** The whole page. `definitions` as `indicatorDefinitions` returns them; missing ones are said to be missing. */
export function renderIndicatorReportHtml(report: IndicatorReport, definitions: IndicatorDefinition[]): string {
  const defs = new Map(definitions.map((d) => [d.key, d]));
  const title = reportTitle(report);
  const small = report.internal
    ? `<p class="internal"><strong>Interne Auswertung:</strong> Kleine Zahlen (unter ${esc(report.minCount)}) werden gezeigt. Nicht zur Weitergabe.</p>`
    : `<p>Zahlen unter ${esc(report.minCount)} und daraus berechnete Werte werden nicht ausgewiesen (markiert mit ${esc(suppressedText(report.minCount))}*), ebenso Zahlen, aus denen sie sich errechnen ließen (${COMPLEMENT_TEXT}**).</p>`;
  const toc = report.sets.map((s) => `<li><a href="#set-${esc(s.offer)}">${esc(s.label)}</a></li>`).join('');
  return `<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p>Berichtszeitraum: ${esc(formatDay(report.period.from))} bis ${esc(formatDay(report.period.to))} · Stand: ${esc(formatTimestamp(report.computedAt))}</p>
${small}
<nav aria-label="Inhalt"><ol>${toc}</ol></nav>
</header>
<main>
${report.sets.map((s) => section(s, report, defs)).join('\n')}
</main>
</body>
</html>
`;
}
