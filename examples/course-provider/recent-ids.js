'use strict';

/**
 * The webhook ids seen lately, to drop duplicates: Lotse delivers at least once and keeps the
 * same `webhook-id` across retries and redeliveries. Bounded in count and age so that memory
 * stays flat; a production receiver keeps them in its database instead (see README).
 */
class RecentIds {
  /** @param {{ maxEntries?: number, ttlMs?: number, now?: () => number }} [options] */
  constructor(options = {}) {
    this.maxEntries = options.maxEntries ?? 10000;
    // Retries span about three days; a week leaves room for a manual redelivery.
    this.ttlMs = options.ttlMs ?? 7 * 24 * 3600 * 1000;
    this.now = options.now ?? Date.now;
    /** Insertion order is age order: the oldest entry is always the first. */
    this.seenAt = new Map();
  }

  /** Remembers `id`; false if it was seen within the TTL (a duplicate). */
  add(id) {
    const now = this.now();
    this.evict(now);
    if (this.seenAt.has(id)) return false;
    this.seenAt.set(id, now);
    while (this.seenAt.size > this.maxEntries) this.seenAt.delete(this.seenAt.keys().next().value);
    return true;
  }

  /** Forgets `id`, so that a later delivery of it is handled again. */
  delete(id) {
    this.seenAt.delete(id);
  }

  get size() {
    return this.seenAt.size;
  }

  evict(now) {
    for (const [id, at] of this.seenAt) {
      if (now - at <= this.ttlMs) break;
      this.seenAt.delete(id);
    }
  }
}

module.exports = { RecentIds };
