import fc from 'fast-check';
import { systemActor } from '../../src/shared/actor';
import { AppError } from '../../src/shared/errors';
import { ENROLMENT_TRANSITIONS, TERMINAL } from '../../src/subgraphs/courses/enrolment/enrolment.state';
import { asHub, createCourse, registerCourseProvider, registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { movableClock } from '../rules/rules-helpers';

/** The enrolment life, written down independently of the implementation's table. */
const SPEC = {
  offer: { from: ['waitlisted'], to: 'offered', takesSeat: true },
  accept: { from: ['offered'], to: 'enrolled', takesSeat: false },
  decline: { from: ['offered'], to: 'dropped', takesSeat: false },
  expire: { from: ['offered'], to: 'waitlisted', takesSeat: false },
  complete: { from: ['enrolled'], to: 'completed', takesSeat: false },
  drop: { from: ['waitlisted', 'offered', 'enrolled'], to: 'dropped', takesSeat: false },
  transfer: { from: ['waitlisted', 'offered', 'enrolled'], to: 'transferred', takesSeat: false },
};

type Command =
  | { kind: 'enrol' | 'offer' | 'accept' | 'decline' | 'complete' | 'drop' | 'move' | 'expire'; who: number }
  | { kind: 'timePasses' };

const PERSONS = 6;
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('enrol', 'offer', 'accept', 'decline', 'complete', 'drop', 'move', 'expire' as const),
    who: fc.nat(PERSONS - 1),
  }) as fc.Arbitrary<Command>,
  fc.constant<Command>({ kind: 'timePasses' }),
);

/**
 * Random sequences of enrolment steps against the real service and database: a course never holds
 * more offered and enrolled seats than its capacity, an ended enrolment never changes again, and
 * every refusal is a typed error.
 */
describe('enrolment state machine (property-based)', () => {
  const clock = movableClock();
  let app: TestApp;
  let providerId: string;

  beforeAll(async () => {
    app = await startTestApp({ clock, gateway: false });
    providerId = (await registerCourseProvider(app, 'vhs-rheine')).id;
  });
  afterAll(() => app?.stop());

  it('the implementation’s table is the spec', () => {
    expect(JSON.parse(JSON.stringify(ENROLMENT_TRANSITIONS))).toEqual(SPEC);
  });

  it('never overbooks and ends for good under any sequence', async () => {
    const service = app.container.subgraphs.courses.services.enrolments;
    const db = app.container.subgraphs.courses.dataSource;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(command, { minLength: 5, maxLength: 25 }),
        async (capacity, commands) => {
          const course = await createCourse(app, 'vhs-rheine', { providerId, capacity });
          const persons: string[] = [];
          for (let i = 0; i < PERSONS; i++) persons.push((await registerPerson(app, 'rheine-social')).id);
          const ended = new Map<string, string>();
          const vhs = { ...systemActor(), partner: 'vhs-rheine' };
          const current = async (who: number) =>
            (
              await asHub(app, () =>
                db.query(
                  `SELECT id, status, offered_at FROM courses.enrolment WHERE course_id = $1 AND person_id = $2
                  ORDER BY created_at DESC LIMIT 1`,
                  [course.id, persons[who]],
                ),
              )
            )[0] as { id: string; status: string; offered_at: Date } | undefined;
          for (const c of commands) {
            try {
              await asHub(app, async () => {
                if (c.kind === 'timePasses') {
                  clock.offset += 8 * 86_400_000;
                  return;
                }
                const e = await current(c.who);
                if (c.kind === 'enrol') return service.enrol(vhs, { courseId: course.id, personId: persons[c.who] });
                if (!e) return;
                if (c.kind === 'offer') return service.offerSeat(vhs, { courseId: course.id, enrolmentId: e.id });
                if (c.kind === 'accept' || c.kind === 'decline')
                  return service.respond(vhs, { enrolmentId: e.id, accept: c.kind === 'accept' });
                if (c.kind === 'complete' || c.kind === 'drop')
                  return service.endEnrolment(vhs, {
                    enrolmentId: e.id,
                    status: c.kind === 'complete' ? 'completed' : 'dropped',
                    reason: 'other',
                  });
                if (c.kind === 'move') return service.transferForMove(undefined, persons[c.who], '05566068', 'prop');
                if (c.kind === 'expire') return service.expireOffer(e.id, new Date(e.offered_at).getTime());
              });
            } catch (err) {
              // Refusals are typed (CONFLICT for a step the status does not allow or no seat).
              expect(err).toBeInstanceOf(AppError);
              expect(['CONFLICT', 'NOT_FOUND']).toContain((err as AppError).code);
            }
            const rows: Array<{ id: string; status: string }> = await asHub(app, () =>
              db.query('SELECT id, status FROM courses.enrolment WHERE course_id = $1', [course.id]),
            );
            const held = rows.filter((r) => r.status === 'offered' || r.status === 'enrolled').length;
            expect(held).toBeLessThanOrEqual(capacity);
            for (const [id, status] of ended) expect(rows.find((r) => r.id === id)?.status).toBe(status);
            for (const r of rows) if ((TERMINAL as readonly string[]).includes(r.status)) ended.set(r.id, r.status);
            // A freed seat goes to the waitlist at once: never a free seat while someone waits
            // (every person here is suitable: no other course of the kind holds them).
            if (held < capacity) expect(rows.filter((r) => r.status === 'waitlisted')).toEqual([]);
          }
        },
      ),
      { numRuns: 20 },
    );
  }, 240_000);
});
