import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { startTestApp, TestApp } from '../helpers/app';
import { ROOT } from '../helpers/lotse-process';
import {
  createReferral,
  openJobcenterRecord,
  registerCourseProvider,
  createCourse,
  registerPerson,
} from '../factories';
import { startServeChild, ServeChild } from './support/fuzz.child';
import { problemsOf } from './support/fuzz.checks';
import { FuzzOp, fuzzOperations } from './support/fuzz.operations';

jest.setTimeout(300_000);

const SEED = Number(process.env.LOTSE_FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.LOTSE_FUZZ_RUNS ?? 5000);
/** Requests in flight at once: the run stays within its time on two cores. */
const CONCURRENCY = 8;
/**
 * Heap kept after the run (after a full collection: see GC_ON_SIGNAL in support/fuzz.child.ts) may
 * exceed the fresh process's by this much: admission keeps up to 1,000 valid documents with their
 * tokens (the fuzz fills it), plus compiled code. Measured on the seeded run: 12 MB above. With
 * Apollo's own document cache, which kept every distinct document again, 42 MB above: it fails. A
 * leak of some 2 kB per operation (7,000 with the warm-up) would exceed the margin too.
 */
const HEAP_MARGIN_BYTES = 24 * 1024 * 1024;
/** Warm-up before the run: enough distinct valid documents to fill admission's cache (1,000). */
const WARM_UP_BATCHES = 250;
const PARTNERS = ['rheine-social', 'rheine-abh', 'jobcenter-steinfurt', 'vhs-rheine', 'caritas-rheine', 'rheine-dpo'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * B1: thousands of generated and mutated operations over the live schema, sent to `lotse serve`
 * running as a child process, as several demo partners. No answer is a 5xx or a masked internal
 * error, no error text shows a stack, SQL or a path, the process stays up and its heap comes back.
 */
describe('B1 fuzz over the live schema', () => {
  let app: TestApp;
  let child: ServeChild;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli.js')))
      throw new Error('run `npm run build` first: this test starts dist/src/cli.js');
    app = await startTestApp({ gateway: false });
    child = await startServeChild(app, PARTNERS, {
      DB_POOL_SIZE: '5',
      RATE_LIMIT_OPERATIONS_PER_MINUTE: '1000000',
      RATE_LIMIT_COST_PER_MINUTE: '1000000000',
    });
  });
  afterAll(async () => {
    await child?.stop();
    await app?.stop();
  });

  /** Ids that exist, so that well-formed operations reach the services and their checks. */
  async function world(): Promise<string[]> {
    const persons = [];
    for (const givenName of ['Omid', 'Lina', 'Aylin'])
      persons.push(await registerPerson(app, 'rheine-social', { givenName }));
    const referral = await createReferral(app, 'jobcenter-steinfurt', { personId: persons[0].id });
    await openJobcenterRecord(app, 'jobcenter-steinfurt', { personId: persons[1].id });
    const provider = await registerCourseProvider(app, 'vhs-rheine');
    const course = await createCourse(app, 'vhs-rheine', { providerId: provider.id });
    return [...persons.map((p) => p.id), referral.id, provider.id, course.id];
  }

  /** Sends a batch at once; returns a description per failing request. */
  async function send(batch: FuzzOp[]): Promise<string[]> {
    const answers = await Promise.all(
      batch.map(async (op) => {
        const sent = typeof op.body === 'string' ? op.body : JSON.stringify(op.body);
        const { status, text } = await child.post(op.partner, sent);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (process.env.LOTSE_FUZZ_DEBUG)
          fs.appendFileSync(
            process.env.LOTSE_FUZZ_DEBUG,
            JSON.stringify({ kind: op.kind, status, text: text.slice(0, 400), sent: sent.slice(0, 400) }) + '\n',
          );
        return { op, problems: problemsOf(status === 0 ? 599 : status, text, sent), status, text };
      }),
    );
    return answers
      .filter((a) => a.problems.length)
      .map(
        (a) => `${a.op.kind} as ${a.op.partner}: ${a.problems.join('; ')} (HTTP ${a.status}: ${a.text.slice(0, 300)})`,
      );
  }

  async function settledHeap(): Promise<number> {
    // A few idle seconds (answers in flight finish), then a full collection before each reading.
    await sleep(5000);
    const readings = [];
    for (let i = 0; i < 3; i++) {
      child.collectGarbage();
      await sleep(700);
      readings.push(await child.heapUsed());
    }
    return Math.min(...readings);
  }

  it(`answers ${RUNS} fuzzed operations without a 5xx, an internal error or a leak, and stays up`, async () => {
    const ids = await world();
    const schema = await child.schema();
    // Half well-formed (they reach the services and write), half mutated or malformed.
    const ops = fc.oneof(
      fuzzOperations(schema, { partners: PARTNERS, ids, mutate: false }),
      fuzzOperations(schema, { partners: PARTNERS, ids, mutate: true }),
    );
    const batch = fc.tuple(...Array.from({ length: CONCURRENCY }, () => ops));
    console.log(`B1 fuzz: seed ${SEED} (LOTSE_FUZZ_SEED), ${RUNS} operations (LOTSE_FUZZ_RUNS)`);

    // The baseline is the fresh process's; a warm-up (the same mix, another seed) fills admission's
    // document cache and the JIT, so that the run itself measures what stays per operation.
    const baseline = await settledHeap();
    for (const ops8 of fc.sample(batch, { numRuns: WARM_UP_BATCHES, seed: SEED + 1 })) await send(ops8);

    const started = Date.now();
    const kinds = new Map<string, number>();
    statuses.clear();
    const numRuns = Math.ceil(RUNS / CONCURRENCY);
    // Heap along the run (not settled: for the log, to tell a filling cache from a leak).
    const along: number[] = [];
    let batches = 0;
    await fc.assert(
      fc.asyncProperty(batch, async (b) => {
        if (++batches % Math.ceil(numRuns / 4) === 0) along.push(await child.heapUsed());
        for (const op of b) kinds.set(op.kind.split(' ')[0], (kinds.get(op.kind.split(' ')[0]) ?? 0) + 1);
        const failures = await send(b);
        if (failures.length) throw new Error(failures.join('\n'));
        if (!child.proc.running)
          throw new Error(`lotse serve died (${child.proc.describeExit()}):\n${child.proc.tail()}`);
      }),
      { seed: SEED, numRuns },
    );
    const seconds = (Date.now() - started) / 1000;

    expect(child.proc.running).toBe(true);
    expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
    const after = await settledHeap();
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      `B1 fuzz: ${RUNS} operations in ${seconds.toFixed(1)} s; heap ${mb(baseline)} before, ${along.map(mb).join(', ')} along, ${mb(after)} after; ` +
        `${child.proc.lines.filter((l) => /"level":50/.test(l)).length} error log lines; HTTP statuses ${JSON.stringify(Object.fromEntries(statuses))}; kinds ${JSON.stringify(Object.fromEntries(kinds))}`,
    );
    expect(after).toBeLessThanOrEqual(baseline + HEAP_MARGIN_BYTES);
  });
});
