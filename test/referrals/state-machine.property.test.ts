import fc from 'fast-check';

import { TRANSITIONS } from '../../src/subgraphs/hub/referral/referral.state';
import { startTestApp, TestApp } from '../helpers/app';
import { registerPerson } from '../factories';

/**
 * Random sequences of transitions by random partners through the API: exactly the allowed ones
 * succeed, every success leaves one event, every refusal names the current state and the allowed
 * actions and changes nothing.
 */
const MUTATION: Record<string, { field: string; args: string }> = {
  send: { field: 'sendReferral', args: '' },
  acknowledge: { field: 'acknowledgeReferral', args: '' },
  accept: { field: 'acceptReferral', args: '' },
  reject: { field: 'rejectReferral', args: ', reason: no_capacity' },
  start: { field: 'startReferral', args: '' },
  hold: { field: 'holdReferral', args: '' },
  complete: { field: 'completeReferral', args: ', outcome: got_help' },
  fail: { field: 'failReferral', args: ', reason: not_reachable' },
  cancel: { field: 'cancelReferral', args: '' },
};
type Status = string;
/** The state machine, written down independently of the implementation's table. */
const SPEC: Record<string, { from: Status[]; to: Status; by: 'sender' | 'receiver' | 'system' }> = {
  send: { from: ['draft'], to: 'requested', by: 'sender' },
  cancel: {
    from: ['draft', 'requested', 'received', 'accepted', 'in_progress', 'on_hold'],
    to: 'cancelled',
    by: 'sender',
  },
  acknowledge: { from: ['requested'], to: 'received', by: 'receiver' },
  accept: { from: ['requested', 'received'], to: 'accepted', by: 'receiver' },
  reject: { from: ['requested', 'received'], to: 'rejected', by: 'receiver' },
  start: { from: ['accepted', 'on_hold'], to: 'in_progress', by: 'receiver' },
  hold: { from: ['in_progress'], to: 'on_hold', by: 'receiver' },
  complete: { from: ['in_progress'], to: 'completed', by: 'receiver' },
  fail: { from: ['accepted', 'in_progress', 'on_hold'], to: 'failed', by: 'receiver' },
  // Lotse itself: a passed deadline, a withdrawn consent, a move out of every partner's reach (not a draft).
  expire: { from: ['requested', 'received'], to: 'expired', by: 'system' },
  withdrawConsent: {
    from: ['draft', 'requested', 'received', 'accepted', 'in_progress', 'on_hold'],
    to: 'cancelled',
    by: 'system',
  },
  moveAway: { from: ['requested', 'received', 'accepted', 'in_progress', 'on_hold'], to: 'cancelled', by: 'system' },
};
const allowed = (status: Status, role: 'sender' | 'receiver' | null) =>
  Object.keys(SPEC).filter((a) => role && SPEC[a].by === role && SPEC[a].from.includes(status));
const REDIRECTABLE = ['rejected', 'failed', 'expired', 'cancelled'];
const ACTIONS = Object.keys(MUTATION);
const SENDER = 'rheine-social';
const RECEIVER = 'jobcenter-steinfurt';
const STRANGER = 'rheine-youth';

describe('referral state machine (property-based)', () => {
  let app: TestApp;
  let personId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const p = await registerPerson(app, SENDER, { givenName: 'Amal', familyName: 'Nasser' });
    personId = p.id;
  });
  afterAll(() => app?.stop());

  const events = async (referralId: string) =>
    Number(
      (
        await app.container.subgraphs.hub.dataSource.query(
          `SELECT count(*)::int AS n FROM hub.outbox WHERE aggregate_id = $1 AND type = 'referral.status_changed'`,
          [referralId],
        )
      )[0].n,
    );

  it('the implementation’s table is the spec, the system’s transitions included', () => {
    expect(JSON.parse(JSON.stringify(TRANSITIONS))).toEqual(SPEC);
  });

  it('exactly the allowed transitions succeed, each with one event', async () => {
    const step = fc.record({ action: fc.constantFrom(...ACTIONS), who: fc.constantFrom(SENDER, RECEIVER, STRANGER) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        // The jobcenter has a legal basis for identity data for benefit administration: sending is lawful.
        const created = await app.gql(
          SENDER,
          `mutation($p: ID!) { createReferral(input: { personId: $p, receiver: "${RECEIVER}", purpose: "benefit_administration", referralType: "benefit_handover" }) { id status } }`,
          { p: personId },
        );
        expect(created.body.errors).toBeUndefined();
        const id = created.body.data.createReferral.id;
        let status: Status = 'draft';
        let expectedEvents = 1;
        for (const { action, who } of steps) {
          const role = who === SENDER ? 'sender' : who === RECEIVER ? 'receiver' : null;
          const ok = allowed(status, role).includes(action);
          const m = MUTATION[action];
          const res = await app.gql(who, `mutation($id: ID!) { ${m.field}(id: $id${m.args}) { status version } }`, {
            id,
          });
          if (ok) {
            expect(res.body.errors).toBeUndefined();
            status = SPEC[action].to;
            expectedEvents++;
            expect(res.body.data[m.field].status).toBe(status);
            expect(res.body.data[m.field].version).toBe(expectedEvents);
          } else {
            expect(res.body.data?.[m.field] ?? null).toBeNull();
            // A stranger learns nothing, not even that the referral exists.
            expect(res.body.errors[0].extensions.code).toBe(role ? 'CONFLICT' : 'NOT_FOUND');
            if (role) expect(res.body.errors[0].extensions.status).toBe(status);
          }
        }
        expect(await events(id)).toBe(expectedEvents);
        const now = await app.gql(SENDER, `query($id: ID!) { referral(id: $id) { status allowedActions } }`, { id });
        expect(now.body.data.referral.status).toBe(status);
        expect(now.body.data.referral.allowedActions.sort()).toEqual(
          [...allowed(status, 'sender'), ...(REDIRECTABLE.includes(status) ? ['redirect'] : [])].sort(),
        );
      }),
      { numRuns: 30, seed: Number(process.env.FC_SEED ?? 4242) },
    );
  }, 180000);
});
