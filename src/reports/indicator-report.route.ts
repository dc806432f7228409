import type http from 'node:http';
import type { RouteHandler } from '../gateway/http';
import { AuthenticationError } from '../gateway/auth';
import type { Actor } from '../shared/actor';
import { AppError, isDependencyFailure, RETRY_AFTER_SECONDS } from '../shared/errors';
import { OFFERS } from '../subgraphs/hub/indicator/indicator.model';
import type { IndicatorDefinition, IndicatorQuery, IndicatorReport } from '../subgraphs/hub/indicator/indicator.model';
import { csvFileName, indicatorSetCsv } from './indicator-report.csv';
import { esc } from './indicator-report.format';
import { renderIndicatorReportHtml } from './indicator-report.html';

/** What the report needs of the hub's IndicatorService (`hub.services.indicators`). */
export interface IndicatorReports {
  report(actor: Actor, query: IndicatorQuery): Promise<IndicatorReport>;
  definitions(): IndicatorDefinition[];
}

export interface ReportRouteOptions {
  indicators: IndicatorReports;
  /** The gateway's access-token verifier: the same credentials, purposes and 401s as /graphql. */
  verifier: { verify(authorization: string | undefined, requestId: string, purpose?: string): Promise<Actor> };
  /** Runs the computation under the actor's row security, as a GraphQL request would. */
  asActor<T>(actor: Actor, fn: () => Promise<T>): Promise<T>;
}

export const REPORT_PATH = '/reports/indicators';
export const REPORT_CSV_PATH = '/reports/indicators.csv';
/** The report is computed for statistics only, whatever purpose a token names first. */
export const REPORT_PURPOSE = 'statistics';

/**
 * The page needs nothing from anywhere: no script, no font, no image but inline SVG. Under this
 * policy a browser makes no request for it at all, even if a string slipped through unescaped.
 */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** What city staff read when a link is wrong: the allowed forms, in German. */
const HINTS: Record<string, string> = {
  period:
    'Erlaubt sind ein Jahr (2019), ein Quartal (2019-Q1), ein Monat (2019-03) oder ein Zeitraum von Tag bis Tag (2019-01-01/2019-06-30), begrenzt auf die eingestellte Höchstdauer.',
  offer: `Erlaubt sind: ${OFFERS.join(', ')}.`,
};

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function send(res: http.ServerResponse, status: number, type: string, body: string, headers = {}): true {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-security-policy': REPORT_CSP,
    'content-type': type,
    ...headers,
  });
  res.end(body);
  return true;
}

/** A message as the end of a German sentence: without its own final full stop. */
const bare = (message: string) => message.replace(/[.\s]+$/, '');

/** An error as a small German page (the HTML route) or plain text (CSV). */
function refuse(res: http.ServerResponse, csv: boolean, status: number, message: string, headers = {}): true {
  if (csv) return send(res, status, 'text/plain; charset=utf-8', `${message}\n`, headers);
  const page = `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Kennzahlenbericht: Fehler ${status}</title></head><body><h1>Kennzahlenbericht nicht erstellt</h1><p>${esc(message)}</p></body></html>\n`;
  return send(res, status, 'text/html; charset=utf-8', page, headers);
}

/**
 * `GET /reports/indicators?period=…[&offer=…]`: the steering report as HTML;
 * `GET /reports/indicators.csv?period=…&offer=…`: one set as CSV. Authenticated as /graphql
 * (`Authorization: Bearer`), always for the purpose `statistics`; the service decides who may
 * see which figures (scope, legal basis, jurisdiction).
 */
export function indicatorReportRoute(opts: ReportRouteOptions): RouteHandler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const csv = url.pathname === REPORT_CSV_PATH;
    if (!csv && url.pathname !== REPORT_PATH) return false;
    if (req.method !== 'GET') return refuse(res, csv, 405, 'Nur GET ist erlaubt.', { allow: 'GET' });
    const period = url.searchParams.get('period')?.trim() ?? '';
    const offer = url.searchParams.get('offer')?.trim() || null;
    if (!period)
      return refuse(
        res,
        csv,
        400,
        'Der Parameter „period“ fehlt, z. B. period=2019, 2019-Q1, 2019-03 oder 2019-01-01/2019-06-30.',
      );
    if (csv && !offer)
      return refuse(
        res,
        csv,
        400,
        'Der Parameter „offer“ fehlt: Die CSV-Datei enthält ein Angebot, z. B. offer=arrival_counselling.',
      );
    const requestId = String(res.getHeader('x-request-id') ?? 'report');
    let report: IndicatorReport;
    try {
      const actor = await opts.verifier.verify(req.headers.authorization, requestId, REPORT_PURPOSE);
      report = await opts.asActor(actor, () => opts.indicators.report(actor, { period, offer }));
    } catch (err) {
      if (err instanceof AuthenticationError)
        return refuse(res, csv, 401, `Anmeldung erforderlich: ${bare(err.message)}.`, {
          'www-authenticate': err.challenge,
        });
      if (err instanceof AppError && err.code === 'FORBIDDEN')
        return refuse(res, csv, 403, `Keine Berechtigung für den Kennzahlenbericht: ${bare(err.message)}.`);
      if (err instanceof AppError && err.code === 'BAD_USER_INPUT') {
        const field = typeof err.extensions.field === 'string' ? err.extensions.field : 'period';
        return refuse(
          res,
          csv,
          400,
          `Der Parameter „${field}“ ist ungültig. ${HINTS[field] ?? ''} (${bare(err.message)})`,
        );
      }
      if (isDependencyFailure(err))
        return refuse(res, csv, 503, 'Der Bericht kann gerade nicht berechnet werden. Bitte später erneut versuchen.', {
          'retry-after': String(RETRY_AFTER_SECONDS),
        });
      throw err;
    }
    if (csv) {
      const set = report.sets.find((s) => s.offer === offer) ?? report.sets[0];
      if (!set) return refuse(res, csv, 400, `Der Parameter „offer“ ist ungültig: keine Kennzahlen für ${offer}.`);
      return send(res, 200, 'text/csv; charset=utf-8; header=present', indicatorSetCsv(report, set), {
        'content-disposition': `attachment; filename="${csvFileName(report, set)}"`,
      });
    }
    return send(res, 200, 'text/html; charset=utf-8', renderIndicatorReportHtml(report, opts.indicators.definitions()));
  };
}
