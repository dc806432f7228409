import { systemActor } from './shared/actor';
import { RowSecurityContext } from './shared/row-security';
import type { HelpPlanReferrals } from './subgraphs/city/case/help-plan.ports';
import { deadlineState } from './subgraphs/hub/agreement/agreement.service';
import type { HubSubgraph } from './subgraphs/hub/hub.subgraph';

/**
 * The city's case management reaches the hub's partners and referrals only through this port
 * (ADR 0007): the help plan creates, cancels and reads its referrals as the case's holder; the
 * eUMA track reads an accepted transfer as the hub, inside the events job's system context.
 * The hub is built after the city, so it is asked for once requests or jobs run.
 */
export function helpPlanReferrals(hubOf: () => HubSubgraph, rowSecurity: RowSecurityContext): HelpPlanReferrals {
  const hub = () => hubOf().services;
  return {
    async provider(slug) {
      const p = await hub().partners.findBySlug(slug);
      return p ? { slug: p.slug, kind: p.kind, active: p.active, purposes: p.purposes } : null;
    },
    async referral(referralId) {
      const r = await hub().referrals.get(systemActor('cases', rowSecurity.systemName() ?? undefined), referralId);
      return r
        ? {
            id: r.id,
            kind: r.kind,
            status: r.status,
            purpose: r.purpose,
            referralType: r.referralType,
            sender: r.sender,
            receiver: r.receiver,
            personId: r.personId,
            dueOn: r.dueOn,
          }
        : null;
    },
    async create(actor, input) {
      const r = await hub().referrals.create(actor, { ...input, kind: 'referral' });
      return { id: r.id, status: r.status };
    },
    async cancel(actor, referralId) {
      await hub().referrals.transition(actor, referralId, 'cancel');
    },
    async states(actor, refs) {
      const ids = new Set(refs.map((r) => r.referralId));
      const persons = [...new Set(refs.map((r) => r.personId))];
      const referrals = (await hub().referrals.forPersons(actor, persons)).filter((r) => ids.has(r.id));
      const deadlines = await hub().agreements.deadlinesFor(referrals.map((r) => r.id));
      const now = hub().agreements.now();
      return referrals.map((r) => ({
        id: r.id,
        status: r.status,
        dueOn: r.dueOn,
        deadlines: deadlines
          .filter((d) => d.referralId === r.id)
          .map((d) => ({ kind: d.kind, dueAt: d.dueAt, state: deadlineState(d, now) })),
      }));
    },
  };
}
