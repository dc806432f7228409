import { DataSource, QueryFailedError } from 'typeorm';
import { Actor } from '../../../shared/actor';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { Clock, isoDay } from '../../../shared/time';
import { InputCheck } from '../../shared/validation';
import { PersonService } from '../person/person.service';
import { CaseEntity, CaseGoalEntity } from './case.entity';
import { CaseService, WORKER_REF } from './case.service';
import { EUMA_GOALS, EUMA_RECEIVER_KIND, EUMA_TRANSFER, eumaAgeDay, inEumaAge, UNASSIGNED_WORKER } from './euma.state';
import { CaseDeps } from './help-plan.ports';

/** What an accepted transfer led to (logged as a code; tests read it). */
export type EumaOutcome =
  | 'opened'
  | 'already_opened'
  | 'not_euma'
  | 'receiver_not_social_services'
  | 'person_unknown'
  | 'age_outside'
  | 'open_case_exists';

export interface ConfirmWorkingAlliance {
  caseId: string;
  workerRef: string;
  allianceSignedOn: string | Date;
}

/**
 * The eUMA track (docs/case-management-help-plan.md): an accepted youth_to_adult transfer to the
 * advice & support team opens the team's case for the young adult, before any agreement is signed
 * (no worker assigned yet), with the concept's three goals as proposals. The case manager then
 * signs the working alliance (confirmWorkingAlliance) and agrees on the goals.
 */
export class EumaService {
  constructor(
    private readonly ds: DataSource,
    private readonly cases: CaseService,
    private readonly persons: PersonService,
    private readonly clock: Clock,
    private readonly deps: CaseDeps,
  ) {}

  /**
   * Called by the events worker for every referral status change, as the hub (`system`); opens the
   * case as the receiver. Idempotent: the case names its transfer (unique), a redelivery opens none.
   */
  async onTransferStatus(
    system: Actor,
    change: { referralId: string; kind: string; to: string; receiver: string; referralType: string },
    acceptedAt: Date,
  ): Promise<EumaOutcome> {
    if (change.kind !== 'transfer' || change.to !== 'accepted' || change.referralType !== EUMA_TRANSFER.referralType)
      return 'not_euma';
    if (await this.ds.manager.existsBy(CaseEntity, { sourceReferralId: change.referralId })) return 'already_opened';
    const [transfer, receiver] = await Promise.all([
      this.deps.referrals.referral(change.referralId),
      this.deps.referrals.provider(change.receiver),
    ]);
    if (!transfer || transfer.kind !== 'transfer' || transfer.purpose !== EUMA_TRANSFER.purpose) return 'not_euma';
    if (!receiver || receiver.kind !== EUMA_RECEIVER_KIND) return this.outcome(change, 'receiver_not_social_services');
    // The receiver holds the case: it acts as the receiver, for case management.
    const actor: Actor = { ...system, partner: transfer.receiver, purpose: EUMA_TRANSFER.purpose };
    const person = await this.persons.get(actor, transfer.personId);
    if (!person) return this.outcome(change, 'person_unknown');
    if (!person.birthDate) {
      // Many young refugees have no reliable birth date: the transfer says youth welfare hands over a young adult.
      this.deps.log.info({ referralId: change.referralId }, 'eUMA case opened without a birth date: age not checked');
    } else if (!inEumaAge(person.birthDate, eumaAgeDay(isoDay(acceptedAt), transfer.dueOn))) {
      return this.outcome(change, 'age_outside');
    }
    try {
      await this.ds.transaction(async (em) => {
        const c = await this.cases.open(
          actor,
          { personId: person.id, workerRef: UNASSIGNED_WORKER, allianceSignedOn: null },
          { track: 'euma', sourceReferralId: transfer.id, em },
        );
        const now = this.clock.now();
        const goals: CaseGoalEntity[] = EUMA_GOALS.map((g) => ({
          id: newId(),
          caseId: c.id,
          personId: c.personId,
          domain: g.domain,
          wording: g.wording,
          agreedOn: null,
          targetOn: null,
          status: 'proposed',
          createdAt: now,
          updatedAt: now,
        }));
        await em.insert(CaseGoalEntity, goals);
      });
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string })?.code === '23505')
        return 'already_opened';
      // The young adult already has an open case with the team: it goes on there.
      if (err instanceof AppError && err.extensions.code === 'CONFLICT')
        return this.outcome(change, 'open_case_exists');
      throw err;
    }
    return this.outcome(change, 'opened');
  }

  /** Signs the working alliance of a case opened from a transfer, naming its case manager. */
  async confirmWorkingAlliance(actor: Actor, input: ConfirmWorkingAlliance): Promise<CaseEntity> {
    const check = new InputCheck(this.clock.now());
    check.require(
      WORKER_REF.test(input.workerRef ?? '') && input.workerRef !== UNASSIGNED_WORKER,
      'workerRef is a code like cm-17 (no names)',
      'workerRef',
    );
    const signed = check.day(input.allianceSignedOn, 'allianceSignedOn');
    if (signed && signed > isoDay(this.clock.now()))
      check.refuse('allianceSignedOn lies in the future: sign the agreement first', 'allianceSignedOn');
    check.done();
    return this.cases.step(actor, input.caseId, 'confirmWorkingAlliance', async (em, c) => {
      if (signed < isoDay(c.openedAt))
        throw new AppError('BAD_USER_INPUT', 'allianceSignedOn lies before the case was opened', {
          field: 'allianceSignedOn',
        });
      c.allianceSignedOn = signed;
      c.workerRef = input.workerRef;
      await this.cases.event(em, actor, 'case.alliance_confirmed', c, {});
      return c;
    });
  }

  private outcome(change: { referralId: string }, outcome: EumaOutcome): EumaOutcome {
    this.deps.log.info({ referralId: change.referralId, outcome }, 'eUMA transfer accepted');
    return outcome;
  }
}
