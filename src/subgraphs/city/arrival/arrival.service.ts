import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Outbox } from '../../../events/outbox.service';
import { PolicyDecisionPoint } from '../../../policy/policy.service';
import { Actor } from '../../../shared/actor';
import { AppError, badInput, notFound } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { PersonEntity } from '../person/person.entity';
import { ArrivalVisitEntity } from './arrival.entity';
import { ArrivalEvents } from './arrival.events';
import type { ArrivalHubPorts, ArrivalReferral } from './arrival.ports';
import {
  checkFollowUp,
  checkPlan,
  checkRecord,
  PlanArrivalVisit,
  RecordArrivalVisit,
  RecordFollowUp,
} from './arrival.input';
import {
  addMonths,
  allowedArrivalActions,
  asPlanned,
  FOLLOW_UP_MONTHS,
  FOLLOW_UP_REFERRAL_TYPES,
  FollowUpKind,
  NotHeldReason,
  Topic,
  TOPICS,
} from './arrival.state';

const PURPOSE = 'arrival_counselling';

/**
 * Arrival counselling visits (docs/arrival-counselling.md): the team plans a visit to a newly
 * arrived family, records whether it took place and what it covered, and the family's follow-up
 * contact with a district office or the school-placement counselling. Every step is one
 * transaction with its event; referrals are the hub's and are checked through ArrivalHubPorts.
 */
export class ArrivalService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly pdp: PolicyDecisionPoint,
    private readonly hub: ArrivalHubPorts,
  ) {
    this.events = new ArrivalEvents(outbox, clock);
  }

  private readonly events: ArrivalEvents;

  /** Plans the family's visit; planning again while it is planned moves the day (a reschedule). */
  async plan(actor: Actor, input: PlanArrivalVisit): Promise<ArrivalVisitEntity> {
    requireScope(actor, 'cases:write');
    const { plannedOn, referralId } = checkPlan(input, this.clock.now());
    await this.requireTeam(actor);
    if (!(await this.pdp.mayKnow(actor, input.personId))) throw notFound('Person', input.personId, 'personId');
    if (referralId) {
      const r = await this.hub.referral(referralId);
      if (!r || r.receiver !== actor.partner || r.referralType !== PURPOSE || r.personId !== input.personId)
        throw badInput(
          'referralId must name an arrival_counselling referral for this person received by you',
          'referralId',
        );
    }
    return this.ds
      .transaction(async (em) => {
        const person = await em.getRepository(PersonEntity).findOneBy({ id: input.personId });
        if (!person || person.mergedInto) throw notFound('Person', input.personId, 'personId');
        const familyId = person.householdId ?? person.id;
        const now = this.clock.now();
        const open = await em
          .getRepository(ArrivalVisitEntity)
          .createQueryBuilder('v')
          .where("v.family_id = :familyId AND v.status = 'planned'", { familyId })
          .setLock('pessimistic_write')
          .getOne();
        if (open) {
          if (open.partner !== actor.partner)
            throw new AppError('CONFLICT', 'The family already has a planned arrival visit of another team', {
              field: 'personId',
              status: open.status,
              allowedActions: [],
            });
          if (referralId && open.referralId && open.referralId !== referralId)
            throw badInput('The planned visit answers another referral', 'referralId');
          if (open.plannedOn === plannedOn && (!referralId || open.referralId === referralId)) return open;
          const rescheduled = open.plannedOn !== plannedOn;
          Object.assign(open, {
            plannedOn,
            rescheduleCount: open.rescheduleCount + (rescheduled ? 1 : 0),
            referralId: open.referralId ?? referralId,
            updatedAt: now,
          });
          await em.save(ArrivalVisitEntity, open);
          await this.events.planned(em, actor, open, rescheduled);
          return open;
        }
        const visit: ArrivalVisitEntity = {
          id: newId(),
          personId: person.id,
          householdId: person.householdId,
          familyId,
          partner: actor.partner,
          referralId,
          status: 'planned',
          firstPlannedOn: plannedOn,
          plannedOn,
          rescheduleCount: 0,
          tookPlaceAsPlanned: null,
          notHeldReason: null,
          heldOn: null,
          welcomeFolder: null,
          topics: [],
          referralIds: [],
          followUpDueOn: null,
          followUpKind: null,
          followUpOn: null,
          followUpSource: null,
          followUpInTime: null,
          followUpReferralId: null,
          createdAt: now,
          recordedAt: null,
          updatedAt: now,
        };
        await em.insert(ArrivalVisitEntity, visit);
        await this.events.planned(em, actor, visit, false);
        return visit;
      })
      .catch((err: unknown) => {
        // Two plans for one family at once: the other committed first.
        if (
          err instanceof QueryFailedError &&
          (err.driverError as { constraint?: string })?.constraint === 'arrival_visit_one_open'
        )
          throw new AppError('CONFLICT', 'The family already has a planned arrival visit (status planned)', {
            field: 'personId',
            status: 'planned',
            allowedActions: ['planArrivalVisit', 'recordArrivalVisit'],
          });
        throw err;
      });
  }

  /** Records the outcome once: held (when, folder, topics, referrals made) or not held (why). */
  async record(actor: Actor, input: RecordArrivalVisit): Promise<ArrivalVisitEntity> {
    requireScope(actor, 'cases:write');
    const { heldOn, reason, topics, referralIds } = checkRecord(input, this.clock.now());
    await this.requireTeam(actor);
    const seen = await this.visible(actor, this.ds.manager, input.visitId);
    // Out of order before the referrals are looked up; checked again under the lock below.
    if (seen.status !== 'planned') throw conflict(seen, 'The visit was already recorded');
    let candidates: ArrivalReferral[] = [];
    if (heldOn) {
      const planned = isoDay(seen.createdAt);
      if (heldOn < planned) throw badInput(`heldOn must not lie before the visit was planned (${planned})`, 'heldOn');
      const members = await this.members(seen);
      const made = await this.referralsMade(actor, members, referralIds);
      // Referrals sent since the day of the visit, before it was recorded: the worker found no visit then.
      const since = await this.hub.sentSince([...members], Object.keys(FOLLOW_UP_REFERRAL_TYPES), heldOn);
      candidates = [...made, ...since];
    }
    return this.ds.transaction(async (em) => {
      const visit = await this.lock(actor, em, input.visitId);
      if (visit.status !== 'planned') throw conflict(visit, 'The visit was already recorded');
      const now = this.clock.now();
      if (heldOn) {
        Object.assign(visit, {
          status: 'took_place',
          heldOn,
          tookPlaceAsPlanned: asPlanned(visit, heldOn),
          welcomeFolder: input.welcomeFolder ?? false,
          topics: TOPICS.filter((t) => topics.includes(t)),
          referralIds,
          followUpDueOn: addMonths(heldOn, FOLLOW_UP_MONTHS),
        });
      } else Object.assign(visit, { status: 'did_not_take_place', tookPlaceAsPlanned: false, notHeldReason: reason });
      Object.assign(visit, { recordedAt: now, updatedAt: now });
      await em.save(ArrivalVisitEntity, visit);
      await this.events.recorded(em, actor, visit);
      // A referral to a district office or the school placement made at the visit (or sent since) is the follow-up already.
      const first = candidates
        .map((r) => ({ r, on: isoDay(r.createdAt), kind: FOLLOW_UP_REFERRAL_TYPES[r.referralType] }))
        .filter((x) => x.kind && x.on >= heldOn! && x.on <= visit.followUpDueOn!)
        .sort((a, b) => a.on.localeCompare(b.on))[0];
      if (first) await this.events.followedUp(em, actor, visit, first.kind, first.on, 'derived', first.r.id);
      return visit;
    });
  }

  /** The team's record of the family's follow-up contact (or that there was none), after a visit that took place. */
  async recordFollowUp(actor: Actor, input: RecordFollowUp): Promise<ArrivalVisitEntity> {
    requireScope(actor, 'cases:write');
    const { kind, on } = checkFollowUp(input, this.clock.now());
    await this.requireTeam(actor);
    await this.visible(actor, this.ds.manager, input.visitId);
    return this.ds.transaction(async (em) => {
      const visit = await this.lock(actor, em, input.visitId);
      if (!allowedArrivalActions(visit).includes('recordFollowUp'))
        throw conflict(
          visit,
          visit.status === 'took_place' ? 'The follow-up contact was already recorded' : 'No follow-up without a visit',
        );
      if (on && on < visit.heldOn!)
        throw badInput(`contactedOn must not lie before the visit (${visit.heldOn})`, 'contactedOn');
      await this.events.followedUp(em, actor, visit, kind, on, 'recorded', null);
      return visit;
    });
  }

  /**
   * The events worker, on a referral sent for a member of a visited family: a referral to a
   * district office or the school placement within 2 months of the visit is the family's
   * follow-up contact (derived). Idempotent: a visit with a contact is left as it is.
   */
  async deriveFollowUp(
    actor: Actor,
    sent: { referralId: string; personId: string; referralType: string; sentOn: string },
  ): Promise<number> {
    const kind = FOLLOW_UP_REFERRAL_TYPES[sent.referralType];
    if (!kind) return 0;
    return this.ds.transaction(async (em) => {
      const person = await em.getRepository(PersonEntity).findOneBy({ id: sent.personId });
      if (!person) return 0;
      const visits = await em
        .getRepository(ArrivalVisitEntity)
        .createQueryBuilder('v')
        .where('v.family_id IN (:...families)', { families: [person.id, person.householdId ?? person.id] })
        .andWhere("v.status = 'took_place' AND v.held_on <= :on AND v.follow_up_due_on >= :on", { on: sent.sentOn })
        .andWhere("(v.follow_up_kind IS NULL OR v.follow_up_kind = 'none')")
        .orderBy('v.held_on')
        .setLock('pessimistic_write')
        .getMany();
      for (const v of visits) await this.events.followedUp(em, actor, v, kind, sent.sentOn, 'derived', sent.referralId);
      return visits.length;
    });
  }

  /**
   * The demo data's visits of the past (2019 and on): written as the team recorded them then, with
   * their events, without today's checks of the days. Not part of the API.
   */
  async loadHistoric(actor: Actor, h: HistoricVisit): Promise<ArrivalVisitEntity> {
    return this.ds.transaction(async (em) => {
      const now = this.clock.now();
      const held = h.heldOn !== null;
      const visit: ArrivalVisitEntity = {
        id: newId(),
        personId: h.personId,
        householdId: h.householdId,
        familyId: h.householdId ?? h.personId,
        partner: actor.partner,
        referralId: null,
        status: held ? 'took_place' : 'did_not_take_place',
        firstPlannedOn: h.firstPlannedOn,
        plannedOn: h.plannedOn,
        rescheduleCount: h.rescheduleCount,
        tookPlaceAsPlanned: held && asPlanned(h, h.heldOn!) && h.plannedOn === h.firstPlannedOn,
        notHeldReason: held ? null : h.notHeldReason,
        heldOn: h.heldOn,
        welcomeFolder: held ? (h.welcomeFolder ?? false) : null,
        topics: held ? h.topics : [],
        referralIds: [],
        followUpDueOn: held ? addMonths(h.heldOn!, FOLLOW_UP_MONTHS) : null,
        followUpKind: null,
        followUpOn: null,
        followUpSource: null,
        followUpInTime: null,
        followUpReferralId: null,
        createdAt: now,
        recordedAt: now,
        updatedAt: now,
      };
      await em.insert(ArrivalVisitEntity, visit);
      await this.events.planned(em, actor, visit, h.rescheduleCount > 0);
      await this.events.recorded(em, actor, visit);
      if (held && h.followUp)
        await this.events.followedUp(em, actor, visit, h.followUp.kind, h.followUp.on, 'recorded', null);
      return visit;
    });
  }

  /** Only an arrival counselling team, acting for arrival counselling, plans and records visits. */
  private async requireTeam(actor: Actor): Promise<void> {
    if (actor.purpose !== PURPOSE)
      throw new AppError('FORBIDDEN', `Arrival visits are recorded for the purpose ${PURPOSE}`, {
        purpose: actor.purpose,
      });
    if (!(await this.hub.isArrivalTeam(actor.partner)))
      throw new AppError('FORBIDDEN', 'Only an arrival counselling team (social services) records arrival visits', {
        purpose: actor.purpose,
      });
  }

  /**
   * The referrals named as made at the visit: each sent by the team for a member of the family
   * (its household, or the visited person), in any status but a draft.
   */
  private async referralsMade(actor: Actor, members: Set<string>, ids: string[]): Promise<ArrivalReferral[]> {
    if (!ids.length) return [];
    const found = await Promise.all(ids.map((id) => this.hub.referral(id)));
    const bad = ids.filter(
      (_, i) =>
        !found[i] ||
        found[i].sender !== actor.partner ||
        !members.has(found[i].personId) ||
        found[i].status === 'draft',
    );
    if (bad.length)
      throw new AppError(
        'BAD_USER_INPUT',
        `referralIds must name referrals you sent for members of the family: ${bad.join(', ')}`,
        { field: 'referralIds', referralIds: bad },
      );
    return found as ArrivalReferral[];
  }

  /** The visited family: the household's members, or the person alone. */
  private async members(visit: ArrivalVisitEntity): Promise<Set<string>> {
    const members = new Set([visit.personId]);
    if (visit.householdId) {
      const rows = await this.ds.getRepository(PersonEntity).findBy({ householdId: visit.householdId });
      for (const p of rows) members.add(p.id);
    }
    return members;
  }

  /**
   * The team's own visit, if the actor may see its person; NOT_FOUND otherwise. Asked before the
   * transaction: the decision point reads the hub on a pooled connection of its own.
   */
  private async visible(actor: Actor, em: EntityManager, id: string): Promise<ArrivalVisitEntity> {
    const visit = await em.getRepository(ArrivalVisitEntity).findOneBy({ id, partner: actor.partner });
    if (!visit || !(await this.pdp.mayKnow(actor, visit.personId))) throw notFound('Arrival visit', id, 'visitId');
    return visit;
  }

  /** The visit seen by `visible`, locked for the step. */
  private async lock(actor: Actor, em: EntityManager, id: string): Promise<ArrivalVisitEntity> {
    const visit = await em
      .getRepository(ArrivalVisitEntity)
      .createQueryBuilder('v')
      .where('v.id = :id AND v.partner = :partner', { id, partner: actor.partner })
      .setLock('pessimistic_write')
      .getOne();
    if (!visit) throw notFound('Arrival visit', id, 'visitId');
    return visit;
  }
}

/** A step out of order: names the status and what may be done now. */
function conflict(v: ArrivalVisitEntity, message: string): AppError {
  return new AppError('CONFLICT', `${message} (status ${v.status})`, {
    field: 'visitId',
    status: v.status,
    followUp: v.followUpKind,
    allowedActions: allowedArrivalActions(v),
  });
}

/** A visit of the past as the demo data records it (src/seed/demo-arrival.ts). */
export interface HistoricVisit {
  personId: string;
  householdId: string | null;
  firstPlannedOn: string;
  plannedOn: string;
  rescheduleCount: number;
  heldOn: string | null;
  notHeldReason: NotHeldReason | null;
  welcomeFolder: boolean | null;
  topics: Topic[];
  followUp: { kind: FollowUpKind; on: string | null } | null;
}
