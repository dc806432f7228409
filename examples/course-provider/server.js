'use strict';

/**
 * Example webhook receiver of a course provider connected to Lotse.
 *
 * It verifies every request (Standard Webhooks signature over the raw body), drops duplicates by
 * `webhook-id`, answers at once and only then does the work: a new referral (`referral.requested`)
 * is accepted through Lotse's GraphQL API while the course has places, otherwise rejected with
 * the reason `no_capacity`. A referral that was closed (e.g. cancelled by its sender) frees its
 * place again.
 *
 *   WEBHOOK_SECRET=whsec_… LOTSE_TOKEN=… node examples/course-provider/server.js
 */
const http = require('node:http');
const { Webhook } = require('standardwebhooks');
const { LotseClient } = require('./lotse-client');
const { RecentIds } = require('./recent-ids');

const MAX_BODY_BYTES = 256 * 1024;

/**
 * Starts the receiver; resolves once it listens. See server.d.ts for the options.
 * @param {import('./server').ReceiverOptions} options
 * @returns {Promise<import('./server').Receiver>}
 */
async function startReceiver(options) {
  if (!options || !options.secret) throw new Error('startReceiver needs the endpoint secret (whsec_…)');
  if (!options.lotseUrl || !options.token) throw new Error('startReceiver needs lotseUrl and token');
  const webhook = new Webhook(options.secret);
  const lotse = new LotseClient({ url: options.lotseUrl, token: options.token, purpose: options.purpose });
  const seen = new RecentIds(options.dedup);
  const path = options.path ?? '/webhooks/lotse';
  const log = options.log ?? logLine;
  const capacity = options.capacity ?? 16;
  /** The course: referral ids holding a place, and those whose acceptance is under way. */
  const places = new Set();
  const taking = new Set();
  const stats = { received: 0, refused: 0, duplicates: 0, accepted: 0, rejected: 0, failed: 0 };
  const running = new Set();

  async function handle(id, event) {
    if (options.onEvent) await options.onEvent(event, id);
    const referralId = event.data && event.data.referralId;
    switch (event.type) {
      case 'referral.requested':
        // The status is read when Lotse sends: a late webhook may find the referral closed already.
        if (event.data.status !== 'requested' && event.data.status !== 'received') return;
        return decide(referralId);
      case 'referral.cancelled':
        places.delete(referralId);
        return;
      default:
        return; // subscribed to more than this example handles: nothing to do
    }
  }

  async function decide(referralId) {
    if (places.size >= capacity) await freePlacesOfClosedReferrals();
    if (places.size >= capacity) {
      if (!(await answered(() => lotse.rejectReferral(referralId, 'no_capacity'), referralId))) return;
      stats.rejected++;
      log({ msg: 'referral rejected', referralId, reason: 'no_capacity' });
      return;
    }
    places.add(referralId); // taken before the call, so that concurrent requests cannot overbook
    taking.add(referralId);
    let done = false;
    try {
      done = await answered(() => lotse.acceptReferral(referralId), referralId);
    } finally {
      taking.delete(referralId);
      if (!done) places.delete(referralId);
    }
    if (!done) return;
    stats.accepted++;
    log({ msg: 'referral accepted', referralId, placesLeft: capacity - places.size });
  }

  /**
   * Frees the places of referrals that ended without a webhook telling us: after the referral
   * closes, Lotse may no longer tell us anything about the person (see docs/webhooks.md), so the
   * inbox is the record. Places being taken right now are kept.
   */
  async function freePlacesOfClosedReferrals() {
    const holding = await lotse.referralsHoldingPlaces();
    for (const id of places) if (!holding.has(id) && !taking.has(id)) places.delete(id);
  }

  /** Runs an answer; false when the referral is no longer open (the sender cancelled it meanwhile). */
  async function answered(call, referralId) {
    try {
      await call();
      return true;
    } catch (err) {
      if (err.code !== 'CONFLICT') throw err;
      log({ msg: 'referral no longer open', referralId });
      return false;
    }
  }

  const server = http.createServer((req, res) => {
    if (new URL(req.url, 'http://receiver').pathname !== path) return answer(res, 404);
    if (req.method !== 'POST') return answer(res, 405);
    readBody(req, (tooLarge, raw) => {
      if (tooLarge) return answer(res, 413);
      let event;
      try {
        // Verify the exact bytes received: re-serialised JSON would not match the signature.
        event = webhook.verify(raw, {
          'webhook-id': String(req.headers['webhook-id'] ?? ''),
          'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
          'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
        });
      } catch (err) {
        stats.refused++;
        log({ msg: 'webhook refused', reason: err.message });
        return answer(res, 401);
      }
      const id = String(req.headers['webhook-id']);
      if (!seen.add(id)) {
        stats.duplicates++;
        log({ msg: 'duplicate webhook', webhookId: id, type: event.type });
        return answer(res, 204);
      }
      stats.received++;
      // Answer first: Lotse waits 15 s at most, and the work below calls Lotse back.
      answer(res, 204);
      const work = handle(id, event).catch((err) => {
        stats.failed++;
        seen.delete(id); // a redelivery of this webhook is handled again
        log({ msg: 'webhook handling failed', webhookId: id, type: event.type, code: err.code, error: err.message });
      });
      running.add(work);
      work.finally(() => running.delete(work));
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address();
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${path}`,
    port: address.port,
    stats: () => ({ ...stats, placesTaken: places.size, capacity }),
    async idle() {
      while (running.size) await Promise.allSettled([...running]);
    },
    async close() {
      await new Promise((resolve) => server.close(() => resolve()));
      await this.idle();
    },
  };
}

function readBody(req, done) {
  const chunks = [];
  let size = 0;
  let finished = false;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES && !finished) {
      finished = true;
      done(true);
      req.resume();
    } else if (!finished) {
      chunks.push(chunk);
    }
  });
  req.on('end', () => {
    if (!finished) done(false, Buffer.concat(chunks));
  });
}

function answer(res, status) {
  res.writeHead(status, { 'content-length': '0' });
  res.end();
}

/** One JSON line per event. Ids, types and codes only: payloads carry personal data. */
function logLine(entry) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

async function main(env = process.env) {
  const missing = ['WEBHOOK_SECRET', 'LOTSE_TOKEN'].filter((name) => !env[name]);
  if (missing.length) {
    process.stderr.write(`Missing environment variables: ${missing.join(', ')} (see README.md)\n`);
    process.exit(1);
  }
  const capacity = Number(env.COURSE_CAPACITY ?? 16);
  if (!Number.isInteger(capacity) || capacity < 0) {
    process.stderr.write('COURSE_CAPACITY must be a whole number of places\n');
    process.exit(1);
  }
  const receiver = await startReceiver({
    secret: env.WEBHOOK_SECRET,
    lotseUrl: env.LOTSE_URL ?? 'http://localhost:4000',
    token: env.LOTSE_TOKEN,
    purpose: env.LOTSE_PURPOSE,
    capacity,
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    path: env.WEBHOOK_PATH,
  });
  logLine({ msg: 'listening', url: receiver.url, capacity });
  const stop = () => receiver.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
}

module.exports = { startReceiver };
