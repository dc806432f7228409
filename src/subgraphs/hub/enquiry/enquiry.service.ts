import { DataSource, EntityManager } from 'typeorm';
import { Outbox } from '../../../events/outbox.service';
import { Actor } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { encodeCursor, isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { decodeAfter, timestampPart, uuidPart } from '../../shared/connection.cursor';
import { Page, PageArgs, pageSize, toPage } from '../../shared/connection.types';
import { InputCheck } from '../../shared/validation';
import { ConsentEntity } from '../consent/consent.entity';
import { PartnerEntity } from '../partner/partner.entity';
import { EmployerEnquiryEntity } from './enquiry.entity';
import {
  allowedEnquiryActions,
  EMPLOYER_SERVICE,
  ENQUIRY_STEPS,
  ENQUIRY_TOPICS,
  EnquiryAction,
  EnquiryRole,
  EnquiryStatus,
  EnquiryTopic,
  mayRunEnquiry,
  ROUTED_KIND,
} from './enquiry.state';

export const QUESTION_MAX = 2000;
export const ANSWER_MAX = 4000;
/** What an employee's consent must cover for the link to be shown to the routed partner (and the employer). */
export const EMPLOYEE_CATEGORY = 'employment';

export interface AskInput {
  topic: EnquiryTopic;
  question: string;
  onSiteVisitWanted?: boolean | null;
  employeeConsentId?: string | null;
}

/**
 * Employer enquiries (Arbeitgeberservice, docs/employer-service.md). They live in the hub: routing
 * reads partners (kind, purposes, area, function mailbox) and an employee is linked only through a
 * consent, both hub data. The employer sees its own enquiries, the routed partner those routed to
 * it, nobody else anything.
 */
export class EnquiryService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async ask(actor: Actor, input: AskInput): Promise<EmployerEnquiryEntity> {
    requireScope(actor, 'enquiries:write');
    const check = new InputCheck();
    check.require(
      (ENQUIRY_TOPICS as readonly string[]).includes(input.topic),
      `topic must be one of ${ENQUIRY_TOPICS.join(', ')}`,
      'topic',
    );
    const question = typeof input.question === 'string' ? input.question.trim() : '';
    check.require(question.length > 0, 'question is empty', 'question');
    check.require(question.length <= QUESTION_MAX, `question has more than ${QUESTION_MAX} characters`, 'question');
    const consentId = input.employeeConsentId ?? null;
    check.require(consentId === null || isUuid(consentId), 'employeeConsentId is not a valid id', 'employeeConsentId');
    check.done();
    return this.ds.transaction(async (em) => {
      const employer = await em.findOneBy(PartnerEntity, { slug: actor.partner, active: true });
      if (!employer || employer.kind !== 'employer')
        throw new AppError('FORBIDDEN', 'Only an employer partner asks employer enquiries', { kind: employer?.kind });
      const routed = await this.route(em, employer, input.topic);
      const consent = consentId ? await this.employeeConsent(em, consentId, routed.slug) : null;
      const now = this.clock.now();
      const row: EmployerEnquiryEntity = {
        id: newId(),
        employer: employer.slug,
        topic: input.topic,
        question,
        onSiteVisitWanted: input.onSiteVisitWanted ?? false,
        routedTo: routed.slug,
        employeeConsentId: consent?.id ?? null,
        employeePersonId: consent?.personId ?? null,
        status: 'received',
        answer: null,
        receivedAt: now,
        answeredAt: null,
        closedAt: null,
        version: 1,
        updatedAt: now,
      };
      await em.insert(EmployerEnquiryEntity, row);
      await this.event(em, actor, 'enquiry.received', row);
      return row;
    });
  }

  /**
   * The partner that answers the topic in the employer's municipality: of the kind the topic needs,
   * active, acting for employer_service and able to answer (enquiries:write), its area covering the
   * employer's seat; the most specific area wins, then the slug. None: CONFLICT, nothing written.
   */
  private async route(em: EntityManager, employer: PartnerEntity, topic: EnquiryTopic): Promise<PartnerEntity> {
    const kind = ROUTED_KIND[topic];
    const candidates = await em
      .createQueryBuilder(PartnerEntity, 'p')
      .where('p.kind = :kind AND p.active AND :purpose = ANY(p.purposes) AND :scope = ANY(p.scopes)', {
        kind,
        purpose: EMPLOYER_SERVICE,
        scope: 'enquiries:write',
      })
      .andWhere(`:key LIKE ANY (SELECT j || '%' FROM unnest(p.jurisdiction) AS j)`, { key: employer.municipalityKey })
      .getMany();
    const reach = (p: PartnerEntity) =>
      Math.max(...p.jurisdiction.filter((j) => employer.municipalityKey.startsWith(j)).map((j) => j.length));
    const [best] = candidates.sort((a, b) => reach(b) - reach(a) || a.slug.localeCompare(b.slug));
    if (!best)
      throw new AppError(
        'CONFLICT',
        `No ${kind} serves municipality ${employer.municipalityKey} for ${EMPLOYER_SERVICE}: the enquiry cannot be routed`,
        { topic, kind, municipalityKey: employer.municipalityKey },
      );
    return best;
  }

  /**
   * The employee's active consent for employer_service naming the routed partner as recipient and
   * covering employment data. Whether it does not exist, belongs to another purpose or names
   * other recipients is not told apart: an employer cannot probe consents.
   */
  private async employeeConsent(em: EntityManager, id: string, routedTo: string): Promise<ConsentEntity> {
    const c = await em.findOneBy(ConsentEntity, { id });
    const now = this.clock.now();
    const active =
      c &&
      c.withdrawnAt === null &&
      c.givenAt <= now &&
      (c.validUntil === null || c.validUntil > now) &&
      c.purpose === EMPLOYER_SERVICE &&
      c.recipients.includes(routedTo) &&
      c.categories.includes(EMPLOYEE_CATEGORY);
    if (!c || !active)
      throw new AppError(
        'BAD_USER_INPUT',
        `employeeConsentId names no active consent of the employee for ${EMPLOYER_SERVICE} with ${routedTo} as recipient and ${EMPLOYEE_CATEGORY} data`,
        { field: 'employeeConsentId' },
      );
    return c;
  }

  /** An enquiry the actor asked or answers, or null. */
  async get(actor: Actor, id: string): Promise<EmployerEnquiryEntity | null> {
    if (!isUuid(id)) return null;
    const row = await this.ds.manager.findOneBy(EmployerEnquiryEntity, { id });
    return row && this.roleOf(actor, row) ? row : null;
  }

  /** The actor's enquiries: those it asked and those routed to it; newest first. */
  async list(actor: Actor, args: PageArgs & { status?: EnquiryStatus | null }): Promise<Page<EmployerEnquiryEntity>> {
    requireScope(actor, 'enquiries:write');
    const first = pageSize(args.first);
    const qb = this.ds.manager
      .createQueryBuilder(EmployerEnquiryEntity, 'e')
      .where('(e.employer = :me OR e.routed_to = :me)', { me: actor.partner });
    if (args.status) qb.andWhere('e.status = :status', { status: args.status });
    const totalCount = args.count === false ? null : await qb.clone().getCount();
    if (args.after) {
      const c = decodeAfter(args.after, [timestampPart, uuidPart]);
      qb.andWhere('(e.received_at, e.id) < (:ca::timestamptz, :ci::uuid)', { ca: c[0], ci: c[1] });
    }
    const rows = await qb
      .orderBy('e.received_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(first + 1)
      .getMany();
    return toPage(rows, first, args.after, totalCount, (e) => encodeCursor([e.receivedAt.toISOString(), e.id]));
  }

  take(actor: Actor, input: { enquiryId: string }): Promise<EmployerEnquiryEntity> {
    return this.step(actor, input.enquiryId, 'takeEnquiry', new InputCheck(), async () => undefined);
  }

  answer(actor: Actor, input: { enquiryId: string; answer: string }): Promise<EmployerEnquiryEntity> {
    const check = new InputCheck();
    const answer = typeof input.answer === 'string' ? input.answer.trim() : '';
    check.require(answer.length > 0, 'answer is empty', 'answer');
    check.require(answer.length <= ANSWER_MAX, `answer has more than ${ANSWER_MAX} characters`, 'answer');
    return this.step(actor, input.enquiryId, 'answerEnquiry', check, async (em, e) => {
      e.answer = answer;
      e.answeredAt = this.clock.now();
      await this.event(em, actor, 'enquiry.answered', e);
    });
  }

  close(actor: Actor, input: { enquiryId: string }): Promise<EmployerEnquiryEntity> {
    return this.step(actor, input.enquiryId, 'closeEnquiry', new InputCheck(), async (_em, e) => {
      e.closedAt = this.clock.now();
    });
  }

  /**
   * One step: the enquiry locked, the actor its employer or routed partner (else NOT_FOUND), the
   * step the actor's side's (else FORBIDDEN) and allowed in its status (else CONFLICT naming the
   * status and what the actor may do now).
   */
  private async step(
    actor: Actor,
    id: string,
    action: EnquiryAction,
    check: InputCheck,
    fn: (em: EntityManager, e: EmployerEnquiryEntity) => Promise<void>,
  ): Promise<EmployerEnquiryEntity> {
    requireScope(actor, 'enquiries:write');
    check.require(typeof id === 'string' && isUuid(id), 'enquiryId is not a valid id', 'enquiryId');
    check.done();
    return this.ds.transaction(async (em) => {
      const e = await em.findOne(EmployerEnquiryEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      const role = e && this.roleOf(actor, e);
      if (!e || !role) throw notFound('Enquiry', id, 'enquiryId');
      const step = ENQUIRY_STEPS[action];
      if (step.by !== role)
        throw new AppError(
          'FORBIDDEN',
          step.by === 'employer'
            ? 'Only the employer that asked does this'
            : 'Only the partner the enquiry was routed to does this',
          { allowedActions: allowedEnquiryActions(e.status, role) },
        );
      if (!mayRunEnquiry(action, e.status))
        throw new AppError('CONFLICT', `The enquiry is ${e.status}: ${action} is not possible now`, {
          enquiryId: e.id,
          status: e.status,
          allowedActions: allowedEnquiryActions(e.status, role),
        });
      await fn(em, e);
      e.status = step.to;
      e.version += 1;
      e.updatedAt = this.clock.now();
      await em.save(EmployerEnquiryEntity, e);
      return e;
    });
  }

  roleOf(actor: Actor, e: EmployerEnquiryEntity): EnquiryRole | null {
    if (actor.partner === e.employer) return 'employer';
    if (actor.partner === e.routedTo) return 'routed';
    return null;
  }

  /** Partners by slug, for the routed contact (name and function mailbox). */
  partners(slugs: readonly string[]): Promise<PartnerEntity[]> {
    return this.ds.manager.createQueryBuilder(PartnerEntity, 'p').where('p.slug = ANY(:slugs)', { slugs }).getMany();
  }

  /** Ids and codes only: no person, no question or answer text. */
  private async event(
    em: EntityManager,
    actor: Actor,
    type: 'enquiry.received' | 'enquiry.answered',
    e: EmployerEnquiryEntity,
  ): Promise<void> {
    await this.outbox.append(em, actor, {
      type,
      personId: null,
      aggregateType: 'EmployerEnquiry',
      aggregateId: e.id,
      payload: {
        enquiryId: e.id,
        employer: e.employer,
        routedTo: e.routedTo,
        topic: e.topic,
        employeeLinked: e.employeePersonId !== null,
      },
    });
  }
}
