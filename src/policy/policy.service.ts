import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { Actor, inJurisdiction } from '../shared/actor';
import { Clock, isoDay } from '../shared/time';
import { DATA_CATEGORIES, DataCategory } from './policy.vocabulary';

export interface Decision {
  allowed: boolean;
  /** What allowed it: 'legal_basis:<id>', 'consent:<id>' or 'system'; null when denied. */
  basis: string | null;
}

export interface AccessRecord {
  kind: 'read' | 'denied';
  personId: string;
  category: DataCategory;
  field: string;
  basis: string | null;
}

type Decisions = Record<DataCategory, Decision>;

/** A legal basis that holds only while a referral to its recipient is open (hub.legal_basis.while_referral_open). */
export interface ReferralBoundBasis {
  id: string;
  category: string;
  /** When set, only referrals from this partner open it. */
  sourcePartner: string | null;
}

interface ActorBases {
  general: Map<string, string>;
  whileReferralOpen: ReferralBoundBasis[];
}

/** A referral is open to its receiver from sending until it closes (a draft is the sender's alone). */
const REFERRAL_OPEN_FOR_RECEIVER = ['requested', 'received', 'accepted', 'in_progress', 'on_hold'] as const;

function coversSender(basis: ReferralBoundBasis, sender: string): boolean {
  return basis.sourcePartner === null || basis.sourcePartner === sender;
}
const DENY: Decision = { allowed: false, basis: null };

/**
 * The policy decision point: may this partner, for the purpose it stated, see this category of
 * this person's data? Yes only on a valid legal basis for (recipient, category, purpose) or an
 * active consent of the person naming the recipient, the category and the purpose. Deny by default.
 * It reads the hub's legal bases and consents; every subgraph asks it (it is infrastructure, as
 * the outbox is, not another subgraph's domain).
 */
/** Tells whether a person exists inside the actor's jurisdiction (the policy decision point answers it). */
export type KnownPersons = Pick<PolicyDecisionPoint, 'knowsPerson'>;

export class PolicyDecisionPoint {
  /** Per request (an actor object lives for one request): legal bases are read once. */
  private readonly basesByActor = new WeakMap<Actor, Promise<ActorBases>>();
  private readonly visibleByActor = new WeakMap<Actor, Promise<string[] | null>>();

  constructor(
    private readonly hub: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * `jurisdiction: false` only where every row is read under row security (the city subgraph):
   * there a mutation's own result, e.g. a person just moved out of the partner's jurisdiction, is
   * still shown to the partner that made it.
   */
  forRequest(actor: Actor, opts: { jurisdiction?: boolean } = {}): RequestPolicy {
    return new RequestPolicy(this, actor, opts.jurisdiction ?? true);
  }

  /** Legal bases of the actor for its purpose that hold for every person: category → basis id (cached for the request). */
  async legalBases(actor: Actor): Promise<Map<string, string>> {
    return (await this.actorBases(actor)).general;
  }

  /** Legal bases of the actor for its purpose that hold only while a referral to it is open (cached for the request). */
  async referralBoundBases(actor: Actor): Promise<ReferralBoundBasis[]> {
    return (await this.actorBases(actor)).whileReferralOpen;
  }

  private actorBases(actor: Actor): Promise<ActorBases> {
    let bases = this.basesByActor.get(actor);
    if (!bases) {
      bases = this.readLegalBases(actor);
      this.basesByActor.set(actor, bases);
    }
    return bases;
  }

  /**
   * The persons (of those asked, or all when null) with a referral open to the actor under its
   * purpose, with the sender of each: a referral-bound basis holds for these only.
   */
  async openReferrals(
    actor: Actor,
    personIds: readonly string[] | null,
  ): Promise<Array<{ personId: string; sender: string }>> {
    if (!actor.purpose || (personIds && !personIds.length)) return [];
    const rows: Array<{ person_id: string; sender: string }> = await this.hub.query(
      `SELECT DISTINCT person_id, sender FROM hub.referral
        WHERE receiver = $1 AND purpose = $2 AND status = ANY($3) ${personIds ? 'AND person_id = ANY($4::uuid[])' : ''}`,
      personIds
        ? [actor.partner, actor.purpose, [...REFERRAL_OPEN_FOR_RECEIVER], personIds]
        : [actor.partner, actor.purpose, [...REFERRAL_OPEN_FOR_RECEIVER]],
    );
    return rows.map((r) => ({ personId: r.person_id, sender: r.sender }));
  }

  /**
   * Which persons the actor may know of at all: everyone in its jurisdiction when it holds a legal
   * basis for identity data for its purpose, otherwise only those who consented (null = no limit).
   */
  visiblePersons(actor: Actor): Promise<string[] | null> {
    let visible = this.visibleByActor.get(actor);
    if (!visible) {
      visible = (async () => {
        if (actor.scopes.includes('*')) return null;
        const bases = await this.actorBases(actor);
        if (bases.general.has('identity')) return null;
        const consenting = await this.consentingPersons(actor, 'identity');
        const bound = bases.whileReferralOpen.filter((b) => b.category === 'identity');
        if (!bound.length) return consenting;
        const referred = (await this.openReferrals(actor, null))
          .filter((o) => bound.some((b) => coversSender(b, o.sender)))
          .map((o) => o.personId);
        return [...new Set([...consenting, ...referred])];
      })();
      this.visibleByActor.set(actor, visible);
    }
    return visible;
  }

  private async readLegalBases(actor: Actor): Promise<ActorBases> {
    const bases: ActorBases = { general: new Map(), whileReferralOpen: [] };
    if (!actor.purpose) return bases;
    const today = isoDay(this.clock.now());
    const rows: Array<{ id: string; category: string; source_partner: string | null; while_referral_open: boolean }> =
      await this.hub.query(
        `SELECT id, category, source_partner, while_referral_open FROM hub.legal_basis
        WHERE recipient_partner = $1 AND purpose = $2 AND valid_from <= $3 AND (valid_until IS NULL OR valid_until >= $3)
          AND revoked_at IS NULL
        ORDER BY created_at, id`,
        [actor.partner, actor.purpose, today],
      );
    for (const r of rows) {
      if (r.while_referral_open)
        bases.whileReferralOpen.push({ id: r.id, category: r.category, sourcePartner: r.source_partner });
      else if (!bases.general.has(r.category)) bases.general.set(r.category, r.id);
    }
    return bases;
  }

  /**
   * What would let `recipient` receive the person's identity data for `purpose` on a referral from
   * `sender`: a legal basis (a referral-bound one counts: the referral being sent opens it), or the
   * person's active consent. Null when nothing does — then the data must not be sent.
   */
  async recipientBasis(recipient: string, purpose: string, personId: string, sender?: string): Promise<string | null> {
    const probe: Actor = {
      subject: 'policy',
      partner: recipient,
      scopes: [],
      jurisdiction: [],
      purpose,
      requestId: 'policy',
    };
    const bases = await this.actorBases(probe);
    const legal =
      bases.general.get('identity') ??
      bases.whileReferralOpen.find((b) => b.category === 'identity' && sender !== undefined && coversSender(b, sender))
        ?.id;
    if (legal) return `legal_basis:${legal}`;
    const consent = (await this.consents(probe, [personId])).find((c) => c.categories.includes('identity'));
    return consent ? `consent:${consent.id}` : null;
  }

  /** Whether the actor may know of the person at all (see visiblePersons). */
  async mayKnow(actor: Actor, personId: string): Promise<boolean> {
    const visible = await this.visiblePersons(actor);
    if (visible !== null && !visible.includes(personId)) return false;
    // A general basis names no person: it must still exist, inside the actor's jurisdiction.
    return this.knowsPerson(actor, personId);
  }

  /**
   * Whether the person exists inside the actor's jurisdiction. Writes outside the city subgraph that
   * name a person by id (identifiers, consents, referrals, jobcenter records) refuse an id nobody
   * has, or one of another jurisdiction, as NOT_FOUND instead of storing rows about no one.
   */
  async knowsPerson(actor: Actor, personId: string): Promise<boolean> {
    return (await this.inJurisdiction(actor, [personId])).has(personId);
  }

  /** Persons whose active consent names the actor, its purpose and the category. */
  async consentingPersons(actor: Actor, category: string): Promise<string[]> {
    if (!actor.purpose) return [];
    const rows: Array<{ person_id: string }> = await this.hub.query(
      `SELECT DISTINCT person_id FROM hub.consent
        WHERE purpose = $1 AND $2 = ANY(recipients) AND $3 = ANY(categories)
          AND withdrawn_at IS NULL AND given_at <= $4 AND (valid_until IS NULL OR valid_until > $4)`,
      [actor.purpose, actor.partner, category, this.clock.now()],
    );
    return rows.map((r) => r.person_id);
  }

  /**
   * Which of the persons live inside the actor's jurisdiction. The hub's own tables (identifiers,
   * consents, biography, case owners) carry no municipality: without this a partner reaching a
   * person through a referral would read them across jurisdictions. Row security already hides
   * other municipalities' persons inside a request; the prefixes are compared as well, so that a
   * system context (which sees every row) decides the same. A probe for a recipient (of a webhook,
   * a notification) names no jurisdiction: the partner's registered one applies.
   */
  async inJurisdiction(actor: Actor, personIds: readonly string[]): Promise<Set<string>> {
    if (!personIds.length) return new Set();
    let jurisdiction = actor.jurisdiction;
    if (!jurisdiction.length) {
      const [partner]: Array<{ jurisdiction: string[] }> = await this.hub.query(
        'SELECT jurisdiction FROM hub.partner WHERE slug = $1',
        [actor.partner],
      );
      jurisdiction = partner?.jurisdiction ?? [];
    }
    const rows: Array<{ id: string; municipality_key: string }> = await this.hub.query(
      'SELECT id, municipality_key FROM city.person WHERE id = ANY($1::uuid[])',
      [personIds],
    );
    const inside = (ags: string) => inJurisdiction({ ...actor, jurisdiction }, ags);
    return new Set(rows.filter((r) => inside(r.municipality_key)).map((r) => r.id));
  }

  /** Active consents of many persons for the actor and its purpose, in one query. */
  async consents(
    actor: Actor,
    personIds: readonly string[],
  ): Promise<Array<{ id: string; personId: string; categories: string[] }>> {
    if (!actor.purpose || !personIds.length) return [];
    const rows: Array<{ id: string; person_id: string; categories: string[] }> = await this.hub.query(
      `SELECT id, person_id, categories FROM hub.consent
        WHERE person_id = ANY($1::uuid[]) AND purpose = $2 AND $3 = ANY(recipients)
          AND withdrawn_at IS NULL AND given_at <= $4 AND (valid_until IS NULL OR valid_until > $4)
        ORDER BY given_at, id`,
      [personIds, actor.purpose, actor.partner, this.clock.now()],
    );
    return rows.map((r) => ({ id: r.id, personId: r.person_id, categories: r.categories }));
  }
}

/** Per request: decisions are batched per person and cached; every read and denial is recorded for the audit log. */
export class RequestPolicy {
  private readonly records: AccessRecord[] = [];
  private readonly loader: DataLoader<string, Decisions>;

  constructor(
    private readonly pdp: PolicyDecisionPoint,
    readonly actor: Actor,
    private readonly checkJurisdiction = true,
  ) {
    this.loader = new DataLoader((ids) => this.decideMany(ids));
  }

  private async decideMany(personIds: readonly string[]): Promise<Decisions[]> {
    const system = this.actor.scopes.includes('*');
    const [bases, bound, consents, inside] = await Promise.all([
      this.pdp.legalBases(this.actor),
      this.pdp.referralBoundBases(this.actor),
      system ? [] : this.pdp.consents(this.actor, personIds),
      system || !this.checkJurisdiction ? null : this.pdp.inJurisdiction(this.actor, personIds),
    ]);
    // Referral-bound bases need the open referrals to this partner of the persons asked about.
    const open = bound.length && !system ? await this.pdp.openReferrals(this.actor, personIds) : [];
    return personIds.map((personId) => {
      const out = {} as Decisions;
      for (const category of DATA_CATEGORIES) {
        if (system) {
          out[category] = { allowed: true, basis: 'system' };
          continue;
        }
        // Outside the partner's jurisdiction no basis and no consent opens anything.
        if (inside && !inside.has(personId)) {
          out[category] = DENY;
          continue;
        }
        const legal =
          bases.get(category) ??
          bound.find(
            (b) => b.category === category && open.some((o) => o.personId === personId && coversSender(b, o.sender)),
          )?.id;
        const consent = legal
          ? undefined
          : consents.find((c) => c.personId === personId && c.categories.includes(category));
        out[category] = legal
          ? { allowed: true, basis: `legal_basis:${legal}` }
          : consent
            ? { allowed: true, basis: `consent:${consent.id}` }
            : DENY;
      }
      return out;
    });
  }

  async decide(personId: string, category: DataCategory): Promise<Decision> {
    return (await this.loader.load(personId))[category];
  }

  record(entry: AccessRecord): void {
    this.records.push(entry);
  }

  /** Hands over what was recorded so far (the caller writes it to the audit log). */
  drain(): AccessRecord[] {
    return this.records.splice(0, this.records.length);
  }
}
