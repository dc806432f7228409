import fc from 'fast-check';
import { ENTITLEMENT_TRANSITIONS } from '../../src/subgraphs/courses/entitlement/entitlement.state';
import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { entitlementMutation, issueEntitlementViaApi, registerPerson } from '../factories';

/** The issue's life of an entitlement, written down independently of the implementation's table. */
const SPEC = {
  register: { from: ['issued'], to: 'registered', by: ['provider'] },
  start: { from: ['registered'], to: 'in_use', by: ['provider', 'system'] },
  complete: { from: ['in_use'], to: 'used', by: ['provider', 'system'] },
  transfer: { from: ['issued', 'registered', 'in_use'], to: 'registered', by: ['body', 'provider', 'system'] },
  withdraw: { from: ['issued', 'registered', 'in_use'], to: 'withdrawn', by: ['body'] },
  lapse: { from: ['issued', 'registered'], to: 'lapsed', by: ['system'] },
  release: { from: ['registered', 'in_use'], to: 'issued', by: ['system'] },
  handOver: { from: ['issued', 'registered', 'in_use'], to: 'transferred', by: ['system'] },
};

const BODY = 'rheine-abh';
const PROVIDERS = ['vhs-rheine', 'fbs-rheine'];
const ACTIVE = ['issued', 'registered', 'in_use'];

type Step = { action: 'register' | 'transfer' | 'withdraw'; who: string; to: string };

/**
 * Random sequences of the partners' steps through the API: exactly what the model allows succeeds,
 * each success leaves one step and one event (a transfer also a release to the provider it
 * leaves), each refusal changes nothing.
 */
describe('entitlement state machine (property-based)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('the implementation’s table is the spec', () => {
    expect(JSON.parse(JSON.stringify(ENTITLEMENT_TRANSITIONS))).toEqual(SPEC);
  });

  const counts = async (id: string) =>
    asHub(app, async () => {
      const ds = app.container.subgraphs.courses.dataSource;
      const [steps] = await ds.query(
        `SELECT count(*)::int AS n FROM courses.entitlement_step WHERE entitlement_id = $1`,
        [id],
      );
      const [events] = await ds.query(`SELECT count(*)::int AS n FROM courses.outbox WHERE aggregate_id = $1`, [id]);
      return { steps: steps.n, events: events.n };
    });

  it('exactly the allowed steps succeed, each with one history step and one event (and a release for the provider a transfer leaves)', async () => {
    const step = fc.record({
      action: fc.constantFrom<Step['action']>('register', 'transfer', 'withdraw'),
      who: fc.constantFrom(BODY, ...PROVIDERS),
      to: fc.constantFrom(...PROVIDERS),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const person = await registerPerson(app, BODY);
        const id = (await issueEntitlementViaApi(app, BODY, { personId: person.id })).entitlement.id;
        let status = 'issued';
        let provider: string | null = null;
        let changes = 1;
        // A transfer away from a provider also tells it to let go (entitlement.released).
        let releases = 0;
        for (const s of steps) {
          const role = s.who === BODY ? 'body' : s.who === provider ? 'provider' : null;
          let ok: boolean;
          let next: { status: string; provider: string | null } = { status, provider };
          if (s.action === 'register') {
            // Registering where it is already registered answers the entry unchanged.
            ok = PROVIDERS.includes(s.who) && (status === 'issued' || (provider === s.who && ACTIVE.includes(status)));
            if (ok && status === 'issued') next = { status: 'registered', provider: s.who };
          } else if (s.action === 'transfer') {
            ok = !!role && ACTIVE.includes(status) && provider !== s.to;
            if (ok) next = { status: 'registered', provider: s.to };
          } else {
            ok = role === 'body' && ACTIVE.includes(status);
            if (ok) next = { status: 'withdrawn', provider };
          }
          const field = {
            register: 'registerEntitlement',
            transfer: 'transferEntitlement',
            withdraw: 'withdrawEntitlement',
          } as const;
          const input =
            s.action === 'register'
              ? { entitlementId: id }
              : s.action === 'transfer'
                ? { entitlementId: id, toProvider: s.to, reason: 'provider_change' }
                : { entitlementId: id, reason: 'no_longer_needed' };
          const res = await entitlementMutation(app, s.who, field[s.action], input);
          if (ok) {
            expect(res.errors).toBeNull();
            if (next.status !== status || next.provider !== provider) changes++;
            if (s.action === 'transfer' && provider) releases++;
            ({ status, provider } = next);
            expect(res.entitlement).toMatchObject({ status, registeredProvider: provider });
          } else {
            expect(res.entitlement).toBeNull();
            expect(['CONFLICT', 'FORBIDDEN']).toContain(res.errors[0].extensions.code);
          }
        }
        expect(await counts(id)).toEqual({ steps: changes, events: changes + releases });
      }),
      { numRuns: 25, seed: Number(process.env.FC_SEED ?? 4242) },
    );
  }, 180000);
});
