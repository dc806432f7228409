import { DataSource, In } from 'typeorm';
import { Actor } from '../../../shared/actor';
import { encodeCursor } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { CursorPart, decodeAfter, timestampPart, uuidPart } from '../../shared/connection.cursor';
import { Page, PageArgs, pageSize, toPage } from '../../shared/connection.types';
import { CaseEntity } from './case.entity';
import { HelpPlanService } from './help-plan.service';
import { CaseSignals, DROPOUT_DOMAINS, IN_TRAINING, MISSED_IN_A_ROW, urgency, worklistReasons } from './worklist.state';
import type { WorklistReason } from './worklist.state';

/** One case on the worklist with why it is there. */
export interface WorklistEntry {
  case: CaseEntity;
  personId: string;
  reasons: WorklistReason[];
  urgency: number;
}

const intPart: CursorPart = (v) => typeof v === 'number' && Number.isInteger(v);

/**
 * The case manager's worklist (Arbeitsliste): the caller's open cases that need attention, most
 * urgent first. One query reads every open case's signals (goals, appointments, assessment, help
 * plan); one batched call asks the hub for the help-plan referrals' states. Whether a case is on the
 * list depends on the hub's answer, so the list is ranked and paged here, not in SQL: a partner's
 * open caseload is hundreds of cases, not millions.
 */
export class WorklistService {
  constructor(
    private readonly ds: DataSource,
    private readonly helpPlan: HelpPlanService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, args: PageArgs): Promise<Page<WorklistEntry>> {
    requireScope(actor, 'cases:write');
    const first = pageSize(args.first);
    const after = args.after ? decodeAfter(args.after, [intPart, timestampPart, uuidPart]) : null;
    const today = isoDay(this.clock.now());
    const signals = await this.signals(actor, today);
    const states = await this.helpPlan.states(
      actor,
      signals.flatMap((s) => s.items.map((i) => ({ referralId: i.referralId, personId: s.personId }))),
    );
    const entries = signals
      .map((s) => {
        const reasons = worklistReasons(s, states, today);
        return { s, reasons, urgency: urgency(reasons) };
      })
      .filter((e) => e.reasons.length)
      .sort(
        (a, b) =>
          b.urgency - a.urgency ||
          a.s.openedAt.getTime() - b.s.openedAt.getTime() ||
          a.s.caseId.localeCompare(b.s.caseId),
      );
    const key = (e: (typeof entries)[number]) => [e.urgency, e.s.openedAt.toISOString(), e.s.caseId] as const;
    const start = after
      ? entries.findIndex((e) => {
          const [u, o, id] = key(e);
          const [au, ao, aid] = [Number(after[0]), new Date(after[1]).toISOString(), after[2]];
          return u < au || (u === au && (o > ao || (o === ao && id > aid)));
        })
      : 0;
    const rest = start < 0 ? [] : entries.slice(start, start + first + 1);
    const ids = rest.map((e) => e.s.caseId);
    const cases = new Map(
      (ids.length ? await this.ds.manager.findBy(CaseEntity, { id: In(ids) }) : []).map((c) => [c.id, c]),
    );
    const rows: WorklistEntry[] = rest.flatMap((e) => {
      const c = cases.get(e.s.caseId);
      return c ? [{ case: c, personId: c.personId, reasons: e.reasons, urgency: e.urgency }] : [];
    });
    return toPage(rows, first, args.after, entries.length, (e) =>
      encodeCursor([e.urgency, e.case.openedAt.toISOString(), e.case.id]),
    );
  }

  /** Every open case of the actor with what the reasons are made of, in one statement. */
  private async signals(actor: Actor, today: string): Promise<CaseSignals[]> {
    const rows: Array<{
      id: string;
      person_id: string;
      opened_at: Date;
      goal_past_target: boolean;
      last_due: string[] | null;
      in_training: boolean;
      open_goal_domains: string[] | null;
      items: Array<{ referralId: string; dueOn: string | null; goalDomain: string | null }> | null;
    }> = await this.ds.query(
      `SELECT c.id, c.person_id, c.opened_at,
              EXISTS (SELECT 1 FROM city.case_goal g
                       WHERE g.case_id = c.id AND g.status = 'open' AND g.target_on < $2::date) AS goal_past_target,
              ARRAY(SELECT a.status FROM city.case_appointment a
                     WHERE a.case_id = c.id AND a.status IN ('kept', 'missed')
                     ORDER BY a.scheduled_at DESC LIMIT $3) AS last_due,
              EXISTS (SELECT 1 FROM city.case_assessment s
                       WHERE s.case_id = c.id AND s.domain IN ('education', 'work') AND s.situation = $4) AS in_training,
              ARRAY(SELECT DISTINCT g.domain FROM city.case_goal g
                     WHERE g.case_id = c.id AND g.status = 'open' AND g.domain = ANY($5::text[])) AS open_goal_domains,
              (SELECT json_agg(json_build_object(
                        'referralId', i.referral_id,
                        'dueOn', to_char(i.due_on, 'YYYY-MM-DD'),
                        'goalDomain', CASE WHEN g.status = 'open' THEN g.domain END))
                 FROM city.case_help_plan_item i LEFT JOIN city.case_goal g ON g.id = i.goal_id
                WHERE i.case_id = c.id AND i.referral_id IS NOT NULL) AS items
         FROM city.client_case c
        WHERE c.partner = $1 AND c.phase <> 'closed'`,
      [actor.partner, today, MISSED_IN_A_ROW, IN_TRAINING, DROPOUT_DOMAINS],
    );
    return rows.map((r) => ({
      caseId: r.id,
      personId: r.person_id,
      openedAt: new Date(r.opened_at),
      goalPastTarget: r.goal_past_target,
      lastDue: r.last_due ?? [],
      inTraining: r.in_training,
      openGoalDomains: r.open_goal_domains ?? [],
      items: r.items ?? [],
    }));
  }
}
