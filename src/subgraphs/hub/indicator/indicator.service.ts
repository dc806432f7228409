import { DataSource } from 'typeorm';
import { AuditLog } from '../../../audit/audit.service';
import { Actor, jurisdictionPatterns } from '../../../shared/actor';
import { AppError } from '../../../shared/errors';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { definitionsFor, OFFER_LABELS, PARTICIPANT_GROUPS } from './indicator.definitions';
import {
  countBreakdown,
  countFigure,
  ratioFigure,
  result,
  shareBreakdown,
  shareFigure,
  spreadResult,
  SumRelation,
  suppressComplements,
  Suppression,
} from './indicator.figures';
import {
  IndicatorDefinition,
  IndicatorQuery,
  IndicatorReport,
  IndicatorResult,
  IndicatorSetResult,
  Offer,
  OFFERS,
} from './indicator.model';
import { parseOffer, parsePeriod } from './indicator.period';
import { arrivalFacts, caseFacts, FactScope, languageFacts, referralFacts } from './indicator.queries';

export interface IndicatorOptions {
  /** INDICATORS_MIN_COUNT: counts below it are suppressed. */
  minCount: number;
  /** INDICATORS_MAX_PERIOD_MONTHS: the longest period a report covers. */
  maxPeriodMonths: number;
}

/** The purpose a report is computed for, and the purpose of the legal basis it needs. */
export const STATISTICS_PURPOSE = 'statistics';

/** The categories of personal data the fact tables are derived from (named in the internal mode's audit entry). */
const SOURCE_CATEGORIES = ['case_notes', 'course_participation'];

/**
 * The case-management figures that add up, by their period rules: every case open in the period
 * was closed in it (planned or unplanned, the only closures) or is still open at its end, and
 * the duration counts the cases closed in it. With the cases and the duration's count shown, a
 * suppressed "still open" would otherwise be their difference.
 */
const CASE_SUMS: readonly SumRelation[] = [
  { total: 'cm.cases', parts: ['cm.closures_planned', 'cm.closures_unplanned', 'cm.still_open'] },
  { total: 'cm.duration', parts: ['cm.closures_planned', 'cm.closures_unplanned'] },
  { total: 'cm.cases', parts: ['cm.duration', 'cm.still_open'] },
];

/** The hub itself (CLI `lotse report`, benchmark): every fact, always suppressed, never internal. */
const isSystem = (actor: Actor) => actor.scopes.includes('*');

/**
 * The report's indicators (docs/indicators.md), computed from the hub's fact tables only: one
 * or two aggregate statements per set, nothing of a row leaves. A partner needs the scope
 * statistics:read, the stated purpose `statistics` and an active legal basis for it; it counts the
 * facts of its jurisdiction. The internal mode counts only the partner's own facts, shows small
 * numbers and is audited.
 */
export class IndicatorService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly options: IndicatorOptions,
  ) {}

  definitions(offer?: string | null): IndicatorDefinition[] {
    return definitionsFor(parseOffer(offer));
  }

  async report(actor: Actor, query: IndicatorQuery): Promise<IndicatorReport> {
    const system = isSystem(actor);
    if (!system) requireScope(actor, 'statistics:read');
    const period = parsePeriod(query.period, this.options.maxPeriodMonths);
    const offer = parseOffer(query.offer);
    const basis = system ? null : await this.statisticsBasis(actor);
    const internal = !system && query.internal === true;
    const today = isoDay(this.clock.now());
    const scope: FactScope = {
      from: period.from,
      to: period.to,
      dueBy: period.to < today ? period.to : today,
      patterns: system ? null : jurisdictionPatterns(actor),
      owner: internal ? actor.partner : null,
    };
    const s: Suppression = { minCount: this.options.minCount, show: internal };
    const offers = offer ? [offer] : [...OFFERS];
    // The sets side by side, each on a connection of its own: the report takes as long as its slowest set.
    const sets: IndicatorSetResult[] = await Promise.all(
      offers.map(async (o) => ({ offer: o, label: OFFER_LABELS[o], indicators: await this.compute(o, scope, s) })),
    );
    if (internal)
      // Small numbers leave only on this record (purpose statistics, no person named).
      await this.audit.appendNow([
        {
          kind: 'read',
          partner: actor.partner,
          subject: actor.subject,
          requestId: actor.requestId,
          categories: SOURCE_CATEGORIES,
          fields: ['indicators'],
          purpose: STATISTICS_PURPOSE,
          basis: `legal_basis:${basis}`,
          operation: 'indicators',
          detail: { internal: true, period: period.label, offer: offer ?? 'all' },
        },
      ]);
    return {
      period,
      offer,
      internal,
      minCount: this.options.minCount,
      computedAt: this.clock.now().toISOString(),
      sets,
    };
  }

  /** The partner's active legal basis for statistics (its id), or FORBIDDEN. */
  private async statisticsBasis(actor: Actor): Promise<string> {
    if (actor.purpose !== STATISTICS_PURPOSE)
      throw new AppError('FORBIDDEN', `Indicators are computed for the purpose ${STATISTICS_PURPOSE} only`, {
        purpose: actor.purpose,
      });
    const today = isoDay(this.clock.now());
    const [row]: Array<{ id: string }> = await this.ds.query(
      `SELECT id FROM hub.legal_basis
        WHERE recipient_partner = $1 AND purpose = $2 AND NOT while_referral_open AND revoked_at IS NULL
          AND valid_from <= $3 AND (valid_until IS NULL OR valid_until >= $3)
        ORDER BY created_at, id LIMIT 1`,
      [actor.partner, STATISTICS_PURPOSE, today],
    );
    if (!row)
      throw new AppError('FORBIDDEN', 'Indicators need a legal basis for the purpose statistics', {
        purpose: STATISTICS_PURPOSE,
      });
    return row.id;
  }

  private async compute(offer: Offer, scope: FactScope, s: Suppression): Promise<IndicatorResult[]> {
    switch (offer) {
      case 'arrival_counselling': {
        const f = await arrivalFacts(this.ds, scope);
        return [
          result('arrival.visits', countFigure(s, f.tookPlace)),
          result('arrival.visits_as_planned', shareFigure(s, f.asPlanned, f.concluded)),
          result('arrival.follow_up_in_time', shareFigure(s, f.followUpInTime, f.followUpDue)),
          shareBreakdown(s, 'arrival.topics', f.topics, f.tookPlace),
        ];
      }
      case 'language_offensive': {
        const f = await languageFacts(this.ds, scope);
        return [
          result('language.courses_parallel', countFigure(s, f.parallel)),
          result('language.courses', countFigure(s, f.courses)),
          result('language.participants', countFigure(s, f.participants)),
          result('language.mean_course_size', ratioFigure(s, f.participants, f.courses)),
          ...PARTICIPANT_GROUPS.map((g) =>
            result(`language.share_${g.key}`, shareFigure(s, f.groups[g.key], f.participants)),
          ),
          shareBreakdown(s, 'language.participant_groups', f.groups, f.participants),
        ];
      }
      case 'case_management': {
        const f = await caseFacts(this.ds, scope);
        return suppressComplements(
          s,
          [
            result('cm.cases', countFigure(s, f.cases)),
            result('cm.appointments_kept', shareFigure(s, f.appointmentsKept, f.appointmentsDue)),
            result('cm.kept_every_appointment', shareFigure(s, f.keptEvery, f.withDue)),
            result('cm.closures_planned', countFigure(s, f.closedPlanned)),
            result('cm.closures_unplanned', countFigure(s, f.closedUnplanned)),
            result('cm.still_open', countFigure(s, f.stillOpen)),
            result('cm.goals_planned', shareFigure(s, f.goalsPlanned.reached, f.goalsPlanned.agreed)),
            result('cm.goals_unplanned', shareFigure(s, f.goalsUnplanned.reached, f.goalsUnplanned.agreed)),
            shareBreakdown(s, 'cm.topics', f.topics, f.cases),
            spreadResult(s, 'cm.duration', f.duration.n, f.duration.mean, f.duration.min, f.duration.max),
          ],
          CASE_SUMS,
        );
      }
      case 'referrals': {
        const f = await referralFacts(this.ds, scope);
        return [
          countBreakdown(s, 'referrals.by_type', f.byType),
          countBreakdown(s, 'referrals.by_outcome', f.byOutcome),
          spreadResult(
            s,
            'referrals.time_to_acceptance',
            f.acceptance.n,
            f.acceptance.mean,
            f.acceptance.min,
            f.acceptance.max,
          ),
          result('referrals.agreement_compliance', shareFigure(s, f.deadlinesMet, f.deadlinesDue)),
          spreadResult(s, 'referrals.handover_gap', f.gap.n, f.gap.mean, f.gap.min, f.gap.max),
          result('referrals.handovers_with_gap', countFigure(s, f.withGap)),
        ];
      }
    }
  }
}
