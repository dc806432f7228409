'use strict';

/** An error Lotse answered with; `code` is its `extensions.code` (e.g. CONFLICT, NOT_FOUND). */
class LotseError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'LotseError';
    this.code = code;
  }
}

const ACCEPT = 'mutation AcceptReferral($id: ID!) { acceptReferral(id: $id) { id status } }';
const REJECT = 'mutation RejectReferral($id: ID!, $reason: ReferralReason!) { rejectReferral(id: $id, reason: $reason) { id status reasonCode } }';
const HOLDING = 'query PlacesHeld($after: String) { referrals(filter: { box: inbox, status: [accepted, in_progress, on_hold] }, first: 40, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }';
const MAX_PAGES = 100;

/**
 * The operations this receiver needs, over plain GraphQL over HTTP. Every mutation carries an
 * Idempotency-Key derived from the referral, so a retry after a timeout cannot act twice.
 */
class LotseClient {
  /**
   * @param {{ url: string, token: string | (() => string | Promise<string>), purpose?: string, attempts?: number }} options
   */
  constructor(options) {
    this.endpoint = graphqlEndpoint(options.url);
    this.token = options.token;
    this.purpose = options.purpose;
    this.attempts = options.attempts ?? 3;
  }

  acceptReferral(id) {
    return this.mutate(ACCEPT, { id }, `course-provider:accept:${id}`).then((d) => d.acceptReferral);
  }

  rejectReferral(id, reason) {
    return this.mutate(REJECT, { id, reason }, `course-provider:reject:${id}`).then((d) => d.rejectReferral);
  }

  /** Ids of the referrals in your inbox that hold a place: accepted, in progress or on hold. */
  async referralsHoldingPlaces() {
    const ids = new Set();
    let after = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { referrals } = await this.mutate(HOLDING, { after });
      for (const edge of referrals.edges) ids.add(edge.node.id);
      if (!referrals.pageInfo.hasNextPage) break;
      after = referrals.pageInfo.endCursor;
    }
    return ids;
  }

  /** One operation; retried on network errors, 409, 429 and 5xx (safe: mutations carry their key). */
  async mutate(query, variables, idempotencyKey) {
    let lastError;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      let res;
      try {
        const token = typeof this.token === 'function' ? await this.token() : this.token;
        const headers = {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${token}`,
        };
        if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
        if (this.purpose) headers['lotse-purpose'] = this.purpose;
        res = await fetch(this.endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(10000) });
      } catch (err) {
        lastError = err; // network error or timeout: the same key makes the retry safe
        await pause(attempt * 500);
        continue;
      }
      // 409: the first request with this key is still running; 429/5xx: try again later.
      if (res.status === 409 || res.status === 429 || res.status >= 500) {
        lastError = new LotseError(`Lotse answered HTTP ${res.status}`, `HTTP_${res.status}`);
        await pause(retryAfterMs(res) ?? attempt * 500);
        continue;
      }
      const body = await res.json().catch(() => ({}));
      if (body.errors?.length) throw new LotseError(body.errors[0].message, body.errors[0].extensions?.code);
      if (!res.ok || !body.data) throw new LotseError(`Lotse answered HTTP ${res.status}`, `HTTP_${res.status}`);
      return body.data;
    }
    throw lastError;
  }
}

function graphqlEndpoint(url) {
  const base = String(url).replace(/\/+$/, '');
  return base.endsWith('/graphql') ? base : `${base}/graphql`;
}

function retryAfterMs(res) {
  const seconds = Number(res.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 30) * 1000 : undefined;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = { LotseClient, LotseError, OPERATIONS: { AcceptReferral: ACCEPT, RejectReferral: REJECT, PlacesHeld: HOLDING } };
