/**
 * The clients of a history run: each runs referral flows (register a person, maybe a consent and
 * its withdrawal, a referral to the VHS and its steps) with queries in between. Every mutation
 * carries an Idempotency-Key and is retried with the same key on 503, 409 (in progress), internal
 * errors and network errors. The history keeps every mutation and how it ended:
 *
 * - `acked`: an answer with data: it committed, once (the key makes a retry replay it).
 * - `refused`: an answer with a domain error (CONFLICT, …): it did not commit.
 * - `in_doubt`: no definite answer within the budget (or a stored SUBGRAPH_TIMEOUT). A later retry
 *   with the same key settles it (`resolve`); what stays in doubt may have committed at most once.
 */

export type Outcome = 'pending' | 'acked' | 'refused' | 'in_doubt';

export type Step =
  'register' | 'consent' | 'withdraw' | 'refer' | 'accept' | 'reject' | 'start' | 'complete' | 'cancel';

export interface Mutation {
  n: number;
  key: string;
  step: Step;
  partner: string;
  query: string;
  variables: Record<string, unknown>;
  /** The flow's person (after registration) and referral (after creation). */
  personId?: string;
  referralId?: string;
  familyName?: string;
  outcome: Outcome;
  /** The id the acknowledged answer returned. */
  id?: string;
  code?: string;
  tries: number;
  /** Date.now() of the acknowledging answer. */
  ackedAt?: number;
  /** Transient answers seen, by kind (503, 409, network, …). */
  transient: Record<string, number>;
}

export interface History {
  mutations: Mutation[];
  queries: { ok: number; failed: number };
}

const FIELD: Record<Step, string> = {
  register: 'registerPerson',
  consent: 'recordConsent',
  withdraw: 'withdrawConsent',
  refer: 'createReferral',
  accept: 'acceptReferral',
  reject: 'rejectReferral',
  start: 'startReferral',
  complete: 'completeReferral',
  cancel: 'cancelReferral',
};

const QUERY: Record<Step, string> = {
  register: 'mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }',
  consent: 'mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }',
  withdraw: 'mutation($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { id } }',
  refer: 'mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }',
  accept: 'mutation($id: ID!) { acceptReferral(id: $id) { id } }',
  reject: 'mutation($id: ID!) { rejectReferral(id: $id, reason: no_capacity) { id } }',
  start: 'mutation($id: ID!) { startReferral(id: $id) { id } }',
  complete: 'mutation($id: ID!) { completeReferral(id: $id, outcome: got_help) { id } }',
  cancel: 'mutation($id: ID!) { cancelReferral(id: $id, reason: client_withdrew) { id } }',
};

/** Errors after which the same request, sent again with its key, may still go through. */
const TRANSIENT_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'IDEMPOTENCY_REQUEST_IN_PROGRESS']);

export interface Client {
  url: string;
  token(partner: string): Promise<string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Traffic {
  readonly history: History = { mutations: [], queries: { ok: 0, failed: 0 } };
  private stopped = false;
  /** After stop(), a mutation still retrying gives up at once (in doubt) and resolve() takes it over. */
  private resolving = false;
  private next = 0;

  constructor(
    private readonly client: Client,
    private readonly opts: { clients: number; budgetMs: number; runId: string },
  ) {}

  /** Runs the clients until stop(); resolves when every client has finished its current step. */
  run(): Promise<void> {
    return Promise.all(Array.from({ length: this.opts.clients }, (_, i) => this.flows(i))).then(() => undefined);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Sends every mutation still in doubt again with its key until it is settled or `deadline`. */
  async resolve(deadline: number): Promise<void> {
    this.resolving = true;
    const open = this.history.mutations.filter((m) => m.outcome === 'in_doubt' && m.code !== 'SUBGRAPH_TIMEOUT');
    await Promise.all(open.map((m) => this.send(m, deadline)));
  }

  private async flows(client: number): Promise<void> {
    let round = 0;
    while (!this.stopped) {
      await this.flow(client, round++);
      await sleep(20);
    }
  }

  /** One person's story; it stops at the first step that is not acknowledged. */
  private async flow(client: number, round: number): Promise<void> {
    const pick = (client * 7 + round) % 10;
    const familyName = `Hist${this.opts.runId}x${client}x${round}`;
    const reg = await this.mutate('register', 'rheine-social', {
      input: { givenName: 'Amal', familyName, municipalityKey: '05566076' },
    });
    reg.familyName = familyName;
    if (reg.outcome !== 'acked') return;
    const personId = reg.id!;
    reg.personId = personId;
    await this.query('rheine-social', 'query($id: ID!) { person(id: $id) { id } }', { id: personId });
    if (pick < 4) {
      const consent = await this.mutate(
        'consent',
        'rheine-social',
        {
          input: {
            personId,
            purpose: 'case_management',
            recipients: ['caritas-rheine'],
            categories: ['identity'],
            evidenceRef: `Einwilligung ${familyName}`,
          },
        },
        { personId },
      );
      if (consent.outcome === 'acked' && pick < 2)
        await this.mutate('withdraw', 'rheine-social', { input: { consentId: consent.id } }, { personId });
    }
    if (this.stopped) return;
    const refer = await this.mutate(
      'refer',
      'jobcenter-steinfurt',
      {
        input: {
          personId,
          receiver: 'vhs-rheine',
          purpose: 'integration_course_referral',
          referralType: 'integration_course',
          send: true,
        },
      },
      { personId },
    );
    if (refer.outcome !== 'acked') return;
    const ids = { personId, referralId: refer.id! };
    refer.referralId = refer.id;
    await this.query('vhs-rheine', '{ notifications(first: 5) { unreadCount } }', {});
    const plan: Array<[Step, string]> =
      pick < 3
        ? [['reject', 'vhs-rheine']]
        : pick < 5
          ? [['cancel', 'jobcenter-steinfurt']]
          : pick < 7
            ? [
                ['accept', 'vhs-rheine'],
                ['cancel', 'jobcenter-steinfurt'],
              ]
            : [
                ['accept', 'vhs-rheine'],
                ['start', 'vhs-rheine'],
                ['complete', 'vhs-rheine'],
              ];
    for (const [step, partner] of plan) {
      if (this.stopped) return;
      const m = await this.mutate(step, partner, { id: ids.referralId }, ids);
      if (m.outcome !== 'acked') return;
      await this.query('jobcenter-steinfurt', 'query($id: ID!) { referral(id: $id) { status } }', {
        id: ids.referralId,
      });
    }
  }

  private async mutate(
    step: Step,
    partner: string,
    variables: Record<string, unknown>,
    ids: { personId?: string; referralId?: string } = {},
  ): Promise<Mutation> {
    const n = this.next++;
    const m: Mutation = {
      n,
      key: `history-${this.opts.runId}-${n}`,
      step,
      partner,
      query: QUERY[step],
      variables,
      ...ids,
      outcome: 'pending',
      tries: 0,
      transient: {},
    };
    this.history.mutations.push(m);
    await this.send(m, Date.now() + this.opts.budgetMs);
    return m;
  }

  /** Sends `m` (again) with its key until a definite answer or `deadline`; sets its outcome. */
  private async send(m: Mutation, deadline: number): Promise<void> {
    const token = await this.client.token(m.partner);
    for (;;) {
      m.tries++;
      let transient: string | undefined;
      let retryAfterMs = 300;
      try {
        const res = await fetch(`${this.client.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            'idempotency-key': m.key,
          },
          body: JSON.stringify({ query: m.query, variables: m.variables }),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        const body = safeJson(text);
        const code: string | undefined = body?.errors?.[0]?.extensions?.code;
        const value = body?.data?.[FIELD[m.step]];
        const after = Number(res.headers.get('retry-after'));
        if (after > 0) retryAfterMs = Math.min(after * 1000, 2000);
        if (res.status === 200 && value?.id) {
          m.outcome = 'acked';
          m.ackedAt = Date.now();
          m.id = value.id;
          m.code = undefined;
          return;
        }
        if (res.status === 200 && code === 'SUBGRAPH_TIMEOUT') {
          // Stored with the key: every retry replays it; whether it committed stays open.
          m.outcome = 'in_doubt';
          m.code = code;
          return;
        }
        if (res.status === 200 && code && !TRANSIENT_CODES.has(code)) {
          m.outcome = 'refused';
          m.code = code;
          return;
        }
        transient = res.status === 200 ? (code ?? 'no data') : String(res.status);
        if (res.status !== 200 && res.status !== 409 && res.status < 500) {
          // Refused before it ran (400, 401, 422): a defect of the client or the gateway.
          m.outcome = 'refused';
          m.code = `HTTP ${res.status} ${code ?? ''}`.trim();
          return;
        }
      } catch (err) {
        transient = `network ${(err as Error).name}`;
      }
      m.transient[transient] = (m.transient[transient] ?? 0) + 1;
      if (Date.now() + retryAfterMs > deadline || (this.stopped && !this.resolving)) {
        m.outcome = 'in_doubt';
        return;
      }
      await sleep(retryAfterMs);
    }
  }

  private async query(partner: string, query: string, variables: Record<string, unknown>): Promise<void> {
    try {
      const res = await fetch(`${this.client.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.client.token(partner)}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = safeJson(await res.text());
      if (res.status === 200 && body?.data && !body.errors) this.history.queries.ok++;
      else this.history.queries.failed++;
    } catch {
      this.history.queries.failed++;
    }
  }
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
