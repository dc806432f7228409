import type { DomainEvent } from '../../../events/event-types';
import type { ReferralEntity } from './referral.entity';

/** The event of a referral's step, live or loaded from the past (referral.historic.ts). */
export function referralStatusEvent(r: ReferralEntity, from: string | null): DomainEvent<'referral.status_changed'> {
  return {
    type: 'referral.status_changed',
    personId: r.personId,
    aggregateType: r.kind === 'transfer' ? 'Transfer' : 'Referral',
    aggregateId: r.id,
    payload: {
      referralId: r.id,
      kind: r.kind,
      personId: r.personId,
      from,
      to: r.status,
      sender: r.sender,
      receiver: r.receiver,
      referralType: r.referralType,
      reasonCode: r.reasonCode,
    },
  };
}
