import type { IndicatorFigure, IndicatorReport } from '../../src/subgraphs/hub/indicator/indicator.model';
import { renderIndicatorReportHtml } from '../../src/reports/indicator-report.html';
import { FIXTURE_DEFINITIONS, fixtureReport, HOSTILE_LABEL } from './indicator-report.fixture';

const COMPLEMENT_FIGURE: IndicatorFigure = {
  value: null,
  numerator: null,
  denominator: null,
  suppressed: true,
  suppression: 'complement',
};

/** The page's opening <svg …> tags and their attributes. */
function charts(html: string): { attrs: Record<string, string>; after: string }[] {
  return [...html.matchAll(/<svg\b([^>]*)>/g)].map((m) => ({
    attrs: Object.fromEntries([...m[1].matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
    after: html.slice(html.indexOf('</svg>', m.index) + '</svg>'.length),
  }));
}

/**
 * Suppressed figures that (against the contract) still carry numbers, distinctive ones: the page
 * must not print them, whatever the engine hands over.
 */
function leaky(report: IndicatorReport): IndicatorReport {
  const leak = (f: IndicatorFigure): IndicatorFigure =>
    f.suppressed ? { ...f, value: 0.4321, numerator: 4321, denominator: 9876 } : f;
  return {
    ...report,
    sets: report.sets.map((s) => ({
      ...s,
      indicators: s.indicators.map((i) => ({
        ...i,
        ...leak(i),
        ...(i.suppressed ? { min: 4321, max: 9876 } : {}),
        breakdown: i.breakdown.map((c) => ({ ...c, ...leak(c) })),
      })),
    })),
  };
}

describe('indicator report HTML', () => {
  const html = renderIndicatorReportHtml(fixtureReport(), FIXTURE_DEFINITIONS);

  it('draws a chart for every indicator with chart "bar", each an accessible SVG followed by its table', () => {
    const found = charts(html);
    const bar = FIXTURE_DEFINITIONS.filter((d) => d.chart === 'bar').map((d) => d.key);
    const shown = found.flatMap((c) => c.attrs['data-indicators'].split(' '));
    expect(shown.sort()).toEqual([...bar].sort());
    // The set's two shares share one chart keyed by the set; breakdowns and the duration have their own.
    expect(found.map((c) => c.attrs['data-chart'])).toEqual([
      'arrival_counselling',
      'arrival.topics',
      'cases.duration',
      'cases.closures',
    ]);
    for (const c of found) {
      expect(c.attrs.role).toBe('img');
      const [titleId] = c.attrs['aria-labelledby'].split(' ');
      expect(html).toContain(`<title id="${titleId}">`);
      // Behind every chart its table: caption, column and row headers.
      expect(c.after).toMatch(/^<table><caption class="sr">[^<]+<\/caption><thead><tr><th scope="col">/);
      const table = c.after.slice(0, c.after.indexOf('</table>'));
      expect(table).toContain('<th scope="row">');
    }
    // Figures without a chart are still in a table, with their definitions.
    expect(html).toContain('<h3>Weitere Kennzahlen</h3>');
    expect(html).toContain('Durchgeführte Hausbesuche');
  });

  it('prints German numbers and every definition (numerator, denominator, period rule) under its table', () => {
    expect(html).toMatch(/<td class="num">90\s%<\/td>/);
    expect(html).toMatch(
      /<td class="num">6,0 Monate<\/td><td class="num">7<\/td><td class="num">–<\/td><td class="num">4,0 Monate<\/td><td class="num">8,0 Monate<\/td>/,
    );
    expect(html).toContain('<td class="num">117</td>');
    for (const d of FIXTURE_DEFINITIONS) {
      expect(html).toContain(`<code>${d.key}</code>`);
      // The fixture's texts have quotes („“) but nothing to escape.
      expect(html).toContain(`<span class="term">Zähler:</span> ${d.numerator}`);
      expect(html).toContain(`<span class="term">Zeitraum:</span> ${d.periodRule}`);
      if (d.denominator) expect(html).toContain(`<span class="term">Nenner:</span> ${d.denominator}`);
    }
    expect(html).toContain('<title>Kennzahlen Integrationsmanagement — Zeitraum 2019</title>');
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('01.01.2019 bis 31.12.2019');
  });

  it('never prints a suppressed figure as a number: "< 5" with a footnote, no bar', () => {
    const page = renderIndicatorReportHtml(leaky(fixtureReport()), FIXTURE_DEFINITIONS);
    expect(page).not.toMatch(/4\.?321|9\.?876|43\s%/);
    // Three suppressed categories and one suppressed figure in the tables, each marked and explained.
    expect(page.match(/<td class="suppressed">&lt; 5<sup><a href="#hinweis-/g)).toHaveLength(4);
    expect(page).toContain('id="hinweis-arrival_counselling"');
    expect(page).toContain('id="hinweis-case_management"');
    expect(page).toContain('Weniger als 5 Fälle');
    // In the charts: labelled, not drawn.
    const suppressedBars = [...page.matchAll(/<g data-bar="([^"]+)" data-suppressed="true">(.*?)<\/g>/g)];
    expect(suppressedBars.map((m) => m[1]).sort()).toEqual(['housing', 'planned', 'unplanned']);
    for (const m of suppressedBars) {
      expect(m[2]).not.toContain('<rect');
      expect(m[2]).toContain('&lt; 5 – nicht ausgewiesen');
    }
    // minCount comes from the report.
    const seven = renderIndicatorReportHtml(fixtureReport({ minCount: 7 }), FIXTURE_DEFINITIONS);
    expect(seven).toContain('&lt; 7<sup>');
    expect(seven).toContain('Weniger als 7 Fälle');
  });

  it('marks a figure suppressed to protect a small number "gesperrt", with its own footnote, never "< 5"', () => {
    const report = fixtureReport();
    const cases = report.sets[1];
    // The duration's 7 closures would give the suppressed closures away: suppressed as their complement.
    cases.indicators[0] = { ...cases.indicators[0], ...COMPLEMENT_FIGURE, min: null, max: null };
    const page = renderIndicatorReportHtml(report, FIXTURE_DEFINITIONS);
    expect(page.match(/<td class="suppressed">gesperrt<sup><a href="#hinweis-gesperrt-case_management"/g)).toHaveLength(
      1,
    );
    expect(page).toContain('id="hinweis-gesperrt-case_management"');
    expect(page).toContain('** Gesperrt: Die Zahl ist nicht kleiner als 5');
    expect(page).not.toContain('id="hinweis-gesperrt-arrival_counselling"');
    expect(page).toMatch(
      /<g data-bar="cases\.duration" data-suppressed="true">.*?gesperrt – nicht ausgewiesen<\/text><\/g>/,
    );
    // The duration's figures are nowhere: not its mean, range or count.
    expect(page).not.toMatch(/6,0 Monate|4,0 Monate|8,0 Monate/);
    // Without one, there is no such footnote.
    expect(html).not.toContain('id="hinweis-gesperrt-');
  });

  it('escapes every string and refers to nothing outside the page', () => {
    const hostile = fixtureReport({ period: { from: '2019-01-01', to: '2019-12-31', label: '2019"><img src=x>' } });
    const page = renderIndicatorReportHtml(hostile, FIXTURE_DEFINITIONS);
    expect(page).not.toContain(HOSTILE_LABEL);
    expect(page).not.toMatch(/<script|<img|<link|<iframe|<object/i);
    expect(page).toContain('Wohnen &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Umzug&#39;');
    expect(page).toContain('2019&quot;&gt;&lt;img src=x&gt;');
    for (const p of [html, page]) {
      expect(p).not.toMatch(/https?:\/\//);
      expect(p).not.toMatch(/\s(src|href)="(?!#)/);
      expect(p).not.toMatch(/url\(|@import|@font-face/);
    }
  });

  it('says so when small numbers are shown (internal mode)', () => {
    const page = renderIndicatorReportHtml(fixtureReport({ internal: true }), FIXTURE_DEFINITIONS);
    expect(page).toContain('Interne Auswertung');
    expect(html).not.toContain('Interne Auswertung');
  });
});
