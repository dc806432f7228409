import { badInput } from '../../../shared/errors';
import { addMonths, isoDay } from '../../../shared/time';
import { IndicatorPeriod, Offer, OFFERS } from './indicator.model';

const FORMS = 'YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD/YYYY-MM-DD';

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (year: number, month: number) => isoDay(new Date(Date.UTC(year, month, 0)));

/** A real calendar day 'YYYY-MM-DD', or null. */
function realDay(v: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && isoDay(d) === v ? v : null;
}

/**
 * The report's period (docs/indicators.md, Periods): a year, a quarter, a month or two days
 * joined by '/', both inclusive. Anything else — an open end ('2019-01-01/..'), a reversed range,
 * a range longer than `maxMonths` — is BAD_USER_INPUT naming `period`.
 */
export function parsePeriod(raw: string, maxMonths: number): IndicatorPeriod {
  const label = String(raw ?? '').trim();
  const refuse = (why: string) => badInput(`period ${why}`, 'period');
  let from: string | null;
  let to: string | null;
  let m: RegExpMatchArray | null;
  if ((m = label.match(/^(\d{4})$/))) {
    from = `${m[1]}-01-01`;
    to = `${m[1]}-12-31`;
  } else if ((m = label.match(/^(\d{4})-Q([1-4])$/))) {
    const first = (Number(m[2]) - 1) * 3 + 1;
    from = `${m[1]}-${pad(first)}-01`;
    to = lastDay(Number(m[1]), first + 2);
  } else if ((m = label.match(/^(\d{4})-(\d{2})$/)) && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
    from = `${m[1]}-${m[2]}-01`;
    to = lastDay(Number(m[1]), Number(m[2]));
  } else if (label.includes('/')) {
    const parts = label.split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1] || parts.some((p) => p === '..'))
      throw refuse(`must name both days (${FORMS}); open-ended periods are not accepted`);
    from = realDay(parts[0]);
    to = realDay(parts[1]);
    if (!from || !to) throw refuse(`must be ${FORMS} with real days`);
    if (from > to) throw refuse(`starts ${from}, after its end ${to}`);
  } else {
    throw refuse(`must be ${FORMS}, got "${label.slice(0, 40)}"`);
  }
  if (from < '1900-01-01') throw refuse('lies before 1900');
  // The longest period: from + maxMonths − 1 day (a 24-month maximum admits two calendar years).
  const limit = isoDay(new Date(Date.parse(`${addMonths(from, maxMonths)}T00:00:00Z`) - 86_400_000));
  if (to > limit) throw refuse(`is longer than ${maxMonths} months (INDICATORS_MAX_PERIOD_MONTHS)`);
  return { from, to, label };
}

/** The offer asked for, or null for every set; anything else is BAD_USER_INPUT naming `offer`. */
export function parseOffer(raw: string | null | undefined): Offer | null {
  if (raw === null || raw === undefined) return null;
  if (!(OFFERS as readonly string[]).includes(raw))
    throw badInput(`offer must be one of ${OFFERS.join(', ')}`, 'offer');
  return raw as Offer;
}
