import { DataSource, QueryFailedError } from 'typeorm';
import { Actor, inJurisdiction, jurisdictionPatterns } from '../../../shared/actor';
import { AppError, badInput } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { AGS, toDay } from '../../shared/validation';
import { CourseProviderEntity } from './provider.entity';
import { RegisterCourseProviderInput } from './provider.types';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const POSTAL_CODE = /^\d{5}$/;

export class CourseProviderService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Providers seated in the actor's jurisdiction, by name. */
  async list(actor: Actor): Promise<CourseProviderEntity[]> {
    requireScope(actor, 'courses:read');
    return this.ds
      .getRepository(CourseProviderEntity)
      .createQueryBuilder('cp')
      .where('cp.municipality_key LIKE ANY(:prefixes)', { prefixes: jurisdictionPatterns(actor) })
      .orderBy('cp.name', 'ASC')
      .addOrderBy('cp.id', 'ASC')
      .getMany();
  }

  /**
   * Providers by id regardless of jurisdiction: a provider is no personal data, and a course the
   * actor may see must resolve its provider even when the provider's seat lies elsewhere.
   */
  async byIds(actor: Actor, ids: readonly string[]): Promise<CourseProviderEntity[]> {
    requireScope(actor, 'courses:read');
    const valid = ids.filter(isUuid);
    if (!valid.length) return [];
    return this.ds
      .getRepository(CourseProviderEntity)
      .createQueryBuilder('cp')
      .where('cp.id = ANY(:ids)', { ids: valid })
      .getMany();
  }

  async register(actor: Actor, input: RegisterCourseProviderInput): Promise<CourseProviderEntity> {
    requireScope(actor, 'courses:write');
    const partnerSlug = input.partnerSlug.trim();
    if (!SLUG.test(partnerSlug) || partnerSlug.length > 64) {
      throw badInput(
        'partnerSlug must be lower-case letters, digits and single hyphens, at most 64 characters',
        'partnerSlug',
      );
    }
    // Otherwise a partner could claim another provider's slug and create courses in its name.
    if (!actor.scopes.includes('*') && partnerSlug !== actor.partner) {
      throw new AppError('FORBIDDEN', 'You may only register yourself as a course provider', { field: 'partnerSlug' });
    }
    const name = input.name.trim();
    if (!name || name.length > 200) throw badInput('name must be 1 to 200 characters', 'name');
    if (!AGS.test(input.municipalityKey))
      throw badInput('municipalityKey must be an eight-digit AGS', 'municipalityKey');
    if (!inJurisdiction(actor, input.municipalityKey)) {
      throw new AppError('FORBIDDEN', 'The municipality is outside your jurisdiction', { field: 'municipalityKey' });
    }
    const postalCode = input.postalCode?.trim() || null;
    if (postalCode && !POSTAL_CODE.test(postalCode)) throw badInput('postalCode must be five digits', 'postalCode');
    const street = input.street?.trim() || null;
    if (street && street.length > 200) throw badInput('street must be at most 200 characters', 'street');
    const locality = input.locality?.trim() || null;
    if (locality && locality.length > 200) throw badInput('locality must be at most 200 characters', 'locality');

    const bamfApproval = input.bamfApproval?.trim() || null;
    if (bamfApproval && bamfApproval.length > 50)
      throw badInput('bamfApproval must be at most 50 characters', 'bamfApproval');
    const bamfApprovedUntil = input.bamfApprovedUntil ? toDay(input.bamfApprovedUntil, 'bamfApprovedUntil') : null;
    if (bamfApprovedUntil && !bamfApproval) throw badInput('bamfApprovedUntil needs bamfApproval', 'bamfApprovedUntil');
    const servedDistricts = [...new Set((input.servedDistricts ?? []).map((d) => d.trim()))];
    if (servedDistricts.length > 30 || servedDistricts.some((d) => !d || d.length > 100))
      throw badInput('servedDistricts holds at most 30 names of 1 to 100 characters', 'servedDistricts');

    const provider: CourseProviderEntity = {
      id: newId(),
      partnerSlug,
      name,
      municipalityKey: input.municipalityKey,
      street,
      postalCode,
      locality,
      childcare: input.childcare ?? false,
      bamfApproval,
      bamfApprovedUntil,
      servedDistricts,
      registeredBy: actor.partner,
      registeredAt: this.clock.now(),
    };
    // No outbox event: none is declared for providers, and they are reference data, not a biography.
    try {
      await this.ds.transaction(async (em) => {
        if (await em.existsBy(CourseProviderEntity, { partnerSlug })) throw duplicateSlug();
        await em.insert(CourseProviderEntity, provider);
      });
    } catch (err) {
      const code = err instanceof QueryFailedError ? (err.driverError as { code?: string })?.code : undefined;
      throw code === '23505' ? duplicateSlug() : err;
    }
    return provider;
  }
}

const duplicateSlug = () =>
  new AppError('CONFLICT', 'A course provider with this partnerSlug exists', { field: 'partnerSlug' });
