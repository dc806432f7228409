/** Types of recent-ids.js. */
export class RecentIds {
  constructor(options?: { maxEntries?: number; ttlMs?: number; now?: () => number });
  /** Remembers `id`; false if it was seen within the TTL (a duplicate). */
  add(id: string): boolean;
  delete(id: string): void;
  readonly size: number;
}
