import { eventually, startTestApp, TestApp } from '../helpers/app';
import { eventId, hubEvents, movableClock, processed, ruleCheck, today } from './rules-helpers';
import { arrivalMutation, planArrivalVisitViaApi, recordArrivalVisitViaApi, registerPersonViaApi } from '../factories';

/**
 * Rule 3's follow-up check asks the city whether the family's arrival visit already has its
 * follow-up contact (docs/arrival-counselling.md): then no `arrival.followup_due` reminder, the
 * check ends as `followup_known`. A visit recorded with contact NONE still gets the reminder.
 */
describe('rule new_arrival: no follow-up reminder once the follow-up is known', () => {
  const clock = movableClock();
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: true, clock });
  });
  afterAll(() => app?.stop());

  /** A family registered by the immigration office, its rule check written; visited today, follow-up recorded. */
  const visitedFamily = async (familyName: string, contact: 'DISTRICT_OFFICE' | 'NONE') => {
    const personId = await registerPersonViaApi(app, 'rheine-abh', { familyName, newHousehold: true });
    await processed(app, 'city', await eventId(app, 'city', 'person.registered', personId));
    await eventually(async () => ruleCheck(app, 'new_arrival', personId));
    const day = today(clock);
    const visit = await planArrivalVisitViaApi(app, { personId, plannedOn: day });
    await recordArrivalVisitViaApi(app, { visitId: visit.id, tookPlace: true, heldOn: day });
    const res = await arrivalMutation(app, 'rheine-social', 'recordFollowUp', {
      visitId: visit.id,
      contact,
      ...(contact === 'NONE' ? {} : { contactedOn: day }),
    });
    expect(res.body.errors).toBeUndefined();
    return personId;
  };

  it('ends the check as followup_known when a district-office contact is recorded; NONE is no contact', async () => {
    const known = await visitedFamily('Haidari', 'DISTRICT_OFFICE');
    const none = await visitedFamily('Barakzai', 'NONE');

    clock.offset = 62 * 86_400_000;
    const { due } = await app.workers!.rules.resync();
    expect(due).toBeGreaterThanOrEqual(2);
    const done = await eventually(async () => {
      const checks = await Promise.all([known, none].map((p) => ruleCheck(app, 'new_arrival', p)));
      return checks.every((c) => c.done_at) ? checks : undefined;
    });
    expect(done.map((c) => c.outcome)).toEqual(['followup_known', 'followup_due']);
    expect(await hubEvents(app, 'arrival.followup_due', known)).toEqual([]);
    expect(await hubEvents(app, 'arrival.followup_due', none)).toHaveLength(1);
  });
});
