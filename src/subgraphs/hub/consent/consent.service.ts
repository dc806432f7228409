import { DataSource, In } from 'typeorm';
import { Actor } from '../../../shared/actor';
import { notFound } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { Outbox } from '../../../events/outbox.service';
import type { KnownPersons } from '../../../policy/policy.service';
import { isCategory, isPurpose } from '../../../policy/policy.vocabulary';
import { InputCheck } from '../../shared/validation';
import { PartnerEntity } from '../partner/partner.entity';
import { ConsentEntity } from './consent.entity';
import { RecordConsentInput, WithdrawConsentInput } from './consent.types';

export class ConsentService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly persons: KnownPersons,
  ) {}

  isActive(c: ConsentEntity): boolean {
    const now = this.clock.now();
    return !c.withdrawnAt && c.givenAt <= now && (!c.validUntil || c.validUntil > now);
  }

  forPersons(personIds: readonly string[]): Promise<ConsentEntity[]> {
    return this.ds
      .getRepository(ConsentEntity)
      .find({ where: { personId: In(personIds.filter(isUuid)) }, order: { givenAt: 'DESC' } });
  }

  async record(actor: Actor, input: RecordConsentInput): Promise<ConsentEntity> {
    requireScope(actor, 'consent:write');
    // Every refused field in one answer.
    const check = new InputCheck();
    check.require(isUuid(input.personId), 'personId is not a valid id', 'personId');
    check.require(isPurpose(input.purpose), `Unknown purpose ${input.purpose}`, 'purpose');
    const categories = [...new Set(input.categories)];
    check.require(
      categories.length > 0 && categories.every((c) => isCategory(c)),
      'categories must name known data categories',
      'categories',
    );
    const recipients = [...new Set(input.recipients)];
    const known = await this.ds.getRepository(PartnerEntity).countBy({ slug: In(recipients) });
    check.require(
      recipients.length > 0 && known === recipients.length,
      'recipients must name known partners',
      'recipients',
    );
    const now = this.clock.now();
    const givenAt = input.givenAt ?? now;
    check.require(givenAt <= now, 'givenAt lies in the future', 'givenAt');
    if (input.validUntil) check.require(input.validUntil > givenAt, 'validUntil must lie after givenAt', 'validUntil');
    const givenBy = input.givenBy ?? 'person';
    check.require(givenBy === 'person' || givenBy === 'guardian', 'givenBy is person or guardian', 'givenBy');
    check.require(
      input.evidenceRef.trim().length > 0,
      'evidenceRef must say where the consent is documented',
      'evidenceRef',
    );
    check.done();
    if (!(await this.persons.knowsPerson(actor, input.personId))) throw notFound('Person', input.personId, 'personId');
    const row: ConsentEntity = {
      id: newId(),
      personId: input.personId,
      purpose: input.purpose,
      recipients,
      categories,
      givenAt,
      validUntil: input.validUntil ?? null,
      withdrawnAt: null,
      withdrawalReason: null,
      evidenceRef: input.evidenceRef.trim(),
      givenBy,
      recordedBy: actor.partner,
      recordedAt: now,
    };
    return this.ds.transaction(async (em) => {
      await em.insert(ConsentEntity, row);
      await this.outbox.append(em, actor, {
        type: 'consent.given',
        personId: row.personId,
        aggregateType: 'Consent',
        aggregateId: row.id,
        payload: { personId: row.personId, consentId: row.id, purpose: row.purpose, recipients, categories },
      });
      return row;
    });
  }

  /** Effective at once for reads (the decision point only counts active consents); idempotent. */
  async withdraw(actor: Actor, input: WithdrawConsentInput): Promise<ConsentEntity> {
    requireScope(actor, 'consent:write');
    if (!isUuid(input.consentId)) throw notFound('Consent', input.consentId, 'consentId');
    return this.ds.transaction(async (em) => {
      const row = await em
        .getRepository(ConsentEntity)
        .findOne({ where: { id: input.consentId }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw notFound('Consent', input.consentId, 'consentId');
      if (row.withdrawnAt) return row;
      row.withdrawnAt = this.clock.now();
      row.withdrawalReason = input.reason?.trim() || null;
      await em.update(
        ConsentEntity,
        { id: row.id },
        { withdrawnAt: row.withdrawnAt, withdrawalReason: row.withdrawalReason },
      );
      await this.outbox.append(em, actor, {
        type: 'consent.withdrawn',
        personId: row.personId,
        aggregateType: 'Consent',
        aggregateId: row.id,
        payload: {
          personId: row.personId,
          consentId: row.id,
          purpose: row.purpose,
          recipients: row.recipients,
          categories: row.categories,
        },
      });
      return row;
    });
  }
}
