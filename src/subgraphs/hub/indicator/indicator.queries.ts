import { DataSource } from 'typeorm';
import {
  ARRIVAL_TOPICS,
  ATTENDING_STATUSES,
  CASE_TOPICS,
  HELPED_OUTCOMES,
  LANGUAGE_OFFENSIVE_KINDS,
  REFERRAL_OUTCOMES,
} from './indicator.definitions';

const TOPIC_CODES = { arrival: ARRIVAL_TOPICS.map((t) => t.key), cases: CASE_TOPICS.map((t) => t.key) };

/**
 * Which facts a report counts: the period, the jurisdiction (AGS prefixes as LIKE patterns; null
 * for the system, which counts all) and, in internal mode, the owner.
 */
export interface FactScope {
  from: string;
  to: string;
  /** Last day whose two-month follow-up deadline may count: min(period end, today). */
  dueBy: string;
  patterns: string[] | null;
  owner: string | null;
}

type Row = Record<string, unknown>;

/**
 * Counts per topic in the same pass as the other aggregates: a FILTER per known code (cheaper
 * than unnesting every row), plus the arrays of the rare rows that hold codes no definition
 * lists, counted here.
 */
function topicColumns(codes: readonly string[], where: string): string {
  const known = `ARRAY[${codes.map((c) => `'${c}'`).join(', ')}]::text[]`;
  return [
    ...codes.map((c, i) => `count(*) FILTER (WHERE ${where} AND '${c}' = ANY(topics)) AS topic_${i}`),
    `jsonb_agg(topics) FILTER (WHERE ${where} AND NOT topics <@ ${known}) AS topics_other`,
  ].join(',\n            ');
}

function topicCounts(codes: readonly string[], r: Row): Record<string, number> {
  const out: Record<string, number> = {};
  codes.forEach((c, i) => {
    if (num(r[`topic_${i}`]) > 0) out[c] = num(r[`topic_${i}`]);
  });
  for (const topics of (r.topics_other as string[][] | null) ?? [])
    for (const t of topics) if (!codes.includes(t)) out[t] = (out[t] ?? 0) + 1;
  return out;
}
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/**
 * Parameters $1 from, $2 to, then the jurisdiction and owner conditions. `ownerSql` is the
 * condition on `$n` (the owner slug) for the table at hand.
 */
function scoped(scope: FactScope, ownerSql: (p: string) => string, extra: unknown[] = []) {
  const params: unknown[] = [scope.from, scope.to, ...extra];
  const where: string[] = [];
  if (scope.patterns) {
    params.push(scope.patterns);
    where.push(`municipality_key LIKE ANY($${params.length}::text[])`);
  }
  if (scope.owner) {
    params.push(scope.owner);
    where.push(ownerSql(`$${params.length}`));
  }
  return { params, and: where.map((w) => ` AND ${w}`).join('') };
}

export interface ArrivalFacts {
  concluded: number;
  asPlanned: number;
  tookPlace: number;
  followUpDue: number;
  followUpInTime: number;
  topics: Record<string, number>;
}

/** One pass over the period's visits (index-only, indicator_arrival_visit_period). $3: the follow-up day limit. */
export async function arrivalFacts(ds: DataSource, scope: FactScope): Promise<ArrivalFacts> {
  const { params, and } = scoped(scope, (p) => `owner = ${p}`, [scope.dueBy]);
  const tookPlace = "status = 'took_place'";
  const [r]: Row[] = await ds.query(
    `SELECT count(*) FILTER (WHERE status IN ('took_place', 'did_not_take_place')) AS concluded,
            count(*) FILTER (WHERE ${tookPlace} AND as_planned) AS as_planned,
            count(*) FILTER (WHERE ${tookPlace}) AS took_place,
            count(*) FILTER (WHERE ${tookPlace} AND follow_up_due_on <= $3::date) AS follow_up_due,
            count(*) FILTER (WHERE ${tookPlace} AND follow_up_due_on <= $3::date AND follow_up_in_time
                               AND follow_up_kind IN ('district_office', 'school_placement')) AS follow_up_in_time,
            ${topicColumns(TOPIC_CODES.arrival, tookPlace)}
       FROM hub.indicator_arrival_visit WHERE planned_on BETWEEN $1::date AND $2::date${and}`,
    params,
  );
  return {
    concluded: num(r.concluded),
    asPlanned: num(r.as_planned),
    tookPlace: num(r.took_place),
    followUpDue: num(r.follow_up_due),
    followUpInTime: num(r.follow_up_in_time),
    topics: topicCounts(TOPIC_CODES.arrival, r),
  };
}

export interface LanguageFacts {
  courses: number;
  parallel: number;
  participants: number;
  groups: Record<string, number>;
}

/**
 * Courses running in the period and the most running on one day (a sweep over start and end
 * days, clipped to the period), then the period's participations. Two statements: the courses
 * (few rows) and the enrolments (many; by their end, indicator_enrolment_period, whose expression
 * the condition spells: an open enrolment ends 'infinity').
 */
export async function languageFacts(ds: DataSource, scope: FactScope): Promise<LanguageFacts> {
  const kinds = [...LANGUAGE_OFFENSIVE_KINDS];
  const c = scoped(scope, (p) => `owner = ${p}`, [kinds]);
  const [courses]: Row[] = await ds.query(
    `WITH c AS MATERIALIZED (
       SELECT starts_on, ends_on FROM hub.indicator_course
        WHERE kind = ANY($3::text[]) AND status <> 'cancelled'
          AND starts_on <= $2::date AND (ends_on IS NULL OR ends_on >= $1::date)${c.and}),
     ev AS (
       SELECT greatest(starts_on, $1::date) AS d, 1 AS delta FROM c
       UNION ALL
       SELECT least(coalesce(ends_on, $2::date), $2::date) + 1, -1 FROM c),
     run AS (SELECT d, sum(sum(delta)) OVER (ORDER BY d) AS n FROM ev GROUP BY d)
     SELECT (SELECT count(*) FROM c) AS courses, (SELECT coalesce(max(n), 0) FROM run) AS parallel`,
    c.params,
  );
  const e = scoped(scope, (p) => `owner = ${p}`, [kinds, [...ATTENDING_STATUSES]]);
  const [enrolments]: Row[] = await ds.query(
    `SELECT count(*) AS participants,
            count(*) FILTER (WHERE sex = 'female') AS women,
            count(*) FILTER (WHERE uses_childcare) AS childcare,
            count(*) FILTER (WHERE shift_worker) AS shift_workers,
            count(*) FILTER (WHERE apprentice OR evening_participant) AS apprentices_evening,
            count(*) FILTER (WHERE parallel_integration_course) AS integration_course
       FROM hub.indicator_enrolment
      WHERE enrolled_on <= $2::date AND coalesce(ended_on, 'infinity'::date) >= $1::date
        AND course_kind = ANY($3::text[]) AND status = ANY($4::text[])${e.and}`,
    e.params,
  );
  return {
    courses: num(courses.courses),
    parallel: num(courses.parallel),
    participants: num(enrolments.participants),
    groups: {
      women: num(enrolments.women),
      childcare: num(enrolments.childcare),
      shift_workers: num(enrolments.shift_workers),
      apprentices_evening: num(enrolments.apprentices_evening),
      integration_course: num(enrolments.integration_course),
    },
  };
}

export interface CaseFacts {
  cases: number;
  appointmentsDue: number;
  appointmentsKept: number;
  withDue: number;
  keptEvery: number;
  closedPlanned: number;
  closedUnplanned: number;
  stillOpen: number;
  goalsPlanned: { agreed: number; reached: number };
  goalsUnplanned: { agreed: number; reached: number };
  topics: Record<string, number>;
  duration: { n: number; mean: number | null; min: number | null; max: number | null };
}

/** Days per month for durations (365.25 / 12). */
const DAYS_PER_MONTH = 30.4375;

/**
 * The cases open at any time of the period, in one pass, found by their end (indicator_case_period:
 * an open case ends 'infinity'), so the cases closed before the period are not read at all.
 */
export async function caseFacts(ds: DataSource, scope: FactScope): Promise<CaseFacts> {
  const { params, and } = scoped(scope, (p) => `owner = ${p}`);
  const closedIn = 'closed_on BETWEEN $1::date AND $2::date';
  const [r]: Row[] = await ds.query(
    `SELECT count(*) AS cases,
            coalesce(sum(appointments_due), 0) AS appointments_due,
            coalesce(sum(appointments_kept), 0) AS appointments_kept,
            count(*) FILTER (WHERE appointments_due > 0) AS with_due,
            count(*) FILTER (WHERE appointments_due > 0 AND appointments_kept = appointments_due) AS kept_every,
            count(*) FILTER (WHERE ${closedIn} AND closure = 'planned') AS closed_planned,
            count(*) FILTER (WHERE ${closedIn} AND closure = 'unplanned') AS closed_unplanned,
            count(*) FILTER (WHERE closed_on IS NULL OR closed_on > $2::date) AS still_open,
            coalesce(sum(goals_agreed) FILTER (WHERE ${closedIn} AND closure = 'planned'), 0) AS planned_agreed,
            coalesce(sum(goals_reached) FILTER (WHERE ${closedIn} AND closure = 'planned'), 0) AS planned_reached,
            coalesce(sum(goals_agreed) FILTER (WHERE ${closedIn} AND closure = 'unplanned'), 0) AS unplanned_agreed,
            coalesce(sum(goals_reached) FILTER (WHERE ${closedIn} AND closure = 'unplanned'), 0) AS unplanned_reached,
            count(*) FILTER (WHERE ${closedIn}) AS closed,
            avg((closed_on - opened_on) / ${DAYS_PER_MONTH}) FILTER (WHERE ${closedIn}) AS duration_mean,
            min((closed_on - opened_on) / ${DAYS_PER_MONTH}) FILTER (WHERE ${closedIn}) AS duration_min,
            max((closed_on - opened_on) / ${DAYS_PER_MONTH}) FILTER (WHERE ${closedIn}) AS duration_max,
            ${topicColumns(TOPIC_CODES.cases, 'true')}
       FROM hub.indicator_case
      WHERE opened_on <= $2::date AND coalesce(closed_on, 'infinity'::date) >= $1::date${and}`,
    params,
  );
  return {
    cases: num(r.cases),
    appointmentsDue: num(r.appointments_due),
    appointmentsKept: num(r.appointments_kept),
    withDue: num(r.with_due),
    keptEvery: num(r.kept_every),
    closedPlanned: num(r.closed_planned),
    closedUnplanned: num(r.closed_unplanned),
    stillOpen: num(r.still_open),
    goalsPlanned: { agreed: num(r.planned_agreed), reached: num(r.planned_reached) },
    goalsUnplanned: { agreed: num(r.unplanned_agreed), reached: num(r.unplanned_reached) },
    topics: topicCounts(TOPIC_CODES.cases, r),
    duration: {
      n: num(r.closed),
      mean: numOrNull(r.duration_mean),
      min: numOrNull(r.duration_min),
      max: numOrNull(r.duration_max),
    },
  };
}

export interface ReferralFacts {
  byType: Record<string, number>;
  byOutcome: Record<string, number>;
  acceptance: { n: number; mean: number | null; min: number | null; max: number | null };
  deadlinesDue: number;
  deadlinesMet: number;
  gap: { n: number; mean: number | null; min: number | null; max: number | null };
  withGap: number;
}

/** SQL CASE naming a referral's outcome group (REFERRAL_OUTCOMES). */
function outcomeCase(): string {
  const helped = HELPED_OUTCOMES.map((o) => `'${o}'`).join(', ');
  const arms = REFERRAL_OUTCOMES.filter((o) => o.key !== 'helped' && o.key !== 'completed_other').map(
    (o) => `WHEN status IN (${o.statuses.map((s) => `'${s}'`).join(', ')}) THEN '${o.key}'`,
  );
  return `CASE WHEN status = 'completed' AND outcome IN (${helped}) THEN 'helped'
               WHEN status = 'completed' THEN 'completed_other' ${arms.join(' ')} END`;
}

/**
 * The referrals and transfers requested in the period (index-only, indicator_referral_period; the period's days
 * are Berlin days). In internal mode the owner is either party.
 */
export async function referralFacts(ds: DataSource, scope: FactScope): Promise<ReferralFacts> {
  const { params, and } = scoped(scope, (p) => `(sender = ${p} OR receiver = ${p})`);
  const days = `extract(epoch FROM accepted_at - requested_at) / 86400`;
  const transfer = `kind = 'transfer'`;
  // One scan, grouped by type and outcome group (a few dozen rows); sums, minima and maxima combine here.
  const rows: Row[] = await ds.query(
    `SELECT referral_type, ${outcomeCase()} AS outcome_group, count(*) AS n,
            count(accepted_at) AS accepted, sum(${days}) AS acceptance_sum,
            min(${days}) AS acceptance_min, max(${days}) AS acceptance_max,
            coalesce(sum(deadlines_due), 0) AS deadlines_due, coalesce(sum(deadlines_met), 0) AS deadlines_met,
            count(gap_days) FILTER (WHERE ${transfer}) AS gaps, sum(gap_days) FILTER (WHERE ${transfer}) AS gap_sum,
            min(gap_days) FILTER (WHERE ${transfer}) AS gap_min, max(gap_days) FILTER (WHERE ${transfer}) AS gap_max,
            count(*) FILTER (WHERE ${transfer} AND gap_days > 0) AS with_gap
       FROM hub.indicator_referral
      WHERE requested_at >= ($1::date)::timestamp AT TIME ZONE 'Europe/Berlin'
        AND requested_at < ($2::date + 1)::timestamp AT TIME ZONE 'Europe/Berlin'
        AND status NOT IN ('draft', 'entered_in_error')${and}
      GROUP BY 1, 2`,
    params,
  );
  const f: ReferralFacts = {
    byType: {},
    byOutcome: {},
    acceptance: { n: 0, mean: null, min: null, max: null },
    deadlinesDue: 0,
    deadlinesMet: 0,
    gap: { n: 0, mean: null, min: null, max: null },
    withGap: 0,
  };
  let acceptanceSum = 0;
  let gapSum = 0;
  const lower = (a: number | null, b: unknown) => (b === null ? a : a === null ? Number(b) : Math.min(a, Number(b)));
  const upper = (a: number | null, b: unknown) => (b === null ? a : a === null ? Number(b) : Math.max(a, Number(b)));
  for (const r of rows) {
    const type = r.referral_type as string;
    const group = r.outcome_group as string | null;
    f.byType[type] = (f.byType[type] ?? 0) + num(r.n);
    if (group !== null) f.byOutcome[group] = (f.byOutcome[group] ?? 0) + num(r.n);
    f.acceptance.n += num(r.accepted);
    acceptanceSum += num(r.acceptance_sum);
    f.acceptance.min = lower(f.acceptance.min, r.acceptance_min);
    f.acceptance.max = upper(f.acceptance.max, r.acceptance_max);
    f.deadlinesDue += num(r.deadlines_due);
    f.deadlinesMet += num(r.deadlines_met);
    f.gap.n += num(r.gaps);
    gapSum += num(r.gap_sum);
    f.gap.min = lower(f.gap.min, r.gap_min);
    f.gap.max = upper(f.gap.max, r.gap_max);
    f.withGap += num(r.with_gap);
  }
  f.acceptance.mean = f.acceptance.n ? acceptanceSum / f.acceptance.n : null;
  f.gap.mean = f.gap.n ? gapSum / f.gap.n : null;
  return f;
}
