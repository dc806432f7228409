import type { EntityManager } from 'typeorm';
import {
  addDays,
  addMonths,
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
 * visit is proposed to that team, once per family (the household, or the person when registered
 * without one), for its first adult: the earliest registered member (then the lowest id) who is of
 * age when registered. A member without a birth date counts as an adult unless the youth welfare
 * office has recorded its case number (youth_welfare_case_id, as rule 2 reads it): then the
 * person is a minor in its care. A family of minors only gets no proposal. The report's groups (private flat, residence obligation, family reunion, EU
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
 * unless the referral was rejected or cancelled, or the family's arrival visit already has its
 * follow-up contact (district office or school placement, recorded or derived; asked of the city).
 *
 * A registration that states an arrival more than `RULE_ARRIVAL_MAX_AGE_DAYS` (default 90) before
 * it was recorded is of someone settled (typically a bulk import of an office's existing persons):
 * no proposal. Without an arrival date the registration counts as an arrival, as before.
 */
export function newArrivalRule(deps: RuleDeps): Rule {
  return {
    name: RULE,
    on: {
      async 'person.registered'(e) {
        const p = e.payload;
        if (p.arrivedOn && p.arrivedOn < isoDay(addDays(e.occurredAt, -deps.params.arrivalMaxAgeDays))) return;
        const [team] = await partnersServing(deps.hub, {
          kind: 'social_services',
          municipalityKey: p.municipalityKey,
          purpose: PURPOSE,
        });
        if (!team) return;
        // Only the household's first adult's own registration proposes: whichever member's event
        // comes first, the same person gets the proposal, from whoever registered that person.
        if ((await firstAdult(deps, p.personId, p.householdId, isoDay(e.occurredAt))) !== p.personId) return;
        const dueAt = addDays(e.occurredAt, deps.params.arrivalFollowupDays);
        const { check, owned } = await deps.checks.claim({
          rule: RULE,
          personId: p.personId,
          householdId: p.householdId,
          dueAt,
          eventId: e.id,
          data: { partner: team.slug, followUpOn: isoDay(dueAt) },
        });
        // Taken already: two first adults only when registrations committed out of order; the first handled keeps it.
        if (!owned) return;

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
        // The family's visit already has its follow-up contact (recorded by the team or derived): nothing to remind of.
        const family = { personId: locked.personId, householdId: locked.householdId };
        if (await deps.arrivals.followUpKnown(family, locked.eventId)) {
          await deps.checks.finish(RULE, locked.personId, 'followup_known', em);
          return 'followup_known';
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

/**
 * The person the household's proposal is for: of the members (the person alone without a
 * household) who are adults on `day`, the earliest registered, then the lowest id; null if none.
 * The city's registration times decide, not the order in which the worker sees the events.
 */
async function firstAdult(
  deps: RuleDeps,
  personId: string,
  householdId: string | null,
  day: string,
): Promise<string | null> {
  const members = householdId ? await deps.persons.household(householdId) : [];
  if (!members.some((m) => m.id === personId)) {
    const self = await deps.persons.get(personId);
    if (self) members.push(self);
  }
  const undated = members.filter((m) => !m.birthDate).map((m) => m.id);
  const inCare = new Set(undated.length ? await youthWelfareCases(deps, undated) : []);
  const adults = members.filter((m) => (m.birthDate ? addMonths(m.birthDate, 18 * 12) <= day : !inCare.has(m.id)));
  adults.sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime() || (a.id < b.id ? -1 : 1));
  return adults[0]?.id ?? null;
}

/** Of these persons, those the youth welfare office has recorded its case number for (hub data). */
async function youthWelfareCases(deps: RuleDeps, personIds: string[]): Promise<string[]> {
  const rows: Array<{ person_id: string }> = await deps.hub.query(
    `SELECT DISTINCT i.person_id FROM hub.person_identifier i JOIN hub.partner p ON p.slug = i.issued_by
      WHERE i.person_id = ANY($1::uuid[]) AND i.system = 'youth_welfare_case_id' AND p.kind = 'youth_welfare'`,
    [personIds],
  );
  return rows.map((r) => r.person_id);
}
