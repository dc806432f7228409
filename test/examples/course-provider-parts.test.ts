import fs from 'node:fs';
import path from 'node:path';
import { OPERATIONS } from '../../examples/course-provider/lotse-client';
import { RecentIds } from '../../examples/course-provider/recent-ids';
import { Receiver, startReceiver } from '../../examples/course-provider/server';
import { checkManifest, composedGatewaySchema, sha256Hex } from '../../src/gateway/trusted-documents';

/** The pieces of examples/course-provider that the end-to-end test does not reach. */
describe('example course-provider receiver: parts', () => {
  it('remembers webhook ids bounded in number and age', () => {
    let now = 0;
    const ids = new RecentIds({ maxEntries: 3, ttlMs: 1000, now: () => now });
    expect(['a', 'b', 'c'].map((id) => ids.add(id))).toEqual([true, true, true]);
    expect(ids.add('a')).toBe(false); // a duplicate
    expect(ids.add('d')).toBe(true); // the oldest (a) makes room
    expect(ids.size).toBe(3);
    expect(ids.add('a')).toBe(true);
    now = 1001; // b, c, d and a are all older than the TTL now
    expect(ids.add('b')).toBe(true);
    expect(ids.size).toBe(1);
    ids.delete('b');
    expect(ids.add('b')).toBe(true);
  });

  it('operations.json holds exactly the operations the client sends, registrable as trusted documents', async () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../examples/course-provider/operations.json'), 'utf8'),
    );
    // The same check as `lotse documents register`: hashes, names, schema and production limits.
    const schema = await composedGatewaySchema();
    expect(() => checkManifest(manifest, schema)).not.toThrow();
    expect(manifest.operations.map((op: any) => [op.name, op.body, op.id])).toEqual(
      Object.entries(OPERATIONS).map(([name, body]) => [name, body, sha256Hex(body)]),
    );
  });

  describe('HTTP', () => {
    let receiver: Receiver;
    beforeAll(async () => {
      // Lotse is never reached here: every request is refused before any work.
      receiver = await startReceiver({
        secret: `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}`,
        lotseUrl: 'http://127.0.0.1:9',
        token: 't',
        log: () => undefined,
      });
    });
    afterAll(() => receiver?.close());

    it('answers only POST on its path, refuses bodies over 256 kB, and does nothing for any of them', async () => {
      const base = receiver.url.replace(/\/webhooks\/lotse$/, '');
      expect((await fetch(receiver.url)).status).toBe(405);
      expect((await fetch(`${base}/other`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(receiver.url, { method: 'POST', body: 'x'.repeat(300 * 1024) })).status).toBe(413);
      await receiver.idle();
      expect(receiver.stats()).toMatchObject({ received: 0, refused: 0, accepted: 0, rejected: 0, failed: 0 });
    });
  });
});
