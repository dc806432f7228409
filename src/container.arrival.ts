import { systemActor } from './shared/actor';
import type { ArrivalHubPorts, ArrivalReferral } from './subgraphs/city/arrival/arrival.ports';
import type { HubSubgraph } from './subgraphs/hub/hub.subgraph';
import { ReferralEntity } from './subgraphs/hub/referral/referral.entity';

/**
 * Arrival visits check the referrals they name, find the follow-up referrals of a visited family
 * and ask whether a partner is an arrival counselling team, through this port only (ADR 0007).
 * The hub is built after the city, so it is asked for once requests or jobs run.
 */
export function arrivalHubPorts(hubOf: () => HubSubgraph): ArrivalHubPorts {
  return {
    async referral(referralId) {
      const r = await hubOf().services.referrals.get(systemActor('arrival', 'arrival'), referralId);
      return r && r.kind === 'referral' ? arrivalReferral(r) : null;
    },
    async sentSince(personIds, referralTypes, fromDay) {
      const rows = await hubOf()
        .dataSource.getRepository(ReferralEntity)
        .createQueryBuilder('r')
        .where('r.person_id = ANY(:personIds::uuid[]) AND r.referral_type = ANY(:referralTypes::text[])', {
          personIds,
          referralTypes,
        })
        .andWhere("r.kind = 'referral' AND r.status <> 'draft' AND r.created_at >= :fromDay::date", { fromDay })
        .getMany();
      return rows.map(arrivalReferral);
    },
    async isArrivalTeam(slug) {
      const p = await hubOf().services.partners.findBySlug(slug);
      return !!p?.active && p.kind === 'social_services' && p.purposes.includes('arrival_counselling');
    },
  };
}

/** What arrival visits learn of a referral: ids, codes and its creation time. */
function arrivalReferral(r: ReferralEntity): ArrivalReferral {
  return {
    id: r.id,
    personId: r.personId,
    sender: r.sender,
    receiver: r.receiver,
    referralType: r.referralType,
    status: r.status,
    createdAt: r.createdAt,
  };
}
