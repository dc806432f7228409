import { TRANSITIONS } from '../subgraphs/hub/referral/referral.state';
import { moveCourses } from './moved.entitlements';
import { ensureReferral, partnersServing, PartnerRow, Rule, RuleDeps, ruleActor, serves } from './rule-support';

const RULE = 'moved' as const;
const TYPE = 'moved_away';

interface Holding {
  partner: PartnerRow;
  /** The purpose of the referral the partner holds; null for a case it owns without one. */
  purpose: string | null;
  referralId: string | null;
  /** Every open referral the partner holds for that purpose (the first is `referralId`). */
  referralIds: string[];
}

/** What a receiver holds: sent and not closed (a draft is still the sender's own). */
const HELD = TRANSITIONS.moveAway.from;

/**
 * Rule 4, moved away / moved in. When a person moves from one municipality to another, whatever
 * follows the person is handed on: each open referral or transfer whose receiver served the old
 * municipality and does not serve the new one, and each case the person's current case owner
 * (hub.case_owner) can no longer keep for the same reason. The partner holding it transfers it
 * (type moved_away, the referral's purpose, sent at once) to an active partner of the same kind
 * that serves the new municipality and acts for that purpose — the most local one. With none, or
 * when the transfer is refused (e.g. no legal basis for the new partner), `handover.unassigned`
 * goes into the person's biography, once per move and partner, and reaches the holder and the
 * sender of the referral it held. With none, the referrals it held are also closed (cancelled by
 * the system, reason moved_away): the receiver no longer sees the person and nobody follows. A
 * move in from elsewhere works the same way for partners of the old municipality connected to Lotse.
 *
 * Course entitlements follow the person too (moved.entitlements.ts): transferred to a provider
 * of the new municipality, released, or handed over with the person.
 *
 * Modest on purpose: when a new partner exists, the old referral stays as it is (its receiver
 * closes it, e.g. fail with reason moved_away, once the new partner has accepted); partners serving
 * both municipalities (the district's jobcenter for a move within the district) keep what they hold.
 */
export function movedRule(deps: RuleDeps): Rule {
  return {
    name: RULE,
    on: {
      async 'person.moved'(e) {
        const p = e.payload;
        if (p.fromMunicipalityKey === p.toMunicipalityKey) return;
        // Entitlements (and enrolments) follow the person first: the courses subgraph's own part.
        await moveCourses(deps, e.id, p);
        const holdings = await holdingsLeftBehind(deps, p.personId, p.fromMunicipalityKey, p.toMunicipalityKey);
        for (const h of holdings) {
          const [next] = await partnersServing(deps.hub, {
            kind: h.partner.kind,
            municipalityKey: p.toMunicipalityKey,
            purpose: h.purpose ?? undefined,
            except: h.partner.slug,
          });
          const purpose = h.purpose ?? h.partner.purposes.find((x) => next?.purposes.includes(x)) ?? null;
          if (!next || !purpose) {
            await flag(deps, e.id, p.personId, h, 'no_partner');
            // Nobody can follow: rather than stay open at a partner that no longer serves the person,
            // the referrals end (moved_away); the flag, written first so a retry still finds them, tells the sender.
            for (const id of h.referralIds) await deps.referrals.closeForMove(ruleActor(RULE, 'lotse', e.id), id);
            continue;
          }
          const result = await ensureReferral(deps, ruleActor(RULE, h.partner.slug, e.id), {
            personId: p.personId,
            receiver: next.slug,
            purpose,
            referralType: TYPE,
            kind: 'transfer',
          });
          if ('refused' in result) await flag(deps, e.id, p.personId, h, `refused_${result.refused.toLowerCase()}`);
        }
      },
    },
  };
}

/** What partners that served `from` but do not serve `to` hold of the person, one entry per partner and purpose. */
async function holdingsLeftBehind(deps: RuleDeps, personId: string, from: string, to: string): Promise<Holding[]> {
  const rows: Array<{ partner: string; purpose: string | null; referral_id: string | null }> = await deps.hub.query(
    `SELECT receiver AS partner, purpose, id AS referral_id FROM hub.referral WHERE person_id = $1 AND status = ANY($2)
     UNION ALL
     SELECT partner, NULL, NULL FROM hub.case_owner WHERE person_id = $1 AND until IS NULL`,
    [personId, [...HELD]],
  );
  if (!rows.length) return [];
  const partners: Array<PartnerRow & { active: boolean }> = await deps.hub.query(
    `SELECT slug, kind, jurisdiction, purposes, active FROM hub.partner WHERE slug = ANY($1)`,
    [[...new Set(rows.map((r) => r.partner))]],
  );
  const bySlug = new Map(partners.map((x) => [x.slug, x]));
  const out = new Map<string, Holding>();
  // Referrals first, so a case owner that also holds a referral is handed on with its purpose.
  for (const r of [...rows.filter((x) => x.referral_id), ...rows.filter((x) => !x.referral_id)]) {
    const holder = bySlug.get(r.partner);
    if (!holder?.active || !serves(holder, from) || serves(holder, to)) continue;
    if (!r.purpose && [...out.values()].some((h) => h.partner.slug === holder.slug)) continue;
    const key = `${holder.slug}|${r.purpose ?? ''}`;
    const known = out.get(key);
    if (known && r.referral_id) known.referralIds.push(r.referral_id);
    else if (!known)
      out.set(key, {
        partner: holder,
        purpose: r.purpose,
        referralId: r.referral_id,
        referralIds: r.referral_id ? [r.referral_id] : [],
      });
  }
  return [...out.values()];
}

async function flag(deps: RuleDeps, eventId: string, personId: string, h: Holding, reason: string): Promise<void> {
  await deps.hub.transaction(async (em) => {
    if (!(await deps.checks.once(em, RULE, `${eventId}:${h.partner.slug}:${h.purpose ?? '-'}`, eventId))) return;
    await deps.outbox.append(em, ruleActor(RULE, 'lotse', eventId), {
      type: 'handover.unassigned',
      personId,
      aggregateType: 'Person',
      aggregateId: personId,
      payload: {
        personId,
        rule: RULE,
        partner: h.partner.slug,
        partnerKind: h.partner.kind,
        referralId: h.referralId,
        reason,
      },
    });
  });
}
