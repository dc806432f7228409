/**
 * The report's stylesheet, inlined into the page: local fonts only, A4 for print, a page per
 * indicator set, tables and charts never split across pages.
 */
export const REPORT_CSS = `
:root { color: #1a1a1a; background: #fff; font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4; }
body { margin: 0 auto; max-width: 190mm; padding: 12mm 10mm; }
h1 { font-size: 18pt; margin: 0 0 4mm; }
h3 { font-size: 12pt; margin: 0 0 2mm; break-after: avoid; page-break-after: avoid; }
h2 { font-size: 15pt; margin: 0 0 4mm; padding-bottom: 1mm; border-bottom: 2px solid #1d5a85; }
header p { margin: 1mm 0; }
nav ol { margin: 2mm 0 6mm; padding-left: 6mm; }
a { color: #1d5a85; }
.internal { border: 2px solid #a4282b; padding: 2mm 3mm; color: #a4282b; }
.set { margin-top: 10mm; }
.block { margin: 0 0 8mm; break-inside: avoid; page-break-inside: avoid; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 0 0 2mm; font-size: 12px; }
svg.chart .bar { fill: #1d5a85; }
svg.chart .grid { stroke: #d0d0d0; stroke-width: 1; }
svg.chart .axis { stroke: #555; stroke-width: 1; }
svg.chart .label, svg.chart .value { fill: #1a1a1a; }
svg.chart .tick { fill: #555; font-size: 11px; }
svg.chart .suppressed, svg.chart .empty { fill: #555; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 0 0 2mm; font-size: 10pt; }
caption { text-align: left; font-weight: bold; padding: 1mm 0; }
th, td { border-bottom: 1px solid #c8c8c8; padding: 1mm 2mm; vertical-align: top; }
thead th { border-bottom: 2px solid #555; text-align: left; }
th[scope="row"] { text-align: left; font-weight: normal; width: 50%; }
td { text-align: right; white-space: nowrap; }
td.suppressed { font-style: italic; }
.definitions { font-size: 9pt; margin: 1mm 0 0; color: #333; }
.definitions dt { font-weight: bold; margin-top: 1.5mm; }
.definitions dd { margin: 0 0 0 4mm; }
.definitions code { font-weight: normal; color: #555; font-size: 8pt; }
.term { font-weight: bold; }
.note { font-size: 9pt; border-top: 1px solid #c8c8c8; padding-top: 1mm; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { max-width: none; padding: 0; }
  nav { display: none; }
  .set { margin-top: 0; }
  .set + .set { break-before: page; page-break-before: always; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
