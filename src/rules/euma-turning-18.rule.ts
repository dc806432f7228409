import {
  addMonths,
  ensureReferral,
  partner,
  partnersServing,
  Rule,
  RuleCheck,
  RuleDeps,
  ruleActor,
  startOfDay,
} from './rule-support';
import { isoDay } from '../shared/time';

const RULE = 'euma_turning_18' as const;
const TYPE = 'youth_to_adult';
const PURPOSE = 'case_management';

/**
 * Rule 2, turning 18 in youth welfare → adult services (the report's eUMA concept). City data has
 * birth dates but no "unaccompanied minor" flag. The honest minimum Lotse has: the youth welfare
 * office records its case number as an identifier (`youth_welfare_case_id`, event
 * `person.identifier_added`), which marks the person as in its care. The birth date comes from the
 * city subgraph's service (in-process, as the system) when that event is handled; the city's
 * events are not changed and the hub stores no birth date, only the check's due date.
 *
 * A check is due `RULE_EUMA_MONTHS_BEFORE` months (default 3) before the 18th birthday; then the
 * youth welfare office hands the case over to the advice & support team serving the person's
 * municipality at that time (a transfer, type youth_to_adult, purpose case_management, due on the
 * 18th birthday, sent at once; the team's legal basis for case management makes it lawful). With no such team, or a
 * refusal, `handover.unassigned` goes into the biography instead. Persons already 18 when the
 * case number is recorded, or without a birth date, are left out.
 */
export function eumaTurning18Rule(deps: RuleDeps): Rule {
  return {
    name: RULE,
    on: {
      async 'person.identifier_added'(e) {
        const p = e.payload;
        if (p.system !== 'youth_welfare_case_id') return;
        const issuer = await partner(deps.hub, p.issuedBy);
        if (!issuer?.active || issuer.kind !== 'youth_welfare') return;
        const person = await deps.persons.get(p.personId);
        if (!person?.birthDate) {
          if (person) deps.log.info({ rule: RULE, eventId: e.id }, 'no birth date: no handover scheduled');
          return;
        }
        const adultOn = addMonths(person.birthDate, 18 * 12);
        if (adultOn <= isoDay(e.occurredAt)) return;
        const dueOn = addMonths(adultOn, -deps.params.eumaMonthsBefore);
        const { check, owned } = await deps.checks.claim({
          rule: RULE,
          personId: person.id,
          dueAt: startOfDay(dueOn),
          eventId: e.id,
          data: { from: issuer.slug },
        });
        if (owned && !check.doneAt) await deps.schedule(check);
      },
    },

    async due(check: RuleCheck) {
      const from = String(check.data.from);
      const person = await deps.persons.get(check.personId);
      if (!person) {
        await deps.checks.finish(RULE, check.personId, 'person_unknown');
        return 'person_unknown';
      }
      const [receiver] = await partnersServing(deps.hub, {
        kind: 'social_services',
        municipalityKey: person.municipalityKey,
        purpose: PURPOSE,
        except: from,
      });
      if (receiver) {
        const result = await ensureReferral(deps, ruleActor(RULE, from, check.eventId), {
          personId: person.id,
          receiver: receiver.slug,
          purpose: PURPOSE,
          referralType: TYPE,
          kind: 'transfer',
          // Adult services must have taken over by the 18th birthday (read now: the hub keeps no birth date).
          dueOn: person.birthDate ? addMonths(person.birthDate, 18 * 12) : undefined,
        });
        if ('referralId' in result) {
          await deps.checks.note(RULE, person.id, { referralId: result.referralId, receiver: receiver.slug });
          await deps.checks.finish(RULE, person.id, 'transferred');
          return 'transferred';
        }
        return unassigned(deps, check, from, `refused_${result.refused.toLowerCase()}`);
      }
      return unassigned(deps, check, from, 'no_partner');
    },
  };
}

/** No receiver: the gap goes into the biography, once (the check's lock and done marker). */
function unassigned(deps: RuleDeps, check: RuleCheck, from: string, reason: string): Promise<string> {
  return deps.hub.transaction(async (em) => {
    const locked = await deps.checks.lock(em, RULE, check.personId);
    if (!locked || locked.doneAt) return 'done';
    await deps.outbox.append(em, ruleActor(RULE, 'lotse', check.eventId), {
      type: 'handover.unassigned',
      personId: check.personId,
      aggregateType: 'RuleCheck',
      aggregateId: check.personId,
      payload: {
        personId: check.personId,
        rule: RULE,
        partner: from,
        partnerKind: 'social_services',
        referralId: null,
        reason,
      },
    });
    await deps.checks.finish(RULE, check.personId, 'unassigned', em);
    return 'unassigned';
  });
}
