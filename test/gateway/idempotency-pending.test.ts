import { HttpResult, IdempotencyDecision, IdempotencyGate } from '../../src/gateway/idempotency';
import { ClaimResult, IdempotencyStore, StoredResponse } from '../../src/idempotency/idempotency.store';
import { createLogger } from '../../src/shared/logger';

/**
 * An Idempotency-Key claimed just before PostgreSQL went away: the release or the response that
 * could not be written is written later (src/gateway/idempotency.pending.ts), so the client's
 * retry with the same key is not answered 409 and a mutation that ran is replayed, not run again.
 * The store is a stand-in that can be switched off; the real one is under test in
 * idempotency.test.ts, the whole under a PostgreSQL restart in test/faults/postgres-restart.test.ts.
 */
class FlakyStore {
  down = false;
  readonly rows = new Map<string, { hash: string; claimedAt: string; response?: StoredResponse }>();
  private seq = 0;

  private check(): void {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }

  async claim(partner: string, key: string, hash: string): Promise<ClaimResult> {
    this.check();
    const row = this.rows.get(`${partner}/${key}`);
    if (!row) {
      const claimedAt = String(++this.seq);
      this.rows.set(`${partner}/${key}`, { hash, claimedAt });
      return { kind: 'claimed', claimedAt };
    }
    if (row.hash !== hash) return { kind: 'reused' };
    return row.response ? { kind: 'completed', response: row.response } : { kind: 'in_progress' };
  }

  async complete(partner: string, key: string, claimedAt: string, response: StoredResponse): Promise<boolean> {
    this.check();
    const row = this.rows.get(`${partner}/${key}`);
    if (row?.claimedAt !== claimedAt || row.response) return false;
    row.response = response;
    return true;
  }

  async release(partner: string, key: string, claimedAt: string): Promise<void> {
    this.check();
    if (this.rows.get(`${partner}/${key}`)?.claimedAt === claimedAt) this.rows.delete(`${partner}/${key}`);
  }
}

const MUTATION = { query: 'mutation { registerPerson(input: { givenName: "A", familyName: "B" }) { id } }' };
const OK: HttpResult = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"data":{"registerPerson":{"id":"p1"}}}',
};
const UNAVAILABLE: HttpResult = {
  status: 503,
  headers: { 'content-type': 'application/json', 'retry-after': '5' },
  body: '{"errors":[{"message":"x","extensions":{"code":"SERVICE_UNAVAILABLE"}}]}',
};

describe('Idempotency-Key outcomes PostgreSQL did not take', () => {
  let store: FlakyStore;
  let gate: IdempotencyGate;
  const log = createLogger('silent');
  const begin = (key: string): Promise<IdempotencyDecision> =>
    gate.begin({ key, body: MUTATION, partner: async () => 'rheine-social', log });
  const claimed = async (key: string) => {
    const d = await begin(key);
    if (d.kind !== 'claimed') throw new Error(`expected a claim, got ${JSON.stringify(d)}`);
    return d;
  };

  beforeEach(() => {
    store = new FlakyStore();
    // The background retry waits far longer than a test: only the retry before a claim acts.
    gate = new IdempotencyGate({ store: store as unknown as IdempotencyStore, pendingRetryMs: [60_000] });
  });
  afterEach(() => gate.close());

  it('a release that failed is written before the same key is claimed again: the retry runs, no 409', async () => {
    const first = await claimed('k1');
    store.down = true;
    await first.finish(UNAVAILABLE);
    expect(store.rows.size).toBe(1);
    expect(gate.pendingOutcomes).toBe(1);
    // Still down: the retry is answered as unavailable (the handler's 503), not 409.
    await expect(begin('k1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    store.down = false;
    expect((await begin('k1')).kind).toBe('claimed');
    expect(gate.pendingOutcomes).toBe(0);
  });

  it('a response that was not stored is stored later: the retry gets it replayed, the mutation does not run twice', async () => {
    const first = await claimed('k2');
    store.down = true;
    await first.finish(OK);
    store.down = false;
    const again = await begin('k2');
    expect(again).toMatchObject({ kind: 'respond', response: { status: 200, body: OK.body } });
    expect(again.kind === 'respond' && again.response.headers['idempotent-replayed']).toBe('true');
  });

  it('a result withheld for want of its audit entries is stored once they are written: the retry gets it', async () => {
    const first = await claimed('k5');
    store.down = true;
    let written = 0;
    const writeAudit = async () => {
      if (store.down) throw new Error('Connection terminated unexpectedly');
      written++;
    };
    first.finishLater(writeAudit, OK);
    await expect(begin('k5')).rejects.toThrow('Connection terminated');
    store.down = false;
    expect(await begin('k5')).toMatchObject({ kind: 'respond', response: { status: 200, body: OK.body } });
    expect(written).toBe(1);
    expect(gate.pendingOutcomes).toBe(0);
  });

  it('is written in the background without a retry', async () => {
    gate = new IdempotencyGate({ store: store as unknown as IdempotencyStore, pendingRetryMs: [20] });
    const first = await claimed('k3');
    store.down = true;
    await first.release();
    await new Promise((r) => setTimeout(r, 100));
    expect(gate.pendingOutcomes).toBe(1);
    store.down = false;
    const deadline = Date.now() + 5000;
    while (gate.pendingOutcomes > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(gate.pendingOutcomes).toBe(0);
    expect(store.rows.size).toBe(0);
  });

  it('a failure that is not an outage is not retried: the claim is left to the stale takeover', async () => {
    const first = await claimed('k4');
    store.release = async () => {
      throw new TypeError('a fault of ours');
    };
    await first.release();
    expect(gate.pendingOutcomes).toBe(0);
    expect((await begin('k4')).kind).toBe('respond'); // 409: in progress
  });
});
