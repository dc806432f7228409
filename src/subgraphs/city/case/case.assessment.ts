import { DataSource } from 'typeorm';
import { PolicyDecisionPoint } from '../../../policy/policy.service';
import { Actor } from '../../../shared/actor';
import { AppError } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { Clock, isoDay } from '../../../shared/time';
import { InputCheck } from '../../shared/validation';
import { CaseAssessmentEntity, CaseEntity } from './case.entity';
import { CaseService } from './case.service';
import { LIFE_DOMAINS, LifeDomain } from './case.state';

/** Problems and resources are short notes, not a file: at most this many, each this long. */
export const MAX_ASSESSMENT_ITEMS = 20;
export const MAX_ASSESSMENT_TEXT = 300;

/**
 * The person's situation in a domain, as a code (docs/case-management.md, Assessment). Domains
 * without a list take no situation. Education and work share theirs: an apprenticeship is both.
 */
const SCHOOL_AND_WORK = ['school', 'apprenticeship', 'employed', 'unemployed', 'evening_school', 'none'] as const;
export const SITUATIONS: Partial<Record<LifeDomain, readonly string[]>> = {
  education: SCHOOL_AND_WORK,
  work: SCHOOL_AND_WORK,
  housing: ['own_flat', 'shared_flat', 'shared_accommodation', 'homeless'],
};

export interface RecordAssessmentInput {
  caseId: string;
  domain: LifeDomain;
  problems: string[];
  resources: string[];
  situation?: string | null;
  assessedOn: Date | string;
}

/**
 * The assessment (Anamnese) of a case: one row per life domain, replaced by a re-assessment (the
 * earlier one survives only as the event). Health is special-category data (Art. 9 DSGVO): it is
 * recorded only where a basis or the person's consent covers health, and its event is of category health.
 */
export class CaseAssessments {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly pdp: PolicyDecisionPoint,
    private readonly cases: CaseService,
  ) {}

  async record(actor: Actor, input: RecordAssessmentInput): Promise<CaseEntity> {
    const now = this.clock.now();
    const check = new InputCheck(now);
    const domain = input.domain;
    check.require((LIFE_DOMAINS as readonly string[]).includes(domain), 'domain is not a life domain', 'domain');
    for (const field of ['problems', 'resources'] as const) checkItems(check, input[field], field);
    const codes = SITUATIONS[domain];
    if (input.situation != null && !codes?.includes(input.situation))
      check.refuse(
        codes
          ? `situation for ${domain} is one of ${codes.join(', ')}`
          : `the domain ${domain} takes no situation code`,
        'situation',
      );
    const assessedOn = check.day(input.assessedOn, 'assessedOn');
    if (assessedOn && assessedOn > isoDay(now)) check.refuse('assessedOn lies in the future', 'assessedOn');
    check.done();
    return this.cases.step(actor, input.caseId, 'recordAssessment', async (em, c) => {
      if (domain === 'health') {
        // Health data is written only where it may be read: a basis or the person's consent.
        const decision = await this.pdp.forRequest(actor).decide(c.personId, 'health');
        if (!decision.allowed)
          throw new AppError(
            'FORBIDDEN',
            `No legal basis or consent for health data for the purpose ${actor.purpose ?? '(none stated)'}`,
            { category: 'health', purpose: actor.purpose, field: 'domain' },
          );
      }
      const row: CaseAssessmentEntity = {
        id: newId(),
        caseId: c.id,
        personId: c.personId,
        domain,
        problems: input.problems.map((t) => t.trim()),
        resources: input.resources.map((t) => t.trim()),
        situation: input.situation ?? null,
        assessedOn,
        recordedAt: now,
      };
      const earlier = await em.findOne(CaseAssessmentEntity, { where: { caseId: c.id, domain } });
      if (earlier) await em.update(CaseAssessmentEntity, { id: earlier.id }, { ...row, id: earlier.id });
      else await em.insert(CaseAssessmentEntity, row);
      if (domain === 'health') await this.cases.event(em, actor, 'case.health_assessment_recorded', c, {});
      else await this.cases.event(em, actor, 'case.assessment_recorded', c, { domain });
      return c;
    });
  }

  /** The assessments of cases the actor holds, by domain. */
  async forCases(actor: Actor, caseIds: readonly string[]): Promise<CaseAssessmentEntity[]> {
    const ids = caseIds.filter(isUuid);
    if (!ids.length) return [];
    return this.ds.manager
      .createQueryBuilder(CaseAssessmentEntity, 'a')
      .innerJoin(CaseEntity, 'c', 'c.id = a.case_id AND c.partner = :partner', { partner: actor.partner })
      .where('a.case_id = ANY(:ids)', { ids })
      .orderBy('a.domain')
      .getMany();
  }
}

/** Short texts: a list of at most MAX_ASSESSMENT_ITEMS, each non-empty and at most MAX_ASSESSMENT_TEXT long. */
function checkItems(check: InputCheck, items: string[] | null | undefined, field: string): void {
  if (!Array.isArray(items)) return void check.refuse(`${field} is a list`, field);
  check.require(items.length <= MAX_ASSESSMENT_ITEMS, `${field}: at most ${MAX_ASSESSMENT_ITEMS} items`, field);
  check.require(
    items.every((t) => typeof t === 'string' && t.trim().length > 0 && t.length <= MAX_ASSESSMENT_TEXT),
    `${field}: each item a short text of 1 to ${MAX_ASSESSMENT_TEXT} characters`,
    field,
  );
}
