import { DataSource } from 'typeorm';
import { AuditEntryInput, AuditLog } from '../../../audit/audit.service';
import { EventOf, EventType } from '../../../events/event-types';
import { PolicyDecisionPoint } from '../../../policy/policy.service';
import { DataCategory } from '../../../policy/policy.vocabulary';
import { Actor, hasScope } from '../../../shared/actor';
import { badInput } from '../../../shared/errors';
import { encodeCursor, isUuid, newId } from '../../../shared/ids';
import { Clock } from '../../../shared/time';
import { MAX_PAGE, Page, pageSize, toPage } from '../../shared/connection.types';
import { ReferralEntity } from '../referral/referral.entity';
import { ReferralService } from '../referral/referral.service';
import { NotificationEntity } from './notification.entity';
import { Recipient, routeEvent } from './notification.routing';
import { decodeAfter, timestampPart, uuidPart } from '../../shared/connection.cursor';

export type NotificationPage = Page<NotificationEntity, number> & { unreadCount: number };

/**
 * The partners' inbox: one row per recipient of a public event (notification.routing decides
 * who), ids and codes only. Besides the parties of a referral, a recipient hears of a person only
 * while it may know the person (the decision point allows it identity data, for any purpose it
 * acts for); when a consent is withdrawn, unread notifications about the person go for every
 * recipient left without that.
 */
export class NotificationService {
  constructor(
    private readonly ds: DataSource,
    private readonly referrals: ReferralService,
    private readonly pdp: PolicyDecisionPoint,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** Consumes one domain event (any source); idempotent: one row per partner, event and type. Returns rows added. */
  async notify<T extends EventType>(event: EventOf<T>, routed?: Recipient[]): Promise<number> {
    const recipients = routed ?? (await routeEvent(this.ds.manager, event));
    if (!recipients.length) return 0;
    // Looked up before writing and outside any transaction (a second pooled connection inside one can deadlock).
    const lawful = await this.lawful(recipients);
    if (!lawful.length) return 0;
    const now = this.clock.now();
    const result = await this.ds
      .createQueryBuilder()
      .insert()
      .into(NotificationEntity)
      .values(
        lawful.map((r) => ({
          id: newId(),
          partner: r.partner,
          type: r.type,
          eventId: r.eventId,
          personId: r.personId,
          referralId: r.referralId,
          category: r.category,
          occurredAt: r.occurredAt,
          createdAt: now,
          readAt: null,
        })),
      )
      .orIgnore()
      .returning('id')
      .execute();
    const added = (result.raw as Array<{ id: string }>).map((r) => r.id);
    if (added.length && event.personId) await this.recheckWithdrawals(event, event.personId, added);
    return added.length;
  }

  /** Your notifications, newest first; any authenticated partner, each sees only its own. */
  async list(
    actor: Actor,
    args: { unreadOnly?: boolean | null; first?: number | null; after?: string | null },
  ): Promise<NotificationPage> {
    const first = pageSize(args.first);
    const [counts]: Array<{ total: number; unread: number }> = await this.ds.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread FROM hub.notification WHERE partner = $1`,
      [actor.partner],
    );
    const qb = this.ds
      .getRepository(NotificationEntity)
      .createQueryBuilder('n')
      .where('n.partner = :me', { me: actor.partner });
    if (args.unreadOnly) qb.andWhere('n.read_at IS NULL');
    if (args.after) {
      const c = decodeAfter(args.after, [timestampPart, uuidPart]);
      qb.andWhere('(n.occurred_at, n.id) < (:ca::timestamptz, :ci::uuid)', { ca: c[0], ci: c[1] });
    }
    const rows = await qb
      .orderBy('n.occurred_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(first + 1)
      .getMany();
    const page = toPage(rows, first, args.after, args.unreadOnly ? counts.unread : counts.total, (n) =>
      encodeCursor([n.occurredAt.toISOString(), n.id]),
    );
    return { ...page, unreadCount: counts.unread };
  }

  /** Marks your unread notifications read (given ids, or all); returns how many changed. Others' ids change nothing. */
  async markRead(actor: Actor, args: { ids?: string[] | null; all?: boolean | null }): Promise<number> {
    const all = args.all ?? false;
    if (all && args.ids) throw badInput('Give either ids or all: true, not both', 'ids');
    if (!all && !args.ids) throw badInput('Give the ids to mark read, or all: true', 'ids');
    const ids = args.ids ?? [];
    if (ids.length > MAX_PAGE) throw badInput(`At most ${MAX_PAGE} ids at a time (or all: true)`, 'ids');
    if (ids.some((id) => !isUuid(id))) throw badInput('ids must be notification ids', 'ids');
    if (!all && !ids.length) return 0;
    const [{ n }]: Array<{ n: number }> = await this.ds.query(
      `WITH changed AS (
         UPDATE hub.notification SET read_at = $2
          WHERE partner = $1 AND read_at IS NULL AND ($3::boolean OR id = ANY($4::uuid[]))
         RETURNING 1)
       SELECT count(*)::int AS n FROM changed`,
      [actor.partner, this.clock.now(), all, ids],
    );
    return n;
  }

  /**
   * The referrals behind notifications, as the referral service shows them to the actor: only
   * those it sent or received, and nothing without the scope referrals:read (then the field is null).
   */
  async referralsFor(actor: Actor, referralIds: readonly string[]): Promise<ReferralEntity[]> {
    const ids = [...new Set(referralIds.filter(isUuid))];
    if (!ids.length || !hasScope(actor, 'referrals:read')) return [];
    const rows = await this.ds
      .getRepository(ReferralEntity)
      .createQueryBuilder('r')
      .where('r.id = ANY(:ids)', { ids })
      .getMany();
    return rows.filter((r) => this.referrals.roleOf(actor, r) !== null);
  }

  /**
   * After a consent withdrawal: unread notifications about the person go for every recipient that
   * now has no basis to know the person, with one `erasure` audit entry per recipient in the same
   * transaction. Read ones stay (the partner has seen them). Only events up to the withdrawal:
   * later ones, such as the cancellation of the referrals that rested on the consent, were routed
   * knowing of it. Idempotent: what is gone is not counted again.
   */
  dropForWithdrawnConsent(event: EventOf<'consent.withdrawn'>): Promise<number> {
    const p = event.payload;
    return this.dropUnlawful({
      personId: p.personId,
      upTo: event.occurredAt,
      ids: null,
      requestId: event.id,
      consentId: p.consentId,
      purpose: p.purpose,
    });
  }

  /**
   * An event from before a withdrawal may be handled after the withdrawal was (a backlog, several
   * workers): the withdrawal then did not see these rows, so it is applied to them here. The
   * consent row is committed before its event is handled, so one of the two always sees the other.
   */
  private async recheckWithdrawals(
    event: { id: string; occurredAt: Date },
    personId: string,
    ids: string[],
  ): Promise<void> {
    const [w]: Array<{ id: string; purpose: string }> = await this.ds.query(
      'SELECT id, purpose FROM hub.consent WHERE person_id = $1 AND withdrawn_at >= $2 ORDER BY withdrawn_at DESC, id LIMIT 1',
      [personId, event.occurredAt],
    );
    if (w)
      await this.dropUnlawful({ personId, upTo: null, ids, requestId: event.id, consentId: w.id, purpose: w.purpose });
  }

  private async dropUnlawful(o: {
    personId: string;
    upTo: Date | null;
    ids: string[] | null;
    requestId: string;
    consentId: string;
    purpose: string;
  }): Promise<number> {
    const scope =
      'person_id = $1 AND read_at IS NULL AND ($2::timestamptz IS NULL OR occurred_at <= $2) AND ($3::uuid[] IS NULL OR id = ANY($3))';
    const holders: Array<{ partner: string }> = await this.ds.query(
      `SELECT DISTINCT partner FROM hub.notification WHERE ${scope} ORDER BY partner`,
      [o.personId, o.upTo, o.ids],
    );
    const partners = await this.partnerPurposes(holders.map((h) => h.partner));
    const without: string[] = [];
    for (const h of holders)
      if (!(await this.mayKnow(h.partner, partners.get(h.partner) ?? [], o.personId))) without.push(h.partner);
    if (!without.length) return 0;
    return this.ds.transaction(async (em) => {
      // In a CTE: a bare DELETE … RETURNING comes back from the driver as [rows, count].
      const gone: Array<{ partner: string; category: string }> = await em.query(
        `WITH gone AS (DELETE FROM hub.notification WHERE ${scope} AND partner = ANY($4) RETURNING partner, category) SELECT partner, category FROM gone`,
        [o.personId, o.upTo, o.ids, without],
      );
      const byPartner = new Map<string, { count: number; categories: Set<string> }>();
      for (const g of gone) {
        const e = byPartner.get(g.partner) ?? { count: 0, categories: new Set<string>() };
        e.count++;
        e.categories.add(g.category);
        byPartner.set(g.partner, e);
      }
      const entries: AuditEntryInput[] = [...byPartner].map(([recipient, e]) => ({
        kind: 'erasure',
        partner: 'lotse',
        subject: 'notifications',
        requestId: o.requestId,
        personId: o.personId,
        categories: [...e.categories].sort(),
        purpose: o.purpose,
        basis: `consent:${o.consentId}`,
        operation: 'consent.withdrawn',
        detail: { record: 'notification', reason: 'consent_withdrawn', recipient, count: e.count },
      }));
      // Late in the transaction: append holds the audit chain's lock until commit.
      await this.audit.append(em, entries);
      return gone.length;
    });
  }

  /**
   * Who may be told: the parties of the referral an event is about always (they see that referral
   * in `referrals` anyway, and must hear when it ends); anyone else only while it may know the
   * person. Unknown and inactive partners never.
   */
  private async lawful(recipients: Recipient[]): Promise<Recipient[]> {
    const purposes = await this.partnerPurposes(recipients.map((r) => r.partner));
    const referralIds = [...new Set(recipients.map((r) => r.referralId).filter((id): id is string => !!id))];
    const parties: Array<{ id: string; sender: string; receiver: string }> = referralIds.length
      ? await this.ds.query('SELECT id, sender, receiver FROM hub.referral WHERE id = ANY($1::uuid[])', [referralIds])
      : [];
    const isParty = (r: Recipient) =>
      parties.some((p) => p.id === r.referralId && (p.sender === r.partner || p.receiver === r.partner));
    const out: Recipient[] = [];
    for (const r of recipients) {
      const acts = purposes.get(r.partner);
      if (!acts) continue;
      if (!r.personId || isParty(r) || (await this.mayKnow(r.partner, acts, r.personId, r.category))) out.push(r);
    }
    return out;
  }

  /**
   * Whether the decision point lets the partner see the person's identity data, or the data the
   * event reveals (as webhooks do: a course provider holds a basis for course participation), for
   * any purpose it acts for.
   */
  private async mayKnow(
    partner: string,
    purposes: string[],
    personId: string,
    category = 'identity',
  ): Promise<boolean> {
    const categories = [...new Set(['identity', category])] as DataCategory[];
    for (const purpose of purposes) {
      const probe: Actor = {
        subject: 'notifications',
        partner,
        scopes: [],
        jurisdiction: [],
        purpose,
        requestId: 'notifications',
      };
      for (const c of categories) if ((await this.pdp.forRequest(probe).decide(personId, c)).allowed) return true;
    }
    return false;
  }

  /** Active partners and the purposes they act for. */
  private async partnerPurposes(slugs: string[]): Promise<Map<string, string[]>> {
    if (!slugs.length) return new Map();
    const rows: Array<{ slug: string; purposes: string[] }> = await this.ds.query(
      'SELECT slug, purposes FROM hub.partner WHERE slug = ANY($1) AND active',
      [[...new Set(slugs)]],
    );
    return new Map(rows.map((r) => [r.slug, r.purposes]));
  }
}
