import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * The report's HTML printed to PDF by headless Chromium (the system's, CHROMIUM_PATH): the same
 * page the route serves, so screen, print and PDF never differ. The page needs no request; any it
 * makes is refused and named.
 */

/** Chromium without anything that talks to the network on its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class ChromiumNotFoundError extends Error {
  constructor(readonly path: string) {
    super(
      `Chromium not found at ${path}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH to its executable`,
    );
    this.name = 'ChromiumNotFoundError';
  }
}

export interface PdfOptions {
  chromiumPath: string;
  /** One line per step, for the CLI's stderr. */
  progress?: (line: string) => void;
  timeoutMs?: number;
}

export interface PdfResult {
  pdf: Buffer;
  /** Requests the page tried to make (all refused); empty for the report. */
  refused: string[];
}

const FOOTER =
  '<div style="font-size:8px;width:100%;text-align:center;font-family:sans-serif;color:#555">' +
  'Seite <span class="pageNumber"></span> von <span class="totalPages"></span></div>';

export async function renderPdf(html: string, opts: PdfOptions): Promise<PdfResult> {
  if (!fs.existsSync(opts.chromiumPath)) throw new ChromiumNotFoundError(opts.chromiumPath);
  const progress = opts.progress ?? (() => undefined);
  const timeout = opts.timeoutMs ?? 60_000;
  const refused: string[] = [];
  let browser: Browser | undefined;
  try {
    progress(`starting Chromium (${opts.chromiumPath})`);
    browser = await chromium.launch({ executablePath: opts.chromiumPath, args: CHROMIUM_ARGS, timeout });
    // No script runs: the page has none and needs none.
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    await context.route('**/*', (route) => {
      refused.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    await page.setContent(html, { waitUntil: 'load' });
    progress('printing to PDF (A4)');
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: FOOTER,
    });
    return { pdf, refused };
  } finally {
    await browser?.close().catch(() => undefined);
  }
}
