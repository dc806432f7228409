import { EventEmitter } from 'node:events';
import { Job } from 'bullmq';
import { assertJobHandlers, createQueue, defineQueue, job, jobNames, throttledWarn } from '../../src/jobs/job.registry';
import { startResync } from '../../src/jobs/job.resync';
import { startQueueWorker } from '../../src/jobs/job.worker';
import { QUEUES } from '../../src/jobs/queues';
import type { Logger } from '../../src/shared/logger';
import { startRulesWorker } from '../../src/rules/rules.worker';
import { startEventsWorker } from '../../workers/events.worker';
import { registerPerson } from '../factories';
import { eventually, startTestApp, TestApp } from '../helpers/app';

describe('job registry', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('every queue of the index refuses to boot with a job name that has no handler', () => {
    expect(Object.keys(QUEUES).sort()).toEqual(['events', 'maintenance', 'rules', 'sla', 'webhooks']);
    for (const def of Object.values(QUEUES)) {
      const names = jobNames(def);
      expect(names.length).toBeGreaterThan(0);
      const all = Object.fromEntries(names.map((n) => [n, async () => undefined]));
      expect(() => assertJobHandlers(def.name, names, all)).not.toThrow();
      const { [names[0]]: _dropped, ...missing } = all;
      expect(() => assertJobHandlers(def.name, names, missing)).toThrow(
        `${def.name} worker: no handler for ${names[0]}`,
      );
    }
  });

  it('the rules worker refuses to boot when its job name has no handler, or a handler no job name', async () => {
    await expect(startRulesWorker(app.container, { handlers: {} })).rejects.toThrow('rules worker: no handler for due');
    const extra = { due: async () => 'done', later: async () => undefined };
    await expect(startRulesWorker(app.container, { handlers: extra })).rejects.toThrow(
      'rules worker: unknown job names later',
    );
  });

  it('runs each job in the system context of its queue; a job name without a handler fails at once, without retries', async () => {
    const probe = defineQueue({
      name: 'probe',
      jobs: { ping: job<{ n: number }>() },
      options: { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
      worker: () => ({ concurrency: 1 }),
    });
    const queue = createQueue(probe, app.container.redis, app.queuePrefix, app.container.log);
    const ping = async (j: Job<{ n: number }>) => ({ n: j.data.n, context: app.container.rowSecurity.systemName() });
    const worker = startQueueWorker(probe, { ping }, app.container);
    const finished = (id: string) =>
      eventually(async () => {
        const j = await Job.fromId(queue, id);
        return j?.finishedOn ? j : undefined;
      });
    try {
      const ok = await queue.add('ping', { n: 1 });
      const stray = await queue.add('pong', { n: 2 });
      expect((await finished(ok.id!)).returnvalue).toEqual({ n: 1, context: 'queue:probe' });
      const failed = await finished(stray.id!);
      expect(failed.failedReason).toBe('No handler for job pong');
      expect(failed.attemptsMade).toBe(1);
      expect(await failed.getState()).toBe('failed');
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('a re-sync runs at start and then periodically, in its system context; a failed run is left to the next', async () => {
    const contexts = new Set<string | null>();
    let calls = 0;
    const resync = await startResync(
      'probe',
      50,
      async () => {
        calls++;
        contexts.add(app.container.rowSecurity.systemName());
        if (calls === 1) throw new Error('first run fails');
        return calls;
      },
      { log: app.container.log, rowSecurity: app.container.rowSecurity },
    );
    try {
      // The first run happened before start returned, and its failure did not fail the start.
      expect(calls).toBe(1);
      await eventually(async () => calls >= 3);
      expect(await resync.run()).toBeGreaterThan(3);
      expect([...contexts]).toEqual(['resync:probe']);
    } finally {
      resync.stop();
    }
  });

  it('a re-sync runs again when its Redis connection is ready after a loss; runs never overlap', async () => {
    const reconnects = new EventEmitter();
    let calls = 0;
    let active = 0;
    let most = 0;
    const resync = await startResync(
      'probe',
      3_600_000,
      async () => {
        calls++;
        most = Math.max(most, ++active);
        await new Promise((r) => setTimeout(r, 50));
        active--;
      },
      { log: app.container.log, rowSecurity: app.container.rowSecurity, atStart: false, reconnects },
    );
    // Three reconnects while the first run is busy: that run, and one more after it.
    for (let i = 0; i < 3; i++) reconnects.emit('ready');
    await eventually(async () => calls === 2);
    await new Promise((r) => setTimeout(r, 150));
    expect({ calls, most }).toEqual({ calls: 2, most: 1 });
    resync.stop();
    expect(reconnects.listenerCount('ready')).toBe(0);
  });

  it('a queue logs its connection errors as warnings naming the queue, at most once a minute', async () => {
    const warn = jest.fn();
    const child = jest.fn(() => ({ warn }));
    const log = { child } as unknown as Logger;
    const probe = defineQueue({
      name: 'probe',
      jobs: { ping: job() },
      options: {},
      worker: () => ({ concurrency: 1 }),
    });
    const queue = createQueue(probe, app.container.redis, app.queuePrefix, log);
    try {
      const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      for (let i = 0; i < 5; i++) queue.emit('error', reset);
      expect(child).toHaveBeenCalledWith({ component: 'queue', queue: 'probe' });
      expect(warn.mock.calls).toEqual([
        [{ err: { name: 'Error', code: 'ECONNRESET', message: 'read ECONNRESET' } }, 'probe queue error'],
      ]);
    } finally {
      await queue.close();
    }
    // After the interval the next one is logged, with how many were left out.
    let now = 0;
    const throttled = throttledWarn({ warn } as unknown as Logger, 'x', 60_000, () => now);
    warn.mockClear();
    for (const t of [0, 1_000, 59_000, 61_000]) {
      now = t;
      throttled(new Error('connect ECONNREFUSED'));
    }
    expect(warn.mock.calls.map(([fields]) => fields.suppressed)).toEqual([undefined, 2]);
  });

  it('the events consumer sets deadline timers whether or not the sla worker runs in the process', async () => {
    expect(app.workers).toBeUndefined();
    const events = startEventsWorker(app.container);
    app.container.relay.start();
    try {
      const person = await registerPerson(app, 'rheine-social', { givenName: 'Hamid', familyName: 'Karimi' });
      const input = {
        personId: person.id,
        receiver: 'jobcenter-steinfurt',
        purpose: 'benefit_administration',
        referralType: 'benefit_handover',
        send: true,
      };
      const res = await app.gql(
        'rheine-social',
        `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }`,
        { input },
      );
      expect(res.body.errors).toBeUndefined();
      const id = res.body.data.createReferral.id;
      // Only the events worker runs here: the timers come from the agreements service's own producer.
      for (const kind of ['acknowledge', 'decide', 'start']) {
        await eventually(async () => (await app.container.queues.sla.getJobState(`${id}.${kind}`)) === 'delayed');
      }
    } finally {
      await app.container.relay.stop();
      await events.close();
    }
  });
});
