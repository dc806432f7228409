import { DataSource } from 'typeorm';
import { Decision, RequestPolicy } from '../../../policy/policy.service';
import { DataCategory } from '../../../policy/policy.vocabulary';
import { addMonths, partnersServing } from '../../../rules/rule-support';
import type { RuleName, RulesConfig } from '../../../rules/rules';
import { encodeCursor } from '../../../shared/ids';
import type { PersonDirectory } from '../../../shared/person-directory';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { dayPart, decodeAfter, uuidPart } from '../../shared/connection.cursor';
import { Page, pageSize, toPage } from '../../shared/connection.types';
import { InputCheck } from '../../shared/validation';
import { HANDOVER_KINDS, HandoverKind, MAX_WITHIN_DAYS } from './upcoming-handover.types';

/**
 * Per kind: its rule, the purpose of what the rule hands over (as the rule file names it) and the
 * category of the biography entry the rule writes when it acts (src/events/catalogue.ts):
 * handover.unassigned and arrival.followup_due are case_notes, handover.gap_flagged is benefits.
 */
const KINDS: Record<HandoverKind, { rule: RuleName; purpose: string; category: DataCategory }> = {
  euma_transfer: { rule: 'euma_turning_18', purpose: 'case_management', category: 'case_notes' },
  benefit_switch: { rule: 'asylum_granted', purpose: 'benefit_handover', category: 'benefits' },
  arrival_followup: { rule: 'new_arrival', purpose: 'arrival_counselling', category: 'case_notes' },
};
const KIND_OF = new Map(HANDOVER_KINDS.map((k) => [KINDS[k].rule as string, k]));
const rulePart = (v: unknown) => typeof v === 'string' && KIND_OF.has(v);

/** Rows read per round while looking for the visible ones. */
const DEFAULT_BATCH = 200;
const FIELD = 'Query.upcomingHandovers';

export interface UpcomingHandoverItem {
  id: string;
  kind: HandoverKind;
  rule: string;
  dueOn: string;
  startsOn: string;
  personId: string;
  receiver: string | null;
  sender: string | null;
}

interface Visible {
  item: UpcomingHandoverItem;
  identity: Decision;
  /** What lets the caller see this handover: being its party, or a basis for the rule's category. */
  handover: Decision;
  category: DataCategory;
}

interface CheckRow {
  rule: string;
  person_id: string;
  due_on: string;
  data: Record<string, unknown>;
}

/**
 * The worklist of handovers the rules will start (the pending rows of hub.rule_check), due within
 * `within` days of the clock's today; checks already overdue that the workers have not handled yet
 * are listed too. Who sees an item: a partner that may know the person (inside its jurisdiction,
 * with a legal basis or consent for identity data under its purpose, as for any person) and
 * either is a party of the handover — its sender under any purpose, its receiver acting for the
 * handover's purpose (as a referral's steps in the biography) — or holds a basis or consent for
 * the category of the entry the rule will write when it acts, which the biography would show it.
 * Anyone else gets no item at all, not a redacted one.
 */
export class UpcomingHandoverService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly persons: PersonDirectory,
    private readonly rules: RulesConfig,
    private readonly batch = DEFAULT_BATCH,
  ) {}

  async list(
    policy: RequestPolicy,
    args: { within: number; kind?: string | null; first?: number | null; after?: string | null; count?: boolean },
  ): Promise<Page<UpcomingHandoverItem>> {
    requireScope(policy.actor, 'referrals:read');
    const check = new InputCheck();
    check.require(
      Number.isInteger(args.within) && args.within >= 1 && args.within <= MAX_WITHIN_DAYS,
      `within must be between 1 and ${MAX_WITHIN_DAYS} days`,
      'within',
    );
    if (args.kind && !(HANDOVER_KINDS as readonly string[]).includes(args.kind))
      check.refuse(`kind is one of ${HANDOVER_KINDS.join(', ')}`, 'kind');
    const first = (await check.attempt(() => pageSize(args.first))) ?? 0;
    const after = args.after
      ? ((await check.attempt(() => decodeAfter(args.after!, [dayPart, rulePart, uuidPart]))) ?? null)
      : null;
    check.done();

    const kinds = args.kind ? [args.kind as HandoverKind] : [...HANDOVER_KINDS];
    // A disabled rule's checks stay pending but nothing acts on them.
    const rules = kinds.map((k) => KINDS[k].rule).filter((r) => this.rules.enabled.includes(r));
    const until = isoDay(new Date(this.clock.now().getTime() + args.within * 86_400_000));
    const scan = (from: string[] | null, enough: number) => this.scan(policy, rules, until, from, enough);

    let rows: Visible[];
    let totalCount: number | null = null;
    if (args.count !== false) {
      // Counting passes over every pending check of the window: the page is cut from the same pass.
      const all = await scan(null, Infinity);
      totalCount = all.length;
      rows = all.filter((v) => !after || compareKeys(keyOf(v.item), after) > 0);
    } else rows = await scan(after, first + 1);

    const page = toPage(rows, first, args.after, totalCount, (v) => encodeCursor(keyOf(v.item)));
    for (const { node: v } of page.edges) {
      const personId = v.item.personId;
      policy.record({ kind: 'read', personId, category: 'identity', field: FIELD, basis: v.identity.basis });
      policy.record({ kind: 'read', personId, category: v.category, field: FIELD, basis: v.handover.basis });
    }
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: e.node.item })) };
  }

  /** Pending checks in (dueOn, rule, person) order after `from`, the visible ones, until `enough` are found. */
  private async scan(
    policy: RequestPolicy,
    rules: string[],
    until: string,
    from: string[] | null,
    enough: number,
  ): Promise<Visible[]> {
    const out: Visible[] = [];
    let key = from;
    while (out.length < enough && rules.length) {
      const rows: CheckRow[] = await this.ds.query(
        `SELECT rule, person_id, data, to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS due_on
           FROM hub.rule_check
          WHERE done_at IS NULL AND rule = ANY($1) AND due_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
            AND ($3::date IS NULL OR ((due_at AT TIME ZONE 'UTC')::date, rule, person_id) > ($3::date, $4::text, $5::uuid))
          ORDER BY (due_at AT TIME ZONE 'UTC')::date, rule, person_id
          LIMIT $6`,
        [rules, until, key?.[0] ?? null, key?.[1] ?? null, key?.[2] ?? null, this.batch],
      );
      out.push(...(await this.visible(policy, await this.items(rows))));
      if (rows.length < this.batch) break;
      const last = rows[rows.length - 1];
      key = [last.due_on, last.rule, last.person_id];
    }
    return out;
  }

  /** What each check will do and between whom, as its rule would decide it now. */
  private async items(rows: CheckRow[]): Promise<UpcomingHandoverItem[]> {
    const eumaIds = rows.filter((r) => r.rule === 'euma_turning_18').map((r) => r.person_id);
    // The hub keeps no birth date nor municipality: the city's directory answers, in the request's jurisdiction.
    const persons = new Map((eumaIds.length ? await this.persons.many(eumaIds) : []).map((p) => [p.id, p]));
    const teams = new Map<string, Promise<string | null>>();
    const teamFor = (municipalityKey: string, from: string) => {
      const k = `${municipalityKey}|${from}`;
      if (!teams.has(k))
        teams.set(
          k,
          partnersServing(this.ds, {
            kind: 'social_services',
            municipalityKey,
            purpose: KINDS.euma_transfer.purpose,
            except: from,
          }).then(([p]) => p?.slug ?? null),
        );
      return teams.get(k)!;
    };
    const items: UpcomingHandoverItem[] = [];
    for (const r of rows) {
      const kind = KIND_OF.get(r.rule)!;
      const base = { id: `${r.rule}:${r.person_id}`, kind, rule: r.rule, dueOn: r.due_on, personId: r.person_id };
      const d = r.data;
      const str = (v: unknown) => (typeof v === 'string' ? v : null);
      if (kind === 'euma_transfer') {
        const p = persons.get(r.person_id);
        if (!p) continue; // outside the caller's jurisdiction, or gone
        const from = String(d.from);
        const startsOn = p.birthDate
          ? addMonths(p.birthDate, 18 * 12)
          : addMonths(r.due_on, this.rules.params.eumaMonthsBefore);
        items.push({ ...base, startsOn, sender: from, receiver: await teamFor(p.municipalityKey, from) });
      } else if (kind === 'benefit_switch') {
        items.push({ ...base, startsOn: str(d.dueOn) ?? r.due_on, sender: str(d.sender), receiver: str(d.receiver) });
      } else {
        items.push({ ...base, startsOn: r.due_on, sender: str(d.sender), receiver: str(d.partner) });
      }
    }
    return items;
  }

  private async visible(policy: RequestPolicy, items: UpcomingHandoverItem[]): Promise<Visible[]> {
    const me = policy.actor;
    const decided = await Promise.all(
      items.map(async (item): Promise<Visible | null> => {
        const { purpose, category } = KINDS[item.kind];
        const identity = await policy.decide(item.personId, 'identity');
        if (!identity.allowed) return null;
        const party = me.partner === item.sender || (me.partner === item.receiver && me.purpose === purpose);
        const handover = party
          ? { allowed: true, basis: `handover:${item.rule}` }
          : await policy.decide(item.personId, category);
        return handover.allowed ? { item, identity, handover, category } : null;
      }),
    );
    return decided.filter((v): v is Visible => v !== null);
  }
}

const keyOf = (i: UpcomingHandoverItem): string[] => [i.dueOn, i.rule, i.personId];
const compareKeys = (a: string[], b: string[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
};
