import { AT, BASE, CODES, CUTOFF, EventTemplate, ID, MUNICIPALITY, PERSON, R, SubjectKind } from './indicators.sql';

/**
 * The subjects of the indicator benchmark (hub.indicator_* fact tables) as SQL over
 * `generate_series($1, $2) g`: each kind's fact columns and the events that describe it. The distributions are the report's (DOMAIN.md):
 * 90 % of visits as planned, half the families at a district office within two months, 65 %
 * women in courses, 35 % childcare, 80 % of appointments kept, closures 3 planned to 4 unplanned,
 * goals reached 90 % after planned and 30 % after unplanned closures, cases of 4–8 months.
 */

const VISIT_STATUS = `CASE WHEN ${BASE} > ${CUTOFF} - 14 THEN 'planned' WHEN ${R(3, 100)} < 96 THEN 'took_place' ELSE 'did_not_take_place' END`;
const visits: SubjectKind = {
  digit: 1,
  name: 'arrival visits',
  table: 'hub.indicator_arrival_visit',
  perMillion: 41_000,
  columns: [
    ['visit_id', ID('f1000000')],
    ['owner', `'rheine-social'`],
    ['municipality_key', MUNICIPALITY],
    ['family_id', ID('f1f00000')],
    ['planned_on', BASE],
    ['status', VISIT_STATUS],
    // 90 % of all visits as planned: 94 of the 96 that took place.
    [
      'as_planned',
      `CASE ${VISIT_STATUS} WHEN 'took_place' THEN ${R(4, 96)} < 90 WHEN 'planned' THEN NULL ELSE false END`,
    ],
    ['held_on', `CASE ${VISIT_STATUS} WHEN 'took_place' THEN ${BASE} + (${R(4, 96)} >= 90)::int * ${R(5, 20)} END`],
    [
      'topics',
      `CASE ${VISIT_STATUS} WHEN 'took_place' THEN ${CODES(10, [
        ['language', 85],
        ['childcare', 40],
        ['school_entry', 35],
        ['labour_market', 30],
        ['housing', 50],
      ])} ELSE '{}' END`,
    ],
    ['follow_up_due_on', `CASE ${VISIT_STATUS} WHEN 'took_place' THEN ${BASE} + interval '2 months' END`],
    // Half the families within two months; 15 % later; the rest no contact.
    [
      'follow_up_kind',
      `CASE WHEN ${VISIT_STATUS} <> 'took_place' THEN NULL WHEN ${R(6, 100)} < 65 THEN (ARRAY['district_office', 'school_placement'])[1 + ${R(7, 2)}] ELSE 'none' END`,
    ],
    ['follow_up_in_time', `CASE WHEN ${VISIT_STATUS} <> 'took_place' THEN NULL ELSE ${R(6, 100)} < 50 END`],
    ['refreshed_at', AT(`${BASE} + 70`)],
  ],
  events: [
    {
      source: 'hub',
      type: `'arrival.counselling_proposed'`,
      aggregate: `'RuleCheck'`,
      actor: `'lotse'`,
      at: AT('f.planned_on - 10'),
      person: 'f.person_id',
      payload: `jsonb_build_object('personId', f.person_id, 'householdId', f.family_id, 'partner', f.owner, 'followUpOn', f.planned_on - 3)`,
    },
    {
      source: 'city',
      type: `'arrival.visit_planned'`,
      aggregate: `'ArrivalVisit'`,
      actor: 'f.owner',
      at: AT('f.planned_on - 7'),
      person: 'f.person_id',
      payload: `jsonb_build_object('visitId', f.visit_id, 'personId', f.person_id, 'householdId', f.family_id, 'partner', f.owner, 'plannedOn', f.planned_on, 'referralId', NULL, 'rescheduled', false)`,
    },
    {
      source: 'city',
      type: `CASE WHEN f.status = 'planned' THEN 'arrival.visit_planned' ELSE 'arrival.visit_recorded' END`,
      aggregate: `'ArrivalVisit'`,
      actor: 'f.owner',
      at: AT('coalesce(f.held_on, f.planned_on - 1)', 15),
      person: 'f.person_id',
      payload: `CASE WHEN f.status = 'planned' THEN jsonb_build_object('visitId', f.visit_id, 'personId', f.person_id, 'householdId', f.family_id, 'partner', f.owner, 'plannedOn', f.planned_on, 'referralId', NULL, 'rescheduled', true) ELSE jsonb_build_object('visitId', f.visit_id, 'personId', f.person_id, 'householdId', f.family_id, 'partner', f.owner, 'status', f.status, 'heldOn', f.held_on, 'tookPlaceAsPlanned', coalesce(f.as_planned, false), 'notHeldReason', CASE WHEN f.status = 'did_not_take_place' THEN 'not_reached' END, 'welcomeFolder', f.status = 'took_place', 'topics', to_jsonb(f.topics), 'referralIds', '[]'::jsonb) END`,
    },
    {
      source: 'hub',
      type: `'arrival.followup_due'`,
      aggregate: `'RuleCheck'`,
      actor: `'lotse'`,
      at: AT('f.planned_on + 60', 6),
      person: 'f.person_id',
      payload: `jsonb_build_object('personId', f.person_id, 'householdId', f.family_id, 'partner', f.owner, 'referralId', NULL)`,
    },
    {
      source: 'city',
      type: `'arrival.followup_recorded'`,
      aggregate: `'ArrivalVisit'`,
      actor: 'f.owner',
      at: AT('f.planned_on + 65'),
      person: 'f.person_id',
      payload: `jsonb_build_object('visitId', f.visit_id, 'personId', f.person_id, 'householdId', f.family_id, 'partner', f.owner, 'contact', coalesce(f.follow_up_kind, 'none'), 'contactedOn', CASE WHEN f.follow_up_kind IN ('district_office', 'school_placement') THEN f.planned_on + CASE WHEN f.follow_up_in_time THEN 30 ELSE 75 END END, 'source', 'recorded', 'inTime', coalesce(f.follow_up_in_time, false), 'referralId', NULL)`,
    },
  ],
  extra: [['person_id', PERSON(8)]],
};

const COURSE_KIND = `(ARRAY['language_offensive', 'language_offensive', 'language_offensive', 'women_with_childcare', 'evening_course', 'parents_course', 'literacy', 'apprentice_course', 'youth_course', 'integration_course', 'integration_course', 'vocational_language'])[1 + ${R(20, 12)}]`;
const COURSE_END = `${BASE} + 90 + ${R(21, 180)}`;
const courses: SubjectKind = {
  digit: 2,
  name: 'courses',
  table: 'hub.indicator_course',
  perMillion: 6_000,
  columns: [
    ['course_id', ID('f2000000')],
    ['owner', `(ARRAY['vhs-rheine', 'vhs-rheine', 'fbs-rheine', 'caritas-rheine'])[1 + ${R(22, 4)}]`],
    ['municipality_key', MUNICIPALITY],
    ['kind', COURSE_KIND],
    [
      'status',
      `CASE WHEN ${R(23, 100)} < 3 THEN 'cancelled' WHEN ${BASE} > ${CUTOFF} THEN 'open' WHEN ${COURSE_END} > ${CUTOFF} THEN 'running' ELSE 'completed' END`,
    ],
    ['starts_on', BASE],
    ['ends_on', COURSE_END],
    ['capacity', `12 + ${R(24, 5)}`],
    ['childcare', `${R(25, 100)} < 35`],
    ['evening_or_shift', `${R(26, 100)} < 15`],
    ['refreshed_at', AT(BASE, 8)],
  ],
  events: [
    {
      source: 'courses',
      type: `'courses.course_created'`,
      aggregate: `'Course'`,
      actor: 'f.owner',
      at: `f.refreshed_at - interval '30 days'`,
      person: 'NULL::uuid',
      payload: `jsonb_build_object('courseId', f.course_id, 'providerId', ${ID('f2100000', `(1 + ${R(27, 3)})`)})`,
    },
  ],
};

/** An enrolment's course: courses are numbered 1..$3 (the courses generated for this size). */
const ENROLMENT_FROM = `JOIN hub.indicator_course c ON c.course_id = ${ID('f2000000', `(1 + (g::bigint * 7919) % $3::int)`)}`;
const ENROLMENT_STATUS = `CASE WHEN c.status = 'cancelled' THEN 'dropped' WHEN ${R(31, 100)} < 4 THEN 'waitlisted' WHEN ${R(31, 100)} < 16 THEN 'dropped' WHEN ${R(31, 100)} < 18 THEN 'transferred' WHEN c.ends_on > ${CUTOFF} THEN 'enrolled' ELSE 'completed' END`;
const enrolments: SubjectKind = {
  digit: 3,
  name: 'enrolments',
  table: 'hub.indicator_enrolment',
  perMillion: 72_000,
  from: ENROLMENT_FROM,
  columns: [
    ['enrolment_id', ID('f3000000')],
    ['course_id', 'c.course_id'],
    ['course_kind', 'c.kind'],
    ['owner', 'c.owner'],
    ['municipality_key', 'c.municipality_key'],
    ['person_id', PERSON(32)],
    [
      'sex',
      `CASE WHEN ${R(33, 1000)} < 650 THEN 'female' WHEN ${R(33, 1000)} < 990 THEN 'male' WHEN ${R(33, 1000)} < 995 THEN 'diverse' ELSE 'unknown' END`,
    ],
    ['status', ENROLMENT_STATUS],
    ['enrolled_on', `CASE WHEN ${ENROLMENT_STATUS} = 'waitlisted' THEN NULL ELSE c.starts_on - ${R(34, 14)} END`],
    [
      'ended_on',
      `CASE ${ENROLMENT_STATUS} WHEN 'completed' THEN c.ends_on WHEN 'dropped' THEN c.starts_on + ${R(35, 60)} WHEN 'transferred' THEN c.starts_on + ${R(35, 60)} END`,
    ],
    ['uses_childcare', `c.childcare AND ${R(36, 100)} < 80 OR ${R(36, 100)} < 10`],
    ['shift_worker', `${R(37, 100)} < 15`],
    ['apprentice', `${R(38, 100)} < 5`],
    ['evening_participant', `c.evening_or_shift OR ${R(39, 100)} < 3`],
    ['parallel_integration_course', `c.kind <> 'integration_course' AND ${R(40, 100)} < 10`],
    ['refreshed_at', AT(`c.starts_on + 200`)],
  ],
  events: (() => {
    const step = (type: string, at: string): EventTemplate => ({
      source: 'courses',
      type,
      aggregate: `'Enrolment'`,
      actor: 'f.owner',
      at: AT(at, 10),
      person: 'f.person_id',
      payload: `jsonb_build_object('enrolmentId', f.enrolment_id, 'courseId', f.course_id, 'personId', f.person_id, 'provider', f.owner, 'status', replace(${type}, 'enrolment.', ''), 'referralId', NULL, 'waitlistPosition', NULL, 'reason', CASE WHEN f.status = 'dropped' THEN 'personal_reasons' END, 'offerExpiresAt', NULL)`,
    });
    const start = `coalesce(f.enrolled_on, f.refreshed_at::date - 200)`;
    return [
      step(`'enrolment.waitlisted'`, `${start} - 30`),
      step(`'enrolment.offered'`, `${start} - 20`),
      // Still waiting or enrolled late: a first offer expired, back on the waitlist.
      step(
        `CASE WHEN f.status IN ('waitlisted', 'enrolled') THEN 'enrolment.offer_expired' ELSE 'enrolment.enrolled' END`,
        `${start} - 10`,
      ),
      step(
        `CASE f.status WHEN 'completed' THEN 'enrolment.completed' WHEN 'dropped' THEN 'enrolment.dropped' WHEN 'transferred' THEN 'enrolment.transferred' WHEN 'waitlisted' THEN 'enrolment.waitlisted' ELSE 'enrolment.enrolled' END`,
        `coalesce(f.ended_on, ${start} - 5)`,
      ),
    ];
  })(),
};

export { visits, courses, enrolments };
