import { DataSource } from 'typeorm';
import { Outbox } from '../../../events/outbox.service';
import type { Actor } from '../../../shared/actor';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { ReferralEntity } from './referral.entity';
import { referralStatusEvent } from './referral.event';
import type { ReferralStatus } from './referral.state';

/** A referral or transfer of the past as the demo data records it (src/seed/demo-history-referrals.ts). */
export interface HistoricReferral {
  kind: 'referral' | 'transfer';
  personId: string;
  purpose: string;
  referralType: string;
  receiver: string;
  dueOn: string | null;
  /** Sent (requested) at this time. */
  sentAt: string;
  /** What followed, in order, each with its time: e.g. received, accepted, in_progress, completed. */
  steps: Array<{ to: ReferralStatus; at: string; reasonCode?: string | null; outcome?: string | null }>;
}

/**
 * Writes a referral of the past as sender and receiver worked it: created and sent, then each step,
 * every `referral.status_changed` event at its own time (deadlines and indicators derive from that
 * history); an accepted transfer moves the case owner then. The basis of the send is the one the
 * live send needs (a legal basis or consent), looked up by the caller. Only the seed calls it.
 */
export async function loadHistoricReferral(
  ds: DataSource,
  outbox: Outbox,
  actor: Actor,
  h: HistoricReferral,
  basis: string | null,
): Promise<ReferralEntity> {
  if (!basis)
    throw new AppError('FORBIDDEN', `No legal basis or consent lets ${h.receiver} receive this person's data`, {
      receiver: h.receiver,
      purpose: h.purpose,
    });
  return ds.transaction(async (em) => {
    const sentAt = new Date(h.sentAt);
    const r: ReferralEntity = {
      id: newId(),
      kind: h.kind,
      personId: h.personId,
      purpose: h.purpose,
      referralType: h.referralType,
      sender: actor.partner,
      receiver: h.receiver,
      status: 'draft',
      reasonCode: null,
      outcome: null,
      basis,
      parentId: null,
      dueOn: h.dueOn,
      receiverPool: null,
      version: 1,
      createdAt: sentAt,
      updatedAt: sentAt,
    };
    await em.insert(ReferralEntity, r);
    // The receiver's steps are the receiver's: each event names the partner that took it.
    const receiverActor: Actor = { ...actor, partner: h.receiver, requestId: `${actor.requestId}-receiver` };
    const event = (by: Actor, from: string | null, when: Date) =>
      outbox.append(em, by, referralStatusEvent(r, from), { occurredAt: when });
    await event(actor, null, sentAt);
    const steps = [{ to: 'requested' as ReferralStatus, at: h.sentAt }, ...h.steps];
    for (const s of steps) {
      const when = new Date(s.at);
      const from = r.status;
      Object.assign(r, {
        status: s.to,
        reasonCode: s.reasonCode ?? r.reasonCode,
        outcome: s.outcome ?? r.outcome,
        version: r.version + 1,
        updatedAt: when,
      });
      if (r.kind === 'transfer' && s.to === 'accepted') {
        await em.query(`UPDATE hub.case_owner SET until = $3 WHERE person_id = $1 AND partner = $2 AND until IS NULL`, [
          r.personId,
          r.sender,
          when,
        ]);
        await em.query(
          `INSERT INTO hub.case_owner (person_id, partner, since, transfer_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          [r.personId, r.receiver, when, r.id],
        );
      }
      await event(s.to === 'requested' || s.to === 'cancelled' ? actor : receiverActor, from, when);
    }
    await em.update(
      ReferralEntity,
      { id: r.id },
      {
        status: r.status,
        reasonCode: r.reasonCode,
        outcome: r.outcome,
        version: r.version,
        updatedAt: r.updatedAt,
      },
    );
    return r;
  });
}
