import { DataSource } from 'typeorm';
import { Actor } from '../../../shared/actor';
import { badInput } from '../../../shared/errors';
import { requireScope, SCOPES } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { isPurpose } from '../../../policy/policy.vocabulary';
import { PartnerEntity } from './partner.entity';
import { PartnerKind, RegisterPartnerInput } from './partner.types';

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;
const AGS_PREFIX = /^\d{2,8}$/;

export class PartnerService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  list(actor: Actor): Promise<PartnerEntity[]> {
    requireScope(actor, 'partners:read');
    return this.ds.getRepository(PartnerEntity).find({ order: { slug: 'ASC' } });
  }

  /** Unscoped lookup, for authentication and token minting only. */
  findBySlug(slug: string): Promise<PartnerEntity | null> {
    return this.ds.getRepository(PartnerEntity).findOneBy({ slug });
  }

  /** Creates or updates a partner (operators and seeding; not exposed to partners). */
  async upsert(input: RegisterPartnerInput): Promise<PartnerEntity> {
    if (!SLUG.test(input.slug)) throw badInput('slug must be 2-63 lower-case letters, digits or dashes', 'slug');
    if (!input.name.trim()) throw badInput('name must not be empty', 'name');
    if (!input.jurisdiction.length || input.jurisdiction.some((j) => !AGS_PREFIX.test(j))) {
      throw badInput('jurisdiction must list AGS prefixes of 2 to 8 digits', 'jurisdiction');
    }
    const unknownPurposes = input.purposes.filter((p) => !isPurpose(p));
    if (unknownPurposes.length) throw badInput(`Unknown purposes: ${unknownPurposes.join(', ')}`, 'purposes');
    const unknown = input.scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length) throw badInput(`Unknown scopes: ${unknown.join(', ')}`, 'scopes');
    if (input.scopes.includes('admin:manage') && input.kind !== PartnerKind.operator)
      throw badInput('admin:manage is held only by a partner of kind operator', 'scopes');
    const row: PartnerEntity = {
      slug: input.slug,
      name: input.name.trim(),
      kind: input.kind,
      legalDomains: input.legalDomains,
      municipalityKey: input.municipalityKey,
      jurisdiction: input.jurisdiction,
      scopes: input.scopes,
      purposes: input.purposes,
      active: true,
      createdAt: this.clock.now(),
    };
    await this.ds.getRepository(PartnerEntity).upsert(row, ['slug']);
    return row;
  }
}
