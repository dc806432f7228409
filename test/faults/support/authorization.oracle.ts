import { Client } from 'pg';
import { EVENT_CATALOGUE } from '../../../src/events/catalogue';

/**
 * What a partner may see, computed from the tables alone: the register of legal bases, the
 * consents, the referrals, the case owners and the partners' jurisdictions, by the rules of
 * docs/data-protection.md. It shares no code with the policy service (src/policy): a matrix that
 * asked the service would only compare it with itself.
 */
interface Basis {
  recipient: string;
  category: string;
  purpose: string;
  source: string | null;
  whileReferralOpen: boolean;
  validFrom: string;
  validUntil: string | null;
}
interface Consent {
  personId: string;
  purpose: string;
  recipients: string[];
  categories: string[];
  givenAt: Date;
  validUntil: Date | null;
  withdrawnAt: Date | null;
}
export interface Referral {
  id: string;
  personId: string;
  sender: string;
  receiver: string;
  purpose: string;
  status: string;
}

/** A referral is open to its receiver from `requested` until it closes; a draft opens nothing (docs). */
const OPEN_FOR_RECEIVER = new Set(['requested', 'received', 'accepted', 'in_progress', 'on_hold']);

export interface BiographyEntry {
  id: string;
  type: string;
  category: string;
  data: Record<string, unknown>;
}

export class AuthorizationOracle {
  private constructor(
    private readonly jurisdictions: Map<string, string[]>,
    private readonly bases: Basis[],
    private readonly consents: Map<string, Consent[]>,
    readonly referrals: Map<string, Referral>,
    private readonly caseOwners: Map<string, string[]>,
    /** Person id → municipality key (AGS). */
    readonly persons: Map<string, string>,
    private readonly now: Date,
  ) {}

  /** Reads the tables as the database superuser, past row security: the oracle sees everything. */
  static async load(db: Client, now = new Date()): Promise<AuthorizationOracle> {
    const q = async <T>(sql: string) => (await db.query(sql)).rows as T[];
    const partners = await q<{ slug: string; jurisdiction: string[] }>('SELECT slug, jurisdiction FROM hub.partner');
    const bases = await q<Basis>(
      `SELECT recipient_partner AS recipient, category, purpose, source_partner AS source,
              while_referral_open AS "whileReferralOpen", valid_from::text AS "validFrom", valid_until::text AS "validUntil"
         FROM hub.legal_basis`,
    );
    const consents = await q<Consent>(
      `SELECT person_id AS "personId", purpose, recipients, categories, given_at AS "givenAt",
              valid_until AS "validUntil", withdrawn_at AS "withdrawnAt" FROM hub.consent`,
    );
    const referrals = await q<Referral>(
      'SELECT id, person_id AS "personId", sender, receiver, purpose, status FROM hub.referral',
    );
    const owners = await q<{ person_id: string; partner: string }>(
      'SELECT person_id, partner FROM hub.case_owner WHERE until IS NULL',
    );
    const persons = await q<{ id: string; municipality_key: string }>('SELECT id, municipality_key FROM city.person');
    return new AuthorizationOracle(
      new Map(partners.map((p) => [p.slug, p.jurisdiction])),
      bases,
      groupBy(consents, (c) => c.personId),
      new Map(referrals.map((r) => [r.id, r])),
      new Map([...groupBy(owners, (o) => o.person_id)].map(([k, v]) => [k, v.map((o) => o.partner)])),
      new Map(persons.map((p) => [p.id, p.municipality_key])),
      now,
    );
  }

  /** Whether an AGS lies in the partner's jurisdiction (a list of AGS prefixes). */
  inJurisdiction(partner: string, municipalityKey: string): boolean {
    return (this.jurisdictions.get(partner) ?? []).some((prefix) => municipalityKey.startsWith(prefix));
  }

  /** May `partner`, stating `purpose`, see data of `category` about the person? */
  allowed(partner: string, purpose: string, personId: string, category: string): boolean {
    const ags = this.persons.get(personId);
    if (ags === undefined || !this.inJurisdiction(partner, ags)) return false;
    return this.basis(partner, purpose, personId, category) || this.consented(partner, purpose, personId, category);
  }

  /** Deny by default also for existence: a person is known only with identity data allowed. */
  mayKnow(partner: string, purpose: string, personId: string): boolean {
    return this.allowed(partner, purpose, personId, 'identity');
  }

  private basis(partner: string, purpose: string, personId: string, category: string): boolean {
    const today = this.now.toISOString().slice(0, 10);
    return this.bases.some(
      (b) =>
        b.recipient === partner &&
        b.purpose === purpose &&
        b.category === category &&
        b.validFrom <= today &&
        (b.validUntil === null || b.validUntil >= today) &&
        (!b.whileReferralOpen ||
          [...this.referrals.values()].some(
            (r) =>
              r.personId === personId &&
              r.receiver === partner &&
              r.purpose === purpose &&
              OPEN_FOR_RECEIVER.has(r.status) &&
              (b.source === null || r.sender === b.source),
          )),
    );
  }

  private consented(partner: string, purpose: string, personId: string, category: string): boolean {
    return (this.consents.get(personId) ?? []).some(
      (c) =>
        c.purpose === purpose &&
        c.recipients.includes(partner) &&
        c.categories.includes(category) &&
        c.withdrawnAt === null &&
        c.givenAt <= this.now &&
        (c.validUntil === null || c.validUntil > this.now),
    );
  }

  /**
   * A biography entry: a step of a referral is shown to its sender (any purpose), and to its
   * receiver and the person's case owners acting for the referral's purpose, on a person they may
   * know; any other entry by its category.
   */
  entryAllowed(partner: string, purpose: string, personId: string, entry: BiographyEntry): boolean {
    const spec = (EVENT_CATALOGUE as Record<string, { visibility: string }>)[entry.type];
    if (spec?.visibility !== 'referral') return this.allowed(partner, purpose, personId, entry.category);
    const r = this.referrals.get(String(entry.data.referralId));
    if (!r || !this.mayKnow(partner, purpose, personId)) return false;
    const party = [r.receiver, ...(this.caseOwners.get(personId) ?? [])].includes(partner);
    return partner === r.sender || (party && purpose === r.purpose);
  }

  /** Every person the partner may know for the purpose (what its person list must hold). */
  knownPersons(partner: string, purpose: string): Set<string> {
    return new Set([...this.persons.keys()].filter((id) => this.mayKnow(partner, purpose, id)));
  }
}

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
}
