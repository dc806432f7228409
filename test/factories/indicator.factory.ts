import { randomUUID } from 'node:crypto';
import { asHub, WithContainer } from './factory.support';
import { RHEINE } from './person.factory';

/**
 * Hand-made indicator facts (hub.indicator_*), one row per call, with defaults for a Rheine
 * record of 2019: the tests state every value that matters to an indicator. Inserted as the hub.
 */
/** Emsdetten, district of Steinfurt: outside Rheine's jurisdiction. */
export const EMSDETTEN = '05566008';

type Facts = Record<string, unknown>;

const TABLES = [
  'indicator_arrival_visit',
  'indicator_course',
  'indicator_enrolment',
  'indicator_case',
  'indicator_referral',
] as const;

async function insert(app: WithContainer, table: (typeof TABLES)[number], row: Facts): Promise<string> {
  const cols = Object.keys(row);
  const values = cols.map((c) => row[c]);
  await asHub(app, () =>
    app.container.subgraphs.hub.dataSource.query(
      `INSERT INTO hub.${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
      values,
    ),
  );
  return String(row[Object.keys(row)[0]]);
}

/** Empties every fact table (each test starts from none). */
export const clearIndicatorFacts = (app: WithContainer) =>
  asHub(app, async () => {
    for (const t of TABLES) await app.container.subgraphs.hub.dataSource.query(`DELETE FROM hub.${t}`);
  });

export const visitFact = (app: WithContainer, f: Facts = {}) =>
  insert(app, 'indicator_arrival_visit', {
    visit_id: randomUUID(),
    owner: 'rheine-social',
    municipality_key: RHEINE,
    family_id: randomUUID(),
    planned_on: '2019-03-01',
    status: 'took_place',
    as_planned: true,
    held_on: null,
    topics: [],
    follow_up_due_on: null,
    follow_up_kind: null,
    follow_up_in_time: null,
    refreshed_at: new Date(),
    ...f,
  });

export const courseFact = (app: WithContainer, f: Facts = {}) =>
  insert(app, 'indicator_course', {
    course_id: randomUUID(),
    owner: 'vhs-rheine',
    municipality_key: RHEINE,
    kind: 'language_offensive',
    status: 'running',
    starts_on: '2019-01-01',
    ends_on: '2019-12-31',
    capacity: 12,
    childcare: false,
    evening_or_shift: false,
    refreshed_at: new Date(),
    ...f,
  });

export const enrolmentFact = (app: WithContainer, f: Facts = {}) =>
  insert(app, 'indicator_enrolment', {
    enrolment_id: randomUUID(),
    course_id: randomUUID(),
    course_kind: 'language_offensive',
    owner: 'vhs-rheine',
    municipality_key: RHEINE,
    person_id: randomUUID(),
    sex: 'male',
    status: 'enrolled',
    enrolled_on: '2019-02-01',
    ended_on: null,
    uses_childcare: false,
    shift_worker: false,
    apprentice: false,
    evening_participant: false,
    parallel_integration_course: false,
    refreshed_at: new Date(),
    ...f,
  });

export const caseFact = (app: WithContainer, f: Facts = {}) =>
  insert(app, 'indicator_case', {
    case_id: randomUUID(),
    owner: 'rheine-social',
    municipality_key: RHEINE,
    person_id: randomUUID(),
    track: 'standard',
    opened_on: '2019-01-15',
    closed_on: null,
    closure: null,
    appointments_due: 0,
    appointments_kept: 0,
    goals_agreed: 0,
    goals_reached: 0,
    topics: [],
    refreshed_at: new Date(),
    ...f,
  });

export const referralFact = (app: WithContainer, f: Facts = {}) =>
  insert(app, 'indicator_referral', {
    referral_id: randomUUID(),
    kind: 'referral',
    referral_type: 'integration_course',
    purpose: 'integration_course_referral',
    sender: 'rheine-social',
    receiver: 'vhs-rheine',
    municipality_key: RHEINE,
    status: 'requested',
    outcome: null,
    requested_at: new Date('2019-03-01T09:00:00Z'),
    accepted_at: null,
    concluded_at: null,
    due_on: null,
    deadlines_due: 0,
    deadlines_met: 0,
    gap_days: null,
    refreshed_at: new Date(),
    ...f,
  });

/** Calls `make(i)` for i = 0..n-1, one after the other. */
export async function times(n: number, make: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i++) await make(i);
}
