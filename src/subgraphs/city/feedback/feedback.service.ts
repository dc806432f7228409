import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Outbox } from '../../../events/outbox.service';
import { PolicyDecisionPoint } from '../../../policy/policy.service';
import { Actor } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { encodeCursor, isUuid } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { dayPart, decodeAfter, uuidPart } from '../../shared/connection.cursor';
import { Page, PageArgs, pageSize, toPage } from '../../shared/connection.types';
import { InputCheck } from '../../shared/validation';
import { PersonService } from '../person/person.service';
import { ClientFeedbackEntity, FeedbackPersonLinkEntity } from './feedback.entity';
import {
  COMMENT_MAX,
  FEEDBACK_CATEGORY,
  FEEDBACK_OFFERS,
  FeedbackOffer,
  MIN_GROUP,
  SCALE_MAX,
  SCALE_MIN,
} from './feedback.state';

export interface SubmitFeedbackInput {
  offer: FeedbackOffer;
  courseId?: string | null;
  helpful: number;
  understood: number;
  wouldRecommend?: boolean | null;
  comment?: string | null;
  linkToPerson?: { personId: string } | null;
}

export interface FeedbackFilter {
  offer?: FeedbackOffer | null;
  from?: string | null;
  to?: string | null;
}

/** Linked feedback as Person.feedback shows it. */
export type LinkedFeedback = ClientFeedbackEntity & { personId: string };

export interface FeedbackSummaryRow {
  offer: FeedbackOffer;
  from: string;
  to: string;
  suppressed: boolean;
  count: number | null;
  helpfulMean: number | null;
  understoodMean: number | null;
  wouldRecommendShare: number | null;
}

const monthOf = (day: string) => `${day.slice(0, 7)}-01`;

/**
 * Client feedback (Rückmeldung, docs/feedback.md). Anonymous by default: the row holds no
 * person, worker or time finer than the month, its id is random, no event is written and nothing
 * reaches the audit log (no person is read or written). A person who wants their feedback linked
 * says so in a consent; the link sits in a table of its own and shows only on Person.feedback,
 * under the policy.
 */
export class FeedbackService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly pdp: PolicyDecisionPoint,
    private readonly persons: PersonService,
  ) {}

  async submit(actor: Actor, input: SubmitFeedbackInput): Promise<ClientFeedbackEntity> {
    requireScope(actor, 'feedback:write');
    const check = new InputCheck();
    check.require(
      (FEEDBACK_OFFERS as readonly string[]).includes(input.offer),
      `offer must be one of ${FEEDBACK_OFFERS.join(', ')}`,
      'offer',
    );
    const courseId = input.courseId ?? null;
    if (courseId !== null) {
      if (check.require(isUuid(courseId), 'courseId is not a valid id', 'courseId'))
        check.require(
          input.offer === 'language_course',
          'courseId goes only with the offer LANGUAGE_COURSE',
          'courseId',
        );
    }
    for (const field of ['helpful', 'understood'] as const) {
      const v = input[field];
      check.require(
        Number.isInteger(v) && v >= SCALE_MIN && v <= SCALE_MAX,
        `${field} is a whole number from ${SCALE_MIN} to ${SCALE_MAX}`,
        field,
      );
    }
    const comment = typeof input.comment === 'string' ? input.comment.trim() || null : null;
    check.require(
      comment === null || comment.length <= COMMENT_MAX,
      `comment has more than ${COMMENT_MAX} characters`,
      'comment',
    );
    const personId = input.linkToPerson ? input.linkToPerson.personId : null;
    if (input.linkToPerson)
      check.require(isUuid(personId ?? ''), 'linkToPerson.personId is not a valid id', 'linkToPerson.personId');
    check.done();
    const consentId = personId ? await this.linkConsent(actor, personId) : null;
    const row: ClientFeedbackEntity = {
      id: randomUUID(),
      offer: input.offer,
      courseId,
      helpful: input.helpful,
      understood: input.understood,
      wouldRecommend: input.wouldRecommend ?? null,
      comment,
      collectedBy: actor.partner,
      month: monthOf(this.clock.now().toISOString().slice(0, 10)),
    };
    await this.ds.transaction(async (em) => {
      await em.insert(ClientFeedbackEntity, row);
      if (!personId || !consentId) return;
      await em.insert(FeedbackPersonLinkEntity, { feedbackId: row.id, personId, consentId, partner: actor.partner });
      await this.outbox.append(em, actor, {
        type: 'feedback.linked',
        personId,
        aggregateType: 'Feedback',
        aggregateId: row.id,
        payload: { personId, feedbackId: row.id, offer: row.offer, partner: actor.partner },
      });
    });
    return row;
  }

  /**
   * The consent behind links was withdrawn: the links go (the person's choice no longer holds),
   * each with a `feedback.unlinked` biography line; the anonymous rows stay, they never knew the
   * person. Idempotent: links already gone write nothing. Called by the events worker as the system.
   */
  async unlinkForWithdrawnConsent(actor: Actor, consentId: string): Promise<number> {
    if (!isUuid(consentId)) return 0;
    return this.ds.transaction(async (em) => {
      const links = await em
        .createQueryBuilder(FeedbackPersonLinkEntity, 'l')
        .setLock('pessimistic_write')
        .where('l.consent_id = :consentId', { consentId })
        .getMany();
      if (!links.length) return 0;
      await em.delete(
        FeedbackPersonLinkEntity,
        links.map((l) => l.feedbackId),
      );
      for (const l of links)
        await this.outbox.append(em, actor, {
          type: 'feedback.unlinked',
          personId: l.personId,
          aggregateType: 'Feedback',
          aggregateId: l.feedbackId,
          payload: { personId: l.personId, feedbackId: l.feedbackId, consentId, partner: l.partner },
        });
      return links.length;
    });
  }

  /**
   * The person's choice to link: an active consent of theirs naming the actor, the purpose it
   * acts for and case notes. A legal basis is no choice of the person's and does not count.
   */
  private async linkConsent(actor: Actor, personId: string): Promise<string> {
    const person = await this.persons.get(actor, personId);
    if (!person || !(await this.pdp.mayKnow(actor, personId)))
      throw notFound('Person', personId, 'linkToPerson.personId');
    const consent = (await this.pdp.consents(actor, [personId])).find((c) => c.categories.includes(FEEDBACK_CATEGORY));
    if (!consent)
      throw new AppError(
        'BAD_USER_INPUT',
        `Feedback is linked to a person only on their consent: none names you, the purpose ${actor.purpose ?? '(none)'} and ${FEEDBACK_CATEGORY}; leave out linkToPerson to record it anonymously`,
        { field: 'linkToPerson' },
      );
    return consent.id;
  }

  /** Feedback the actor collected, newest month first; no person reference whatsoever. */
  async list(actor: Actor, args: PageArgs & FeedbackFilter): Promise<Page<ClientFeedbackEntity>> {
    requireScope(actor, 'feedback:write');
    const first = pageSize(args.first);
    const qb = this.ds.manager
      .createQueryBuilder(ClientFeedbackEntity, 'f')
      .where('f.collected_by = :me', { me: actor.partner });
    this.filter(qb, args);
    const totalCount = args.count === false ? null : await qb.clone().getCount();
    if (args.after) {
      const c = decodeAfter(args.after, [dayPart, uuidPart]);
      qb.andWhere('(f.month, f.id) < (:cm::date, :ci::uuid)', { cm: c[0], ci: c[1] });
    }
    const rows = await qb
      .orderBy('f.month', 'DESC')
      .addOrderBy('f.id', 'DESC')
      .limit(first + 1)
      .getMany();
    return toPage(rows, first, args.after, totalCount, (f) => encodeCursor([f.month, f.id]));
  }

  /**
   * Counts and means of the city's feedback on one offer in the months from..to (every partner's:
   * the workshop looks at the offer). Fewer than MIN_GROUP answers: suppressed, nothing but that.
   */
  async summary(actor: Actor, offer: FeedbackOffer, period: { from: string; to: string }): Promise<FeedbackSummaryRow> {
    requireScope(actor, 'feedback:write');
    const check = new InputCheck();
    check.require((FEEDBACK_OFFERS as readonly string[]).includes(offer), 'offer is not an offer', 'offer');
    const from = check.day(period.from, 'period.from');
    const to = check.day(period.to, 'period.to');
    if (from && to) check.require(from <= to, 'period.from lies after period.to', 'period.from');
    check.done();
    const [r]: Array<{ n: number; helpful: string | null; understood: string | null; yes: number; answered: number }> =
      await this.ds.query(
        `SELECT count(*)::int AS n, avg(helpful) AS helpful, avg(understood) AS understood,
                count(*) FILTER (WHERE would_recommend)::int AS yes, count(would_recommend)::int AS answered
           FROM city.client_feedback WHERE offer = $1 AND month >= $2::date AND month <= $3::date`,
        [offer, monthOf(from), to],
      );
    const suppressed = r.n < MIN_GROUP;
    const round = (v: string | number | null) => (v === null ? null : Math.round(Number(v) * 100) / 100);
    return {
      offer,
      from,
      to,
      suppressed,
      count: suppressed ? null : r.n,
      helpfulMean: suppressed ? null : round(r.helpful),
      understoodMean: suppressed ? null : round(r.understood),
      wouldRecommendShare: suppressed || r.answered === 0 ? null : round(r.yes / r.answered),
    };
  }

  /** Linked feedback of these persons (row security shows only persons visible to the request). */
  async forPersons(personIds: readonly string[]): Promise<LinkedFeedback[]> {
    const ids = personIds.filter(isUuid);
    if (!ids.length) return [];
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT f.id, f.offer, f.course_id, f.helpful, f.understood, f.would_recommend, f.comment, f.collected_by,
              to_char(f.month, 'YYYY-MM-DD') AS month, l.person_id
         FROM city.feedback_person_link l JOIN city.client_feedback f ON f.id = l.feedback_id
        WHERE l.person_id = ANY($1::uuid[]) ORDER BY f.month DESC, f.id DESC`,
      [ids],
    );
    return rows.map((r) => ({
      id: r.id as string,
      offer: r.offer as FeedbackOffer,
      courseId: r.course_id as string | null,
      helpful: r.helpful as number,
      understood: r.understood as number,
      wouldRecommend: r.would_recommend as boolean | null,
      comment: r.comment as string | null,
      collectedBy: r.collected_by as string,
      month: r.month as string,
      personId: r.person_id as string,
    }));
  }

  private filter(qb: ReturnType<DataSource['manager']['createQueryBuilder']>, args: FeedbackFilter): void {
    const check = new InputCheck();
    if (args.offer)
      check.require(
        (FEEDBACK_OFFERS as readonly string[]).includes(args.offer),
        'offer is not an offer',
        'filter.offer',
      );
    const from = args.from ? check.day(args.from, 'filter.from') : null;
    const to = args.to ? check.day(args.to, 'filter.to') : null;
    check.done();
    if (args.offer) qb.andWhere('f.offer = :offer', { offer: args.offer });
    if (from) qb.andWhere('f.month >= :from::date', { from: monthOf(from) });
    if (to) qb.andWhere('f.month <= :to::date', { to });
  }
}
