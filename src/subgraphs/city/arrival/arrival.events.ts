import { EntityManager } from 'typeorm';
import { Outbox } from '../../../events/outbox.service';
import { Actor } from '../../../shared/actor';
import { Clock } from '../../../shared/time';
import { ArrivalVisitEntity } from './arrival.entity';
import { FollowUpKind } from './arrival.state';

/** A visit's events, each in the caller's transaction: ids and codes only (src/events/catalogue.arrival.ts). */
export class ArrivalEvents {
  constructor(
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /** Records the family's follow-up contact on the visit, and its event. */
  async followedUp(
    em: EntityManager,
    actor: Actor,
    visit: ArrivalVisitEntity,
    kind: FollowUpKind,
    on: string | null,
    source: 'recorded' | 'derived',
    referralId: string | null,
  ): Promise<void> {
    Object.assign(visit, {
      followUpKind: kind,
      followUpOn: on,
      followUpSource: source,
      followUpInTime: on !== null && on <= visit.followUpDueOn!,
      followUpReferralId: referralId,
      updatedAt: this.clock.now(),
    });
    await em.save(ArrivalVisitEntity, visit);
    await this.outbox.append(em, actor, {
      type: 'arrival.followup_recorded',
      personId: visit.personId,
      aggregateType: 'ArrivalVisit',
      aggregateId: visit.id,
      payload: {
        visitId: visit.id,
        personId: visit.personId,
        householdId: visit.householdId,
        partner: visit.partner,
        contact: kind,
        contactedOn: on,
        source,
        inTime: visit.followUpInTime === true,
        referralId,
      },
    });
  }

  recorded(em: EntityManager, actor: Actor, visit: ArrivalVisitEntity): Promise<unknown> {
    return this.outbox.append(em, actor, {
      type: 'arrival.visit_recorded',
      personId: visit.personId,
      aggregateType: 'ArrivalVisit',
      aggregateId: visit.id,
      payload: {
        visitId: visit.id,
        personId: visit.personId,
        householdId: visit.householdId,
        partner: visit.partner,
        status: visit.status,
        heldOn: visit.heldOn,
        tookPlaceAsPlanned: visit.tookPlaceAsPlanned === true,
        notHeldReason: visit.notHeldReason,
        welcomeFolder: visit.welcomeFolder,
        topics: visit.topics,
        referralIds: visit.referralIds,
      },
    });
  }

  planned(em: EntityManager, actor: Actor, v: ArrivalVisitEntity, rescheduled: boolean): Promise<unknown> {
    return this.outbox.append(em, actor, {
      type: 'arrival.visit_planned',
      personId: v.personId,
      aggregateType: 'ArrivalVisit',
      aggregateId: v.id,
      payload: {
        visitId: v.id,
        personId: v.personId,
        householdId: v.householdId,
        partner: v.partner,
        plannedOn: v.plannedOn,
        referralId: v.referralId,
        rescheduled,
      },
    });
  }
}
