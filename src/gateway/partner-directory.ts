import { PartnerService } from '../subgraphs/hub/partner/partner.service';
import { PartnerDirectory } from './auth';

/** Partner status for authentication, cached briefly so a token check does not hit the database every time. */
export class CachedPartnerDirectory implements PartnerDirectory {
  private readonly cache = new Map<string, { at: number; value: Awaited<ReturnType<PartnerDirectory['lookup']>> }>();

  constructor(
    private readonly partners: PartnerService,
    private readonly ttlMs = 30000,
  ) {}

  async lookup(slug: string) {
    const hit = this.cache.get(slug);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const row = await this.partners.findBySlug(slug);
    const value = row
      ? { active: row.active, jurisdiction: row.jurisdiction, scopes: row.scopes, purposes: row.purposes }
      : undefined;
    this.cache.set(slug, { at: Date.now(), value });
    return value;
  }
}
