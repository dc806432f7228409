import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { afterJob } from '../helpers/wait';
import { movableClock } from '../rules/rules-helpers';
import { entitlementMutation, issueEntitlementViaApi, registerPerson } from '../factories';

const DAY = 86_400_000;

/**
 * An unused entitlement lapses after ENTITLEMENT_LAPSE_DAYS (365) without course activity: the
 * maintenance queue's daily sweep, on the hub's clock. One year minus a day: nothing; after it: lapsed.
 */
describe('entitlement lapse', () => {
  let app: TestApp;
  const clock = movableClock();
  let runs = 0;

  beforeAll(async () => {
    app = await startTestApp({ workers: true, clock });
  });
  afterAll(() => app?.stop());

  /** Runs the sweep as the maintenance worker does and waits for it. */
  const sweep = async (): Promise<{ lapsed: number }> => {
    const worker = app.workers!.workers.find((w) => w.name === 'maintenance')!;
    const jobId = `lapse-test-${++runs}`;
    return afterJob(worker, jobId, () => app.container.queues.maintenance.add('entitlementLapse', {}, { jobId }));
  };
  const status = async (id: string) =>
    (
      await asHub(app, () =>
        app.container.subgraphs.courses.dataSource.query(`SELECT status FROM courses.entitlement WHERE id = $1`, [id]),
      )
    )[0].status;
  const lapsedEvents = async (id: string) =>
    (
      await app.container.subgraphs.courses.dataSource.query(
        `SELECT payload FROM courses.outbox WHERE aggregate_id = $1 AND type = 'entitlement.lapsed'`,
        [id],
      )
    ).map((r: any) => r.payload);

  it('a year minus a day without activity: still issued; a year and a day: lapsed, once, with its event; activity restarts the year', async () => {
    const unused = (
      await issueEntitlementViaApi(app, 'rheine-abh', { personId: (await registerPerson(app, 'rheine-abh')).id })
    ).entitlement;
    const person = await registerPerson(app, 'rheine-abh');
    const registered = (await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id })).entitlement;

    // 100 days later the provider registers the second one: course activity.
    clock.offset = 100 * DAY;
    await entitlementMutation(app, 'vhs-rheine', 'registerEntitlement', { entitlementId: registered.id });

    clock.offset = 364 * DAY;
    expect(await sweep()).toEqual({ lapsed: 0 });
    expect(await status(unused.id)).toBe('issued');

    clock.offset = 366 * DAY;
    expect(await sweep()).toEqual({ lapsed: 1 });
    expect(await status(unused.id)).toBe('lapsed');
    expect(await status(registered.id)).toBe('registered');
    expect(await lapsedEvents(unused.id)).toEqual([
      {
        entitlementId: unused.id,
        personId: expect.any(String),
        courseKind: 'integration_course',
        issuer: 'rheine-abh',
        bodies: ['rheine-abh'],
        provider: null,
      },
    ]);
    // Again the same day: nothing more.
    expect(await sweep()).toEqual({ lapsed: 0 });

    clock.offset = (100 + 366) * DAY;
    expect(await sweep()).toEqual({ lapsed: 1 });
    expect(await status(registered.id)).toBe('lapsed');
    // Lapsed is not active: the certificate can be issued anew.
    const fresh = await issueEntitlementViaApi(app, 'jobcenter-steinfurt', { personId: person.id });
    expect(fresh.errors).toBeNull();
  });

  it('an entitlement in use does not lapse; its granted hours used up, it is used', async () => {
    clock.offset = 0;
    const person = await registerPerson(app, 'rheine-abh');
    const e = (await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id })).entitlement;
    const use = app.container.subgraphs.courses.services.entitlementUse;
    await asHub(app, () =>
      app.container.subgraphs.courses.dataSource.transaction((em) =>
        use.markInUse(em, person.id, 'integration_course', 'vhs-rheine'),
      ),
    );
    expect(await status(e.id)).toBe('in_use');
    clock.offset = 800 * DAY;
    await sweep();
    expect(await status(e.id)).toBe('in_use');
    const record = (hours: number) =>
      asHub(app, () =>
        app.container.subgraphs.courses.dataSource.transaction((em) =>
          use.recordHours(em, { personId: person.id, courseKind: 'integration_course', provider: 'vhs-rheine', hours }),
        ),
      );
    expect((await record(300))?.hoursUsed).toBe(300);
    expect(await status(e.id)).toBe('in_use');
    await record(400);
    expect(await status(e.id)).toBe('used');
  });
});
