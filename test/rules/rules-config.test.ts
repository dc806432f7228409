import { ConfigError, loadConfig } from '../../src/config';
import { addMonths } from '../../src/rules/rule-support';
import { RULE_NAMES } from '../../src/rules/rules';
import { EVENT_TYPES } from '../../src/events/event-types';
import { systemActor } from '../../src/shared/actor';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { eventId, hubQuery, processed, ruleCheck, today } from './rules-helpers';
import { registerPersonViaApi } from '../factories';
import { asHub } from '../helpers/system';

describe('rules configuration', () => {
  it('RULES_ENABLED names the rules that run (default all, none for none); parameters are validated with the rest', () => {
    expect(loadConfig({}).rules).toEqual({
      enabled: [...RULE_NAMES],
      params: { asylumMaxAgeDays: 90, eumaMonthsBefore: 3, arrivalFollowupDays: 61, arrivalMaxAgeDays: 90 },
    });
    expect(
      loadConfig({
        RULES_ENABLED: ' moved, asylum_granted ',
        RULE_EUMA_MONTHS_BEFORE: '6',
        RULE_ARRIVAL_FOLLOWUP_DAYS: '30',
        RULE_ARRIVAL_MAX_AGE_DAYS: '365',
      }).rules,
    ).toEqual({
      enabled: ['asylum_granted', 'moved'],
      params: { asylumMaxAgeDays: 90, eumaMonthsBefore: 6, arrivalFollowupDays: 30, arrivalMaxAgeDays: 365 },
    });
    expect(loadConfig({ RULES_ENABLED: 'none' }).rules.enabled).toEqual([]);
    let err: unknown;
    try {
      loadConfig({ RULES_ENABLED: 'moved,teleported', RULE_ARRIVAL_FOLLOWUP_DAYS: '0' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'RULES_ENABLED is a comma list of asylum_granted, euma_turning_18, new_arrival, moved (or none), got "moved,teleported"',
      'RULE_ARRIVAL_FOLLOWUP_DAYS must be an integer between 1 and 730, got "0"',
    ]);
  });
});

/** Only euma_turning_18 runs, six months ahead: the other rules' triggers change nothing. */
describe('rules disabled by configuration', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      workers: true,
      env: { RULES_ENABLED: 'euma_turning_18', RULE_EUMA_MONTHS_BEFORE: '6' },
    });
  });
  afterAll(() => app?.stop());

  it('a disabled rule does nothing; an enabled one uses its parameter', async () => {
    // new_arrival: registered by the immigration office. asylum_granted: recognised today.
    const person = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Hakimi' });
    const status = await app.gql(
      'rheine-abh',
      `mutation($input: RecordResidenceStatusInput!) { recordResidenceStatus(input: $input) { id } }`,
      { input: { personId: person, status: 'recognised_refugee', validFrom: today(app.container.clock) } },
    );
    expect(status.body.errors).toBeUndefined();
    // moved: a case the asylum benefits office holds, and a move out of its area.
    await hubQuery(app, `INSERT INTO hub.case_owner (person_id, partner, since) VALUES ($1, 'rheine-asylblg', now())`, [
      person,
    ]);
    await asHub(app, () =>
      app.container.subgraphs.city.services.persons.move(
        { ...systemActor(), partner: 'rheine-abh' },
        { personId: person, municipalityKey: '05515000' },
      ),
    );
    for (const type of ['person.registered', 'person.residence_status_recorded', 'person.moved'])
      await processed(app, 'city', await eventId(app, 'city', type, person));

    // euma_turning_18 (enabled): 18 in a year, due six months before.
    const birthDate = addMonths(addMonths(today(app.container.clock), 12), -18 * 12);
    const young = await registerPersonViaApi(app, 'rheine-youth', { familyName: 'Sadat', birthDate });
    await app.gql(
      'rheine-youth',
      `mutation($input: AddPersonIdentifierInput!) { addPersonIdentifier(input: $input) { id } }`,
      { input: { personId: young, system: 'youth_welfare_case_id', value: 'JA-2026/0900' } },
    );
    const check = await eventually(() => ruleCheck(app, 'euma_turning_18', young));
    expect(check.due_at.toISOString().slice(0, 10)).toBe(addMonths(addMonths(birthDate, 18 * 12), -6));

    expect(await hubQuery(app, `SELECT rule, count(*)::int AS n FROM hub.rule_check GROUP BY rule`)).toEqual([
      { rule: 'euma_turning_18', n: 1 },
    ]);
    expect(await hubQuery(app, `SELECT count(*)::int AS n FROM hub.referral`)).toEqual([{ n: 0 }]);
    const ruleEvents = EVENT_TYPES.filter((t) => t.startsWith('handover.') || t.startsWith('arrival.'));
    expect(await hubQuery(app, `SELECT count(*)::int AS n FROM hub.outbox WHERE type = ANY($1)`, [ruleEvents])).toEqual(
      [{ n: 0 }],
    );
    expect((await hubQuery(app, `SELECT rule FROM hub.rule_state`)).map((r) => r.rule)).toEqual(['euma_turning_18']);
  });
});
