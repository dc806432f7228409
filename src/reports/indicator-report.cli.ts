import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Container } from '../container';
import { Actor, systemActor } from '../shared/actor';
import { AppError } from '../shared/errors';
import type { IndicatorReport } from '../subgraphs/hub/indicator/indicator.model';
import { csvFileName, indicatorSetCsv } from './indicator-report.csv';
import { renderIndicatorReportHtml } from './indicator-report.html';
import { ChromiumNotFoundError, renderPdf } from './indicator-report.pdf';
import { IndicatorReports, REPORT_PURPOSE } from './indicator-report.route';

/** A refusal the CLI prints as it is (exit code 2): a wrong period, an unknown partner, no Chromium. */
export class ReportCommandError extends Error {}

export interface ReportCommandOptions {
  period: string;
  offer?: string;
  /** Compute as this partner (its jurisdiction, legal basis for statistics); default the hub itself. */
  partner?: string;
  pdf?: string;
  html?: string;
  /** A directory: one CSV per indicator set. */
  csv?: string;
}

export interface ReportCommandIo {
  /** Progress, on stderr. */
  progress: (line: string) => void;
  /** What was written, on stdout. */
  result: (line: string) => void;
}

/**
 * `lotse report`: computes the indicators once, as the hub (every fact, always suppressed) or as a
 * partner, and writes the HTML page, its PDF and the sets' CSV files.
 */
export async function runReportCommand(
  container: Container,
  indicators: IndicatorReports,
  opts: ReportCommandOptions,
  io: ReportCommandIo,
): Promise<number> {
  const requestId = `cli-report-${randomUUID()}`;
  const as = opts.partner ?? 'the hub (system, all facts)';
  io.progress(`computing indicators for ${opts.period}${opts.offer ? ` (${opts.offer})` : ''} as ${as}`);
  const compute = (actor: Actor) => indicators.report(actor, { period: opts.period, offer: opts.offer ?? null });
  let report: IndicatorReport;
  try {
    if (opts.partner) {
      const partner = await container.subgraphs.hub.services.partners.findBySlug(opts.partner);
      if (!partner) throw new ReportCommandError(`Unknown partner "${opts.partner}"`);
      if (!partner.active) throw new ReportCommandError(`Partner ${opts.partner} is deactivated`);
      const actor: Actor = {
        subject: 'cli:report',
        partner: partner.slug,
        scopes: partner.scopes,
        jurisdiction: partner.jurisdiction,
        purpose: REPORT_PURPOSE,
        requestId,
      };
      report = await container.rowSecurity.run(actor.jurisdiction, () => compute(actor));
    } else {
      report = await container.rowSecurity.system('cli:report', () => compute(systemActor(requestId, 'cli:report')));
    }
  } catch (err) {
    if (err instanceof AppError && err.code === 'BAD_USER_INPUT') {
      const field = typeof err.extensions.field === 'string' ? err.extensions.field : 'period';
      throw new ReportCommandError(`--${field}: ${err.message}`);
    }
    if (err instanceof AppError && err.code === 'FORBIDDEN') throw new ReportCommandError(err.message);
    throw err;
  }
  const sets = report.sets.length;
  io.progress(
    `computed ${sets} indicator set${sets === 1 ? '' : 's'} for ${report.period.from} to ${report.period.to}`,
  );

  if (opts.csv) {
    const dir = path.resolve(opts.csv);
    fs.mkdirSync(dir, { recursive: true });
    for (const set of report.sets) {
      const file = path.join(dir, csvFileName(report, set));
      fs.writeFileSync(file, indicatorSetCsv(report, set));
      io.result(file);
    }
  }
  if (opts.html || opts.pdf) {
    const html = renderIndicatorReportHtml(report, indicators.definitions());
    if (opts.html) {
      fs.writeFileSync(path.resolve(opts.html), html);
      io.result(path.resolve(opts.html));
    }
    if (opts.pdf) {
      let pdf: Buffer;
      try {
        const printed = await renderPdf(html, { chromiumPath: container.config.chromiumPath, progress: io.progress });
        pdf = printed.pdf;
        // The page needs none; one that asked for something has a bug worth knowing of.
        for (const url of printed.refused) io.progress(`refused a request of the page: ${url}`);
      } catch (err) {
        if (err instanceof ChromiumNotFoundError) throw new ReportCommandError(err.message);
        throw err;
      }
      fs.writeFileSync(path.resolve(opts.pdf), pdf);
      io.result(path.resolve(opts.pdf));
    }
  }
  return 0;
}
