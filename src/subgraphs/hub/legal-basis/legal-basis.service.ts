import { DataSource, FindOptionsWhere, IsNull } from 'typeorm';
import { Actor } from '../../../shared/actor';
import { badInput } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { isCategory, isPurpose } from '../../../policy/policy.vocabulary';
import { LegalBasisEntity } from './legal-basis.entity';
import { LegalBasisFilter, LegalBasisInput } from './legal-basis.types';

export class LegalBasisService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** The register of processing activities: not personal data, readable by every partner. */
  list(actor: Actor, filter: LegalBasisFilter = {}): Promise<LegalBasisEntity[]> {
    requireScope(actor, 'partners:read');
    return this.all({ ...filter, includeRevoked: filter.includeRevoked ?? false });
  }

  /** Revoked bases are included unless `includeRevoked: false` (seeding must not add a revoked basis again). */
  all(filter: LegalBasisFilter = {}): Promise<LegalBasisEntity[]> {
    const where: FindOptionsWhere<LegalBasisEntity> = {};
    if (filter.includeRevoked === false) where.revokedAt = IsNull();
    if (filter.recipientPartner) where.recipientPartner = filter.recipientPartner;
    if (filter.purpose) where.purpose = filter.purpose;
    if (filter.category) where.category = filter.category;
    return this.ds.getRepository(LegalBasisEntity).find({
      where,
      order: { recipientPartner: 'ASC', purpose: 'ASC', category: 'ASC', validFrom: 'ASC', id: 'ASC' },
    });
  }

  /** Operators only (CLI, seeding): a legal basis is a decision of the data controller, not of a partner system. */
  async add(input: LegalBasisInput): Promise<LegalBasisEntity> {
    if (!isCategory(input.category)) throw badInput(`Unknown data category ${input.category}`, 'category');
    if (!isPurpose(input.purpose)) throw badInput(`Unknown purpose ${input.purpose}`, 'purpose');
    if (!input.statute.trim()) throw badInput('statute must name the law', 'statute');
    const row: LegalBasisEntity = {
      id: newId(),
      sourcePartner: input.sourcePartner ?? null,
      recipientPartner: input.recipientPartner,
      category: input.category,
      purpose: input.purpose,
      statute: input.statute.trim(),
      description: input.description.trim(),
      validFrom: input.validFrom ?? '2000-01-01',
      validUntil: input.validUntil ?? null,
      whileReferralOpen: input.whileReferralOpen ?? false,
      createdAt: this.clock.now(),
    };
    await this.ds.getRepository(LegalBasisEntity).insert(row);
    return row;
  }
}
