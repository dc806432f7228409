import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { LotseProcess, ROOT } from '../helpers/lotse-process';
import { REDIS_URL } from '../setup/pg';
import { deliveryIn, FAST_WEBHOOKS, referToVhs } from './fixtures';
import { createWebhookEndpoint, RHEINE_ADDRESS, registerPerson } from '../factories';
import { Receiver, startReceiver } from './receiver';

/**
 * `lotse worker` (the built program, `npm run build` first) is killed while the receiver holds the
 * request; another worker takes the delivery over and sends it with the same webhook-id.
 */
describe('a worker killed mid-delivery', () => {
  let app: TestApp;
  let receiver: Receiver;
  let dataDir: string;
  const workers: LotseProcess[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli.js')))
      throw new Error('run `npm run build` first: this test starts dist/src/cli.js');
    app = await startTestApp({ env: FAST_WEBHOOKS });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-webhook-worker-'));
    receiver = await startReceiver((_r, i) => (i === 0 ? 'hang' : { status: 204 }));
  });
  afterAll(async () => {
    for (const w of workers) await w.kill(5000);
    await receiver?.close();
    await app?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const startWorker = async () => {
    const env = {
      ...process.env,
      ...FAST_WEBHOOKS,
      LOTSE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: app.db.url,
      DATABASE_APP_ROLE: 'lotse_app',
      REDIS_URL,
      LOTSE_QUEUE_PREFIX: app.queuePrefix,
      LOTSE_DATA_DIR: dataDir,
      // The worker reads the endpoint's sealed signing secret: same key as the app.
      LOTSE_INTERNAL_SECRET: app.internalSecret,
      OUTBOX_RELAY_INTERVAL_MS: '100',
      WORKER_PORT: '0', // several workers on one host
      // Long enough that the held request does not time out; a dead worker's job is taken over after ~2 s.
      WEBHOOK_TIMEOUT_MS: '60000',
      WEBHOOK_LOCK_DURATION_MS: '2000',
    };
    const w = new LotseProcess([path.join(ROOT, 'bin', 'lotse.js'), 'worker'], env);
    workers.push(w);
    await w.waitForLine('workers started', 30_000);
    return w;
  };

  it('the delivery still happens, with the same webhook-id', async () => {
    const personId = (
      await registerPerson(app, 'rheine-social', {
        givenName: 'Omid',
        familyName: 'Karimi',
        birthDate: '1994-03-02',
        address: RHEINE_ADDRESS,
      })
    ).id;
    const ep = await createWebhookEndpoint(app, 'vhs-rheine', {
      url: receiver.url,
      eventTypes: ['referral.requested'],
    });
    const first = await startWorker();
    await referToVhs(app, personId);
    await eventually(async () => receiver.received.length === 1, 20_000);
    expect(receiver.open()).toBe(1);
    await first.stop('SIGKILL', 5000);

    await startWorker();
    await eventually(async () => receiver.received.length >= 2, 30_000);
    const done = await deliveryIn(app, 'vhs-rheine', ep.id, ['succeeded'], 20_000);
    expect(receiver.received.map((r) => r.id)).toEqual([done.id, done.id]);
    // The killed attempt never got an answer, so only the one that did is recorded.
    expect(done.attempts.map((a: any) => a.statusCode)).toEqual([204]);
  });
});
