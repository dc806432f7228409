import {
  addDays,
  addMonths,
  ensureReferral,
  firstOfNextMonth,
  partnersServing,
  Rule,
  RuleCheck,
  RuleDeps,
  ruleActor,
  startOfDay,
} from './rule-support';
import { isoDay } from '../shared/time';

/** Residence statuses that end AsylbLG entitlement: protection was granted (§ 1 Abs. 3 Nr. 2 AsylbLG). */
export const STATUSES_ENDING_ASYLBLG = ['entitled_to_asylum', 'recognised_refugee', 'subsidiary_protection'] as const;

const RULE = 'asylum_granted' as const;
const TYPE = 'benefit_handover';
const PURPOSE = 'benefit_handover';

/**
 * The day SGB II benefits must run from. AsylbLG entitlement ends with the month in which the
 * recognition is notified (§ 1 Abs. 3 Nr. 2 AsylbLG); Lotse knows the decision's date (validFrom),
 * not the day the notice reached the person, and assumes it arrives within a month. So: the first
 * of the month after validFrom + 1 month (validFrom 2026-11-10 → 2027-01-01).
 */
export const benefitSwitchOn = (validFrom: string): string => firstOfNextMonth(addMonths(validFrom, 1));

/**
 * Rule 1, asylum granted → jobcenter. When the immigration office records a status that ends
 * asylum seekers' benefits, the asylum benefits office serving the person's municipality hands the
 * case over to the jobcenter serving it (a transfer, type benefit_handover, sent at once). At the
 * switch date a check runs: unless the jobcenter has opened a record for the person by then, the
 * gap is flagged (`handover.gap_flagged`, category benefits, in the person's biography, which both
 * sides see). The jobcenter's records are another subgraph's: the rule learns of them from the
 * `jobcenter.record_opened` events the hub consumes (and the biography built from them), never
 * from the jobcenter's tables.
 */
export function asylumGrantedRule(deps: RuleDeps): Rule {
  return {
    name: RULE,
    on: {
      async 'person.residence_status_recorded'(e) {
        const p = e.payload;
        if (!(STATUSES_ENDING_ASYLBLG as readonly string[]).includes(p.status)) return;
        // History (a status recorded long after it was granted) is not a new decision.
        if (p.validFrom < isoDay(addDays(e.occurredAt, -deps.params.asylumMaxAgeDays))) return;
        const person = await deps.persons.get(p.personId);
        if (!person) return;
        const [sender] = await partnersServing(deps.hub, {
          kind: 'asylum_benefits_office',
          municipalityKey: person.municipalityKey,
          purpose: PURPOSE,
        });
        const [receiver] = await partnersServing(deps.hub, {
          kind: 'jobcenter',
          municipalityKey: person.municipalityKey,
          purpose: PURPOSE,
        });
        // Outside the partners' jurisdictions: nobody here hands over, nobody receives.
        if (!sender || !receiver) return;

        const dueOn = benefitSwitchOn(p.validFrom);
        const { check, owned } = await deps.checks.claim({
          rule: RULE,
          personId: person.id,
          dueAt: startOfDay(dueOn),
          eventId: e.id,
          data: { sender: sender.slug, receiver: receiver.slug, dueOn, statusId: p.statusId },
        });
        if (!owned) return; // an earlier recognition of this person handed over already
        if (!check.data.referralId && !check.data.refused) {
          const result = await ensureReferral(deps, ruleActor(RULE, sender.slug, e.id), {
            personId: person.id,
            receiver: receiver.slug,
            purpose: PURPOSE,
            referralType: TYPE,
            kind: 'transfer',
            dueOn,
          });
          await deps.checks.note(
            RULE,
            person.id,
            'referralId' in result ? { referralId: result.referralId } : { refused: result.refused },
          );
          if ('refused' in result)
            deps.log.warn(
              { rule: RULE, eventId: e.id, code: result.refused },
              'benefit handover refused; the gap check still runs',
            );
        }
        if (!check.doneAt && (await jobcenterRecordOpen(deps, person.id)))
          await deps.checks.finish(RULE, person.id, 'record_open');
        else if (!check.doneAt) await deps.schedule(check);
      },

      /** The jobcenter opened a record: the pending gap check is answered. */
      async 'jobcenter.record_opened'(e) {
        const p = e.payload;
        if (p.benefitStatus === 'ended') return;
        await deps.checks.finish(RULE, p.personId, 'record_opened');
      },
    },

    async due(check: RuleCheck) {
      if (await jobcenterRecordOpen(deps, check.personId)) {
        await deps.checks.finish(RULE, check.personId, 'record_open');
        return 'record_open';
      }
      return deps.hub.transaction(async (em) => {
        const locked = await deps.checks.lock(em, RULE, check.personId);
        if (!locked || locked.doneAt) return 'done';
        const d = locked.data as { sender: string; receiver: string; dueOn: string; referralId?: string };
        await deps.outbox.append(em, ruleActor(RULE, 'lotse', locked.eventId), {
          type: 'handover.gap_flagged',
          personId: locked.personId,
          aggregateType: 'RuleCheck',
          aggregateId: locked.personId,
          payload: {
            personId: locked.personId,
            rule: RULE,
            referralId: d.referralId ?? null,
            sender: d.sender,
            receiver: d.receiver,
            dueOn: d.dueOn,
            reason: 'no_jobcenter_record',
          },
        });
        await deps.checks.finish(RULE, locked.personId, 'gap_flagged', em);
        return 'gap_flagged';
      });
    },
  };
}

/**
 * Whether the jobcenter has a record of the person that has not ended, as far as the hub has
 * consumed the jobcenter's events (the biography holds them: hub schema only).
 */
async function jobcenterRecordOpen(deps: RuleDeps, personId: string): Promise<boolean> {
  const rows: Array<{ state: string | null }> = await deps.hub.query(
    `SELECT DISTINCT ON (data->>'recordId') coalesce(data->>'to', data->>'benefitStatus') AS state
       FROM hub.biography_entry
      WHERE person_id = $1 AND type IN ('jobcenter.record_opened', 'jobcenter.benefit_status_changed')
      ORDER BY data->>'recordId', occurred_at DESC, recorded_at DESC`,
    [personId],
  );
  return rows.some((r) => r.state !== null && r.state !== 'ended');
}
