import { OutboxListener } from '../events/outbox.listener';
import { Logger } from '../shared/logger';
import { PartnerService } from '../subgraphs/hub/partner/partner.service';
import { PartnerDirectory } from './auth';

/** The channel a committed change of `hub.partner` notifies, with the partner's slug (migration 1765200000000). */
export const PARTNER_CHANNEL = 'lotse_partner';

type Entry = Awaited<ReturnType<PartnerDirectory['lookup']>>;

/**
 * Partner status for authentication, cached so a token check does not hit the database every
 * time. Every process LISTENs for committed partner changes and drops the entry at once, so a
 * deactivated partner is refused by every gateway within milliseconds. While that connection is
 * down (and right after it is back, as notifications meanwhile are lost) nothing is served from
 * the cache; `ttlMs` bounds an entry's life in any case.
 */
export class CachedPartnerDirectory implements PartnerDirectory {
  private readonly cache = new Map<string, { at: number; value: Entry }>();
  private readonly listener?: OutboxListener;

  constructor(
    private readonly partners: PartnerService,
    opts: { ttlMs?: number; listen?: { url: string }; log?: Logger } = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 30000;
    if (opts.listen && opts.log) {
      this.listener = new OutboxListener(
        { url: opts.listen.url, channel: PARTNER_CHANNEL, applicationName: 'lotse-partner-listen' },
        (slug) => this.cache.delete(slug),
        () => this.cache.clear(),
        opts.log,
      );
      this.listener.start();
    }
  }

  private readonly ttlMs: number;

  /** Whether changes reach this process now; without a listener the TTL alone applies. */
  private get cacheable(): boolean {
    return !this.listener || this.listener.pid !== undefined;
  }

  async lookup(slug: string): Promise<Entry> {
    const hit = this.cache.get(slug);
    if (hit && this.cacheable && Date.now() - hit.at < this.ttlMs) return hit.value;
    const row = await this.partners.findBySlug(slug);
    const value = row
      ? { active: row.active, jurisdiction: row.jurisdiction, scopes: row.scopes, purposes: row.purposes }
      : undefined;
    if (this.cacheable) this.cache.set(slug, { at: Date.now(), value });
    return value;
  }

  async close(): Promise<void> {
    await this.listener?.stop();
  }
}
