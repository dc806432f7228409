import {
  asHub,
  createCourse,
  createWebhookEndpoint,
  enrolPerson,
  registerCourseProvider,
  registerPerson,
} from '../factories';
import { offerJobId } from '../../src/subgraphs/courses/enrolment/enrolment.timers';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { movableClock } from '../rules/rules-helpers';
import { FAST_WEBHOOKS } from '../webhooks/fixtures';
import { startReceiver } from '../webhooks/receiver';

const DAY = 86_400_000;
const FIELDS = 'id personId status waitlistPosition offeredAt offerExpiresAt enrolledAt endReason';

/** Seat offers: made automatically when a seat frees, answered or passed on when they expire (controllable clock). */
describe('seat offers', () => {
  const clock = movableClock();
  let app: TestApp;
  let providerId: string;

  beforeAll(async () => {
    app = await startTestApp({ clock, workers: true, env: FAST_WEBHOOKS });
    providerId = (await registerCourseProvider(app, 'vhs-rheine')).id;
  });
  afterAll(() => app?.stop());

  /** A course of `capacity` seats with `n` persons enrolled in order (the rest waitlisted). */
  async function courseWith(capacity: number, n: number) {
    const course = await createCourse(app, 'vhs-rheine', { providerId, capacity });
    const enrolments = [];
    for (let i = 0; i < n; i++) {
      const person = await registerPerson(app, 'rheine-social');
      enrolments.push(await enrolPerson(app, 'vhs-rheine', { courseId: course.id, personId: person.id }));
    }
    return { course, enrolments };
  }
  const statusOf = async (id: string) =>
    (
      await asHub(app, () =>
        app.container.subgraphs.courses.dataSource.query(
          'SELECT status, waitlist_position FROM courses.enrolment WHERE id = $1',
          [id],
        ),
      )
    )[0];
  const end = (enrolmentId: string, status = 'dropped', reason = 'client_withdrew') =>
    app.gql('vhs-rheine', `mutation($i: EndEnrolmentInput!) { endEnrolment(input: $i) { ${FIELDS} } }`, {
      i: { enrolmentId, status, reason },
    });
  const respond = (enrolmentId: string, accept: boolean) =>
    app.gql('vhs-rheine', `mutation($i: RespondToSeatOfferInput!) { respondToSeatOffer(input: $i) { ${FIELDS} } }`, {
      i: { enrolmentId, accept },
    });

  it('an accepted offer enrols; a declined one drops and passes the seat to the next', async () => {
    const {
      enrolments: [a, b, c],
    } = await courseWith(1, 3);
    expect([a.status, b.status, c.status]).toEqual(['enrolled', 'waitlisted', 'waitlisted']);
    await end(a.id);
    expect((await statusOf(b.id)).status).toBe('offered');
    const declined = await respond(b.id, false);
    expect(declined.body.data.respondToSeatOffer).toMatchObject({ status: 'dropped', endReason: 'declined_offer' });
    expect((await statusOf(c.id)).status).toBe('offered');
    const accepted = await respond(c.id, true);
    expect(accepted.body.data.respondToSeatOffer).toMatchObject({ status: 'enrolled', enrolledAt: expect.any(String) });
    // Answering twice is refused, naming the status and what is still possible.
    const again = await respond(c.id, true);
    expect(again.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 'enrolled' });
  });

  it('an unanswered offer passes on when it expires by the clock: back to the end of the waitlist, once', async () => {
    const {
      enrolments: [a, b, c],
    } = await courseWith(1, 3);
    await end(a.id);
    expect((await statusOf(b.id)).status).toBe('offered');
    const sla = app.workers!.sla.scheduler;
    // Not yet due: the re-sync only makes sure the timer exists.
    await sla.resync();
    expect((await statusOf(b.id)).status).toBe('offered');
    clock.offset += 8 * DAY;
    await sla.resync();
    const back = await statusOf(b.id);
    expect(back.status).toBe('waitlisted');
    expect(back.waitlist_position).toBeGreaterThan((await statusOf(c.id)).waitlist_position);
    expect((await statusOf(c.id)).status).toBe('offered');
    // Idempotent: the expired offer's timer finds nothing more to do.
    const { outcome } = await asHub(app, () =>
      app.container.subgraphs.courses.services.enrolments.expireOffer(b.id, Date.now()),
    );
    expect(outcome).toEqual({ outcome: 'done' });
    expect((await statusOf(c.id)).status).toBe('offered');
    // An expired offer cannot be accepted any more.
    clock.offset += 8 * DAY;
    const late = await respond(c.id, true);
    expect(late.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT' });
  });

  it("an offer's timer on the sla queue passes it on when it fires after the expiry", async () => {
    const {
      enrolments: [a, b, c],
    } = await courseWith(1, 3);
    await end(a.id);
    const [offer] = await asHub(app, () =>
      app.container.subgraphs.courses.dataSource.query('SELECT offered_at FROM courses.enrolment WHERE id = $1', [
        b.id,
      ]),
    );
    const job = await app.container.queues.sla.getJob(offerJobId(b.id, new Date(offer.offered_at)));
    expect(job?.name).toBe('offerExpiry');
    clock.offset += 8 * DAY;
    await job!.promote();
    await eventually(async () => (await statusOf(b.id)).status === 'waitlisted');
    expect((await statusOf(c.id)).status).toBe('offered');
  });

  it('the provider receives enrolment.offered as a signed webhook and in its inbox', async () => {
    const receiver = await startReceiver(() => ({ status: 200 }));
    try {
      await createWebhookEndpoint(app, 'vhs-rheine', { url: receiver.url, eventTypes: ['enrolment.offered'] });
      const {
        enrolments: [a, b],
      } = await courseWith(1, 2);
      await end(a.id);
      // Offers of earlier tests' courses (their timers run on) may arrive too: this one is b's.
      const mine = await eventually(
        async () => receiver.received.find((r) => JSON.parse(r.body).data.personId === b.personId),
        15_000,
      );
      const body = JSON.parse(mine.body);
      expect(body).toMatchObject({
        type: 'enrolment.offered',
        data: {
          personId: b.personId,
          referralId: null,
          details: { enrolmentId: b.id, courseId: b.courseId, provider: 'vhs-rheine', status: 'offered' },
        },
      });
      expect(mine.signature).toMatch(/^v1,/);
      const inbox = await app.gql(
        'vhs-rheine',
        '{ notifications(first: 50) { edges { node { type person { id } } } } }',
      );
      expect(inbox.body.data.notifications.edges.map((e: any) => e.node)).toContainEqual({
        type: 'enrolment.offered',
        person: { id: b.personId },
      });
    } finally {
      await receiver.close();
    }
  });

  it('the provider offers a free seat by hand to a named waitlisted person; no free seat is a CONFLICT', async () => {
    const {
      course,
      enrolments: [a, b, c],
    } = await courseWith(1, 3);
    const offer = (enrolmentId?: string) =>
      app.gql('vhs-rheine', `mutation($i: OfferSeatInput!) { offerSeat(input: $i) { ${FIELDS} } }`, {
        i: { courseId: course.id, enrolmentId },
      });
    const full = await offer(c.id);
    expect(full.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', capacity: 1, seatsTaken: 1 });
    // Completing frees the seat; b is offered automatically, so c cannot get another.
    await end(a.id, 'completed', 'finished');
    expect((await statusOf(b.id)).status).toBe('offered');
    expect((await offer(c.id)).body.errors[0].extensions.code).toBe('CONFLICT');
  });
});
