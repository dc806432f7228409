import type { TestApp } from '../../helpers/app';
import { RHEINE } from '../../factories';

/**
 * The load of F5 (test/faults/postgres-restart.test.ts): clients that register people and refer
 * them to the VHS, one intent after another, each mutation with an Idempotency-Key that the client
 * sends again (same key, same request) until it succeeds; and a client that reads. Every answer is
 * kept with its time, so the test can judge what partners saw while PostgreSQL was down.
 */

export interface Answer {
  at: number;
  kind: 'mutation' | 'query';
  status: number;
  retryAfter: string | null;
  /** extensions.code of every error in the body. */
  codes: string[];
  replayed: boolean;
  /** 2xx with the field set and no error. */
  ok: boolean;
  /** No answer at all (the request failed or timed out): never expected. */
  transportError?: string;
}

export interface Intent {
  client: number;
  seq: number;
  familyName: string;
  personKey: string;
  referralKey: string;
  personId?: string;
  referralId?: string;
}

const REGISTER = 'mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }';
const REFER = 'mutation($input: CreateReferralInput!) { createReferral(input: $input) { id status } }';
const READ = '{ persons(first: 1) { totalCount } }';
/** Clients retry quickly rather than after Retry-After (5 s), so the test measures when service resumed. */
const RETRY_MS = 200;
const REQUEST_TIMEOUT_MS = 20_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RestartLoad {
  readonly answers: Answer[] = [];
  readonly intents: Intent[] = [];
  /** Requests sent again with the same Idempotency-Key after a failed answer. */
  retries = 0;
  /** Keys with a request on the wire, and since when. */
  readonly pending = new Map<string, number>();
  private stopping = false;
  private running: Promise<void>[] = [];
  /** Tokens are signed before the fault: signing one reads the partner's scopes from PostgreSQL. */
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly app: TestApp,
    private deadline: number,
  ) {}

  /** Starts `clients` writers and one reader. */
  async start(clients: number): Promise<void> {
    for (const partner of ['rheine-social', 'jobcenter-steinfurt', 'rheine-abh'])
      this.tokens.set(partner, await this.app.token(partner));
    for (let c = 0; c < clients; c++) this.running.push(this.writer(c));
    this.running.push(this.reader());
  }

  /** Lets every writer finish the intent it is on (retrying until it succeeds), then waits for all. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  /** Gives up at once (cleanup after a failed test): pending intents stay unfinished. */
  async abort(): Promise<void> {
    this.deadline = 0;
    await this.stop().catch(() => undefined);
  }

  /** How many answers of each kind, status and codes came at or after `since`: for failure messages. */
  summary(since: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const a of this.answers.filter((x) => x.at >= since)) {
      const k = `${a.kind} ${a.status} ${a.codes.join(',')}${a.replayed ? ' replayed' : ''}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  completed(): Intent[] {
    return this.intents.filter((i) => i.referralId);
  }

  private async writer(client: number): Promise<void> {
    for (let seq = 0; !this.stopping && Date.now() < this.deadline; seq++) {
      const intent: Intent = {
        client,
        seq,
        familyName: `Restart${client}x${seq}`,
        personKey: `f5-person-${client}-${seq}`,
        referralKey: `f5-referral-${client}-${seq}`,
      };
      this.intents.push(intent);
      const input = { givenName: 'Amal', familyName: intent.familyName, municipalityKey: RHEINE };
      intent.personId = await this.untilDone('rheine-social', REGISTER, { input }, intent.personKey, 'registerPerson');
      const referral = {
        personId: intent.personId,
        receiver: 'vhs-rheine',
        purpose: 'integration_course_referral',
        referralType: 'integration_course',
        send: true,
      };
      intent.referralId = await this.untilDone(
        'jobcenter-steinfurt',
        REFER,
        { input: referral },
        intent.referralKey,
        'createReferral',
      );
    }
  }

  private async reader(): Promise<void> {
    while (!this.stopping && Date.now() < this.deadline) {
      await this.send('query', 'rheine-abh', READ, {}, undefined, 'persons');
      await sleep(50);
    }
  }

  /** Sends the mutation with its key until it succeeds; throws after the deadline. */
  private async untilDone(
    partner: string,
    query: string,
    variables: Record<string, unknown>,
    key: string,
    field: string,
  ): Promise<string> {
    for (let attempt = 0; Date.now() < this.deadline; attempt++) {
      if (attempt > 0) this.retries++;
      const { answer, body } = await this.send('mutation', partner, query, variables, key, field);
      if (answer.ok) return body.data[field].id;
      await sleep(answer.status === 409 ? Number(answer.retryAfter ?? 1) * 1000 : RETRY_MS);
    }
    throw new Error(`${field} with key ${key} did not succeed before the deadline`);
  }

  private async send(
    kind: Answer['kind'],
    partner: string,
    query: string,
    variables: Record<string, unknown>,
    key: string | undefined,
    field: string,
  ): Promise<{ answer: Answer; body: any }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      authorization: `Bearer ${this.tokens.get(partner)}`,
    };
    if (key) headers['idempotency-key'] = key;
    const id = key ?? `read-${Math.random()}`;
    this.pending.set(id, Date.now());
    let answer: Answer;
    let body: any;
    try {
      const res = await fetch(`${this.app.url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      body = await res.json();
      const codes = ((body?.errors ?? []) as any[]).map((e) => String(e?.extensions?.code));
      answer = {
        at: Date.now(),
        kind,
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        codes,
        replayed: res.headers.get('idempotent-replayed') === 'true',
        ok: res.status === 200 && codes.length === 0 && body?.data?.[field] != null,
      };
    } catch (err) {
      const e = err as Error;
      answer = { at: Date.now(), kind, status: 0, retryAfter: null, codes: [], replayed: false, ok: false };
      answer.transportError = e.name;
    } finally {
      this.pending.delete(id);
    }
    this.answers.push(answer);
    return { answer, body };
  }
}
