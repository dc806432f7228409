import { AT, BASE, CODES, CUTOFF, EventTemplate, ID, MUNICIPALITY, PERSON, R, SubjectKind } from './indicators.sql';

/** Case management and referrals for the indicator benchmark (see indicators.sql.ts for the helpers). */

const CLOSE_DAY = `${BASE} + 120 + ${R(41, 121)} + (${R(42, 100)} < 8)::int * 365`;
const CLOSED = `(${CLOSE_DAY} <= ${CUTOFF})`;
const PLANNED = `(${R(43, 7)} < 3)`;
const APPOINTMENTS = `(6 + ${R(44, 10)})`;
const GOALS = `(1 + ${R(46, 5)})`;
/** Goals reached: each goal with its own chance (90 % after a planned closure, 30 % after an unplanned one). */
const REACHED = `(SELECT count(*)::int FROM generate_series(1, ${GOALS}) i
  WHERE (hashint8extended(g::bigint * 8 + i, 47) & 9223372036854775807) % 100 < CASE WHEN ${PLANNED} THEN 90 ELSE 30 END)`;

export const cases: SubjectKind = {
  digit: 4,
  name: 'cases',
  table: 'hub.indicator_case',
  perMillion: 18_500,
  columns: [
    ['case_id', ID('f4000000')],
    ['owner', `(ARRAY['rheine-social', 'rheine-social', 'rheine-social', 'caritas-rheine'])[1 + ${R(40, 4)}]`],
    ['municipality_key', MUNICIPALITY],
    ['person_id', PERSON(48)],
    ['track', `CASE WHEN ${R(49, 10)} = 0 THEN 'euma' ELSE 'standard' END`],
    ['opened_on', BASE],
    ['closed_on', `CASE WHEN ${CLOSED} THEN ${CLOSE_DAY} END`],
    ['closure', `CASE WHEN NOT ${CLOSED} THEN NULL WHEN ${PLANNED} THEN 'planned' ELSE 'unplanned' END`],
    ['appointments_due', APPOINTMENTS],
    // 80 % kept: 7 of 10 persons keep every appointment, the others a third of theirs.
    ['appointments_kept', `CASE WHEN ${R(45, 10)} < 7 THEN ${APPOINTMENTS} ELSE ${APPOINTMENTS} / 3 END`],
    ['goals_agreed', GOALS],
    ['goals_reached', `CASE WHEN ${CLOSED} THEN ${REACHED} ELSE 0 END`],
    [
      'topics',
      CODES(60, [
        ['housing', 48],
        ['health', 45],
        ['education', 42],
        ['language', 35],
        ['work', 30],
        ['family', 22],
        ['participation', 15],
        ['residence', 20],
      ]),
    ],
    ['refreshed_at', AT(`least(${CLOSE_DAY}, ${CUTOFF})`, 16)],
  ],
  events: (() => {
    const ev = (type: string, at: string, extra: string): EventTemplate => ({
      source: 'city',
      type,
      aggregate: `'Case'`,
      actor: 'f.owner',
      at: AT(at, 11),
      person: 'f.person_id',
      payload: `jsonb_build_object('caseId', f.case_id, 'personId', f.person_id, 'partner', f.owner${extra ? `, ${extra}` : ''})`,
    });
    const goal = ID('f4100000');
    return [
      ev(`'case.opened'`, 'f.opened_on', `'track', f.track, 'sourceReferralId', NULL`),
      ev(`'case.phase_changed'`, 'f.opened_on + 7', `'from', 'working_alliance', 'to', 'assessment'`),
      ev(`'case.assessment_recorded'`, 'f.opened_on + 14', `'domain', coalesce(f.topics[1], 'housing')`),
      ev(
        `'case.goal_agreed'`,
        'f.opened_on + 21',
        `'goalId', ${goal}, 'domain', coalesce(f.topics[1], 'housing'), 'targetOn', f.opened_on + 150`,
      ),
      ev(
        `'case.appointment_scheduled'`,
        'f.opened_on + 28',
        `'appointmentId', ${ID('f4200000')}, 'scheduledAt', f.opened_on + 35`,
      ),
      ev(
        `'case.appointment_recorded'`,
        'f.opened_on + 35',
        `'appointmentId', ${ID('f4200000')}, 'status', CASE WHEN f.appointments_kept = f.appointments_due THEN 'kept' ELSE 'missed' END, 'cancelledBy', NULL`,
      ),
      ev(
        `'case.goal_updated'`,
        'f.opened_on + 90',
        `'goalId', ${goal}, 'domain', coalesce(f.topics[1], 'housing'), 'status', CASE WHEN f.goals_reached > 0 THEN 'reached' ELSE 'open' END`,
      ),
      ev(
        `CASE WHEN f.closed_on IS NULL THEN 'case.appointment_scheduled' ELSE 'case.closed' END`,
        'coalesce(f.closed_on, f.opened_on + 100)',
        `'closureKind', CASE f.closure WHEN 'planned' THEN 'planned' ELSE 'unplanned_by_client' END, 'closureReason', NULL, 'goalsReached', f.goals_reached, 'goalsTotal', f.goals_agreed`,
      ),
    ];
  })(),
};

/** Who refers to whom (weights by repetition): kind, type, purpose, sender, receiver. */
const ROUTES: Array<[string, string, string, string, string, number]> = [
  ['referral', 'integration_course', 'integration_course_referral', 'jobcenter-steinfurt', 'vhs-rheine', 5],
  ['referral', 'language_course', 'integration_course_referral', 'rheine-social', 'fbs-rheine', 3],
  ['referral', 'arrival_counselling', 'arrival_counselling', 'rheine-abh', 'rheine-social', 3],
  ['referral', 'district_office', 'arrival_counselling', 'rheine-social', 'caritas-rheine', 2],
  ['referral', 'social_counselling', 'case_management', 'jobcenter-steinfurt', 'caritas-rheine', 2],
  ['referral', 'job_placement', 'benefit_administration', 'jobcenter-steinfurt', 'arbeitsagentur-rheine', 2],
  ['transfer', 'benefit_handover', 'benefit_handover', 'rheine-asylblg', 'jobcenter-steinfurt', 2],
  ['transfer', 'youth_to_adult', 'youth_welfare', 'rheine-youth', 'rheine-social', 1],
];
const ROUTE_ROWS = ROUTES.flatMap(([k, t, p, s, r, w]) =>
  Array<string>(w).fill(`'${k}', '${t}', '${p}', '${s}', '${r}'`),
);
const ROUTE_VALUES = ROUTE_ROWS.map((r, i) => `(${i}, ${r})`).join(', ');

const STATUS = `CASE WHEN ${R(52, 100)} < 60 THEN 'completed' WHEN ${R(52, 100)} < 65 THEN 'failed'
  WHEN ${R(52, 100)} < 75 THEN 'rejected' WHEN ${R(52, 100)} < 80 THEN 'cancelled' WHEN ${R(52, 100)} < 83 THEN 'expired'
  WHEN ${R(52, 100)} < 93 THEN 'in_progress' ELSE 'accepted' END`;
const ACCEPTED = `(${STATUS} IN ('completed', 'failed', 'in_progress', 'accepted'))`;
const CONCLUDED = `(${STATUS} IN ('completed', 'failed', 'rejected', 'cancelled', 'expired'))`;
const REQUESTED_AT = AT(BASE, 10);
/** The five status steps a referral's events walk through; '!esc' is an escalation in between. */
const PATH = `CASE ${STATUS}
  WHEN 'completed' THEN ARRAY['requested', 'received', 'accepted', 'in_progress', 'completed']
  WHEN 'failed' THEN ARRAY['requested', 'received', 'accepted', 'in_progress', 'failed']
  WHEN 'in_progress' THEN ARRAY['draft', 'requested', 'received', 'accepted', 'in_progress']
  WHEN 'accepted' THEN ARRAY['draft', 'requested', 'received', 'accepted', '!esc']
  WHEN 'rejected' THEN ARRAY['draft', 'requested', 'received', 'rejected', '!esc']
  WHEN 'cancelled' THEN ARRAY['draft', 'requested', 'received', 'cancelled', '!esc']
  ELSE ARRAY['requested', '!esc', 'received', '!esc', 'expired'] END`;

export const referrals: SubjectKind = {
  digit: 5,
  name: 'referrals',
  table: 'hub.indicator_referral',
  perMillion: 70_600,
  from: `JOIN (VALUES ${ROUTE_VALUES}) AS rt(i, kind, referral_type, purpose, sender, receiver)
    ON rt.i = ${R(50, ROUTE_ROWS.length)}`,
  columns: [
    ['referral_id', ID('f5000000')],
    ['kind', 'rt.kind'],
    ['referral_type', 'rt.referral_type'],
    ['purpose', 'rt.purpose'],
    ['sender', 'rt.sender'],
    ['receiver', 'rt.receiver'],
    ['municipality_key', MUNICIPALITY],
    ['status', STATUS],
    [
      'outcome',
      `CASE WHEN ${STATUS} <> 'completed' THEN NULL ELSE (ARRAY['got_help', 'got_help', 'got_help', 'got_help', 'got_help',
        'partially_helped', 'partially_helped', 'needs_client_action', 'no_help_needed', 'referred_elsewhere'])[1 + ${R(53, 10)}] END`,
    ],
    ['requested_at', REQUESTED_AT],
    ['accepted_at', `CASE WHEN ${ACCEPTED} THEN ${REQUESTED_AT} + (4 + ${R(54, 200)}) * interval '1 hour' END`],
    ['concluded_at', `CASE WHEN ${CONCLUDED} THEN ${REQUESTED_AT} + (10 + ${R(55, 80)}) * interval '1 day' END`],
    ['due_on', `${BASE} + 14`],
    ['deadlines_due', `1 + ${R(56, 2)}`],
    ['deadlines_met', `CASE WHEN ${R(57, 100)} < 85 THEN 1 + ${R(56, 2)} ELSE ${R(56, 2)} END`],
    // Handover gaps: days between leaving one legal domain and being accepted by the next.
    ['gap_days', `CASE WHEN rt.kind = 'transfer' AND ${ACCEPTED} THEN (${R(58, 100)} * ${R(59, 100)}) / 300 END`],
    ['refreshed_at', `${REQUESTED_AT} + interval '100 days'`],
  ],
  extra: [
    ['person_id', PERSON(51)],
    ['path', PATH],
  ],
  events: [0, 1, 2, 3, 4].map((k): EventTemplate => {
    const to = `f.path[${k + 1}]`;
    const from = k === 0 ? 'NULL' : `CASE WHEN f.path[${k}] = '!esc' THEN f.path[${k - 1}] ELSE f.path[${k}] END`;
    const type = `CASE WHEN ${to} = '!esc' THEN 'referral.escalated' ELSE 'referral.status_changed' END`;
    return {
      source: 'hub',
      type,
      aggregate: `CASE f.kind WHEN 'transfer' THEN 'Transfer' ELSE 'Referral' END`,
      actor: `CASE WHEN ${to} IN ('draft', 'requested', 'cancelled') THEN f.sender WHEN ${to} IN ('!esc', 'expired') THEN 'lotse' ELSE f.receiver END`,
      at: `coalesce(f.concluded_at, f.requested_at + interval '20 days') - ${4 - k} * interval '2 days'`,
      person: 'f.person_id',
      payload: `CASE WHEN ${to} = '!esc' THEN jsonb_build_object('referralId', f.referral_id, 'personId', f.person_id,
          'kind', 'acceptance', 'escalateTo', NULL, 'receiver', f.receiver, 'referralType', f.referral_type,
          'agreementId', ${ID('f5100000', '1')}, 'dueAt', f.due_on)
        ELSE jsonb_build_object('referralId', f.referral_id, 'kind', f.kind, 'personId', f.person_id, 'from', ${from},
          'to', ${to}, 'sender', f.sender, 'receiver', f.receiver, 'referralType', f.referral_type,
          'reasonCode', CASE ${to} WHEN 'rejected' THEN 'no_capacity' WHEN 'cancelled' THEN 'client_withdrew' END) END`,
    };
  }),
};
