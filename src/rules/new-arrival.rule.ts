import type { EntityManager } from 'typeorm';
import {
  addDays,
  ensureReferral,
  partner,
  partnersServing,
  Rule,
  RuleCheck,
  RuleDeps,
  ruleActor,
} from './rule-support';
import { isoDay } from '../shared/time';

const RULE = 'new_arrival' as const;
const TYPE = 'arrival_counselling';
const PURPOSE = 'arrival_counselling';

/**
 * Rule 3, new arrival → arrival counselling. When a person is registered in a municipality that an
 * advice & support team (kind social_services, purpose arrival_counselling) serves, an outreach
 * visit is proposed to that team, once per family: the household, or the person when registered
 * without one. The report's groups (private flat, residence obligation, family reunion, EU
 * citizens, labour migrants) are who arrives; the registration does not tell them apart (the
 * residence status comes later, from the immigration office), so every first registration counts.
 *
 * How it is proposed: a referral needs a sender other than its receiver. When another partner
 * registered the person (e.g. the immigration office), that partner refers the family to the team
 * (kind referral, type and purpose arrival_counselling, sent at once; the team's legal basis for
 * arrival counselling makes it lawful). When the team registered the person itself (as in the
 * demo), or the referral is refused, the proposal is a task for the team: the event
 * `arrival.counselling_proposed` in the person's biography.
 *
 * After `RULE_ARRIVAL_FOLLOWUP_DAYS` (default 61, about two months: the report's indicator is a
 * visit to a district office within 2 months) the follow-up check emits `arrival.followup_due`,
 * unless the referral was rejected or cancelled.
 */
export function newArrivalRule(deps: RuleDeps): Rule {
  return {
    name: RULE,
    on: {
      async 'person.registered'(e) {
        const p = e.payload;
        const [team] = await partnersServing(deps.hub, {
          kind: 'social_services',
          municipalityKey: p.municipalityKey,
          purpose: PURPOSE,
        });
        if (!team) return;
        const dueAt = addDays(e.occurredAt, deps.params.arrivalFollowupDays);
        const { check, owned } = await deps.checks.claim({
          rule: RULE,
          personId: p.personId,
          householdId: p.householdId,
          dueAt,
          eventId: e.id,
          data: { partner: team.slug, followUpOn: isoDay(dueAt) },
        });
        if (!owned) return; // the family was proposed already (another member's registration)

        let referralId = (check.data.referralId as string | undefined) ?? null;
        const sender = await partner(deps.hub, e.actorPartner);
        if (!referralId && !check.data.proposed && sender?.active && sender.slug !== team.slug) {
          const result = await ensureReferral(deps, ruleActor(RULE, sender.slug, e.id), {
            personId: p.personId,
            receiver: team.slug,
            purpose: PURPOSE,
            referralType: TYPE,
            kind: 'referral',
          });
          if ('referralId' in result) {
            referralId = result.referralId;
            await deps.checks.note(RULE, p.personId, { referralId, sender: sender.slug });
          } else
            deps.log.warn(
              { rule: RULE, eventId: e.id, code: result.refused },
              'arrival referral refused; proposed as a task',
            );
        }
        if (!referralId) {
          await deps.hub.transaction(async (em) => {
            const locked = await deps.checks.lock(em, RULE, p.personId);
            if (!locked || locked.data.proposed) return;
            await deps.outbox.append(em, ruleActor(RULE, 'lotse', e.id), {
              type: 'arrival.counselling_proposed',
              personId: p.personId,
              aggregateType: 'RuleCheck',
              aggregateId: p.personId,
              payload: {
                personId: p.personId,
                householdId: p.householdId,
                partner: team.slug,
                followUpOn: isoDay(dueAt),
              },
            });
            await deps.checks.note(RULE, p.personId, { proposed: true }, em);
          });
        }
        if (!check.doneAt) await deps.schedule(check);
      },
    },

    async due(check: RuleCheck) {
      return deps.hub.transaction(async (em) => {
        const locked = await deps.checks.lock(em, RULE, check.personId);
        if (!locked || locked.doneAt) return 'done';
        const referralId = (locked.data.referralId as string | undefined) ?? null;
        if (referralId && (await closedUnserved(em, referralId))) {
          await deps.checks.finish(RULE, locked.personId, 'referral_closed', em);
          return 'referral_closed';
        }
        await deps.outbox.append(em, ruleActor(RULE, 'lotse', locked.eventId), {
          type: 'arrival.followup_due',
          personId: locked.personId,
          aggregateType: 'RuleCheck',
          aggregateId: locked.personId,
          payload: {
            personId: locked.personId,
            householdId: locked.householdId,
            partner: String(locked.data.partner),
            referralId,
          },
        });
        await deps.checks.finish(RULE, locked.personId, 'followup_due', em);
        return 'followup_due';
      });
    },
  };
}

/** A referral that ended without the visit: rejected, cancelled or withdrawn as an error. */
async function closedUnserved(em: EntityManager, referralId: string): Promise<boolean> {
  const [row] = await em.query(`SELECT status FROM hub.referral WHERE id = $1`, [referralId]);
  return !row || ['rejected', 'cancelled', 'entered_in_error'].includes(row.status);
}
