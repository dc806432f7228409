import { createHash } from 'node:crypto';

/**
 * Tokens already verified, so that a client sending the same token on every request is verified
 * once rather than on every request. Keyed by the SHA-256 of the token: the cache never holds a
 * credential itself. Each entry lives until its `until` (the caller sets it no later than the
 * token's expiry); when full, the least recently used entry goes first.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly max = 10_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The cache key of a token. */
  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.now() >= entry.until) return undefined;
    // Re-inserted: Map order is the recency order.
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T, until: number): void {
    if (until <= this.now()) return;
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
