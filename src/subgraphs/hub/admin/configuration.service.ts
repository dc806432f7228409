import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AuditLog } from '../../../audit/audit.service';
import { RetentionTask } from '../../../retention/retention.types';
import { Actor } from '../../../shared/actor';
import { AppError, badInput, notFound } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { CooperationAgreementEntity } from '../agreement/agreement.entity';
import { LegalBasisEntity } from '../legal-basis/legal-basis.entity';
import { PartnerEntity } from '../partner/partner.entity';
import { PartnerKind } from '../partner/partner.types';
import { AgreementSpec, Change, LegalBasisSpec, PartnerSpec, RetentionRuleRow, RetentionRuleSpec } from './admin.types';
import { configurationAudit, Entity } from './configuration.audit';
import {
  AGREEMENT_FIELDS,
  BASIS_FIELDS,
  changedFields,
  PARTNER_FIELDS,
  readRules,
  RULE_FIELDS,
} from './configuration.rows';
import {
  ADMIN_SCOPE,
  BASIS_DEFAULT_FROM,
  checkAgreement,
  checkLegalBasis,
  checkPartner,
  checkRetentionRule,
  dayText,
} from './configuration.validation';

/**
 * Which official keys (AGS) the municipality register knows. The city subgraph owns the register;
 * the container wires its service in, the hub never reads the city schema (ADR 0007).
 */
export interface MunicipalityRegister {
  knownKeys(keys: readonly string[]): Promise<string[]>;
}

export interface ConfigurationDeps {
  audit: AuditLog;
  clock: Clock;
  municipalities: MunicipalityRegister;
  /** The retention tasks, whose abilities a rule is checked against (the retention service's own check). */
  retentionTasks: () => readonly RetentionTask[];
}

export interface ConfigurationSnapshot {
  partners: PartnerEntity[];
  legalBases: LegalBasisEntity[];
  agreements: CooperationAgreementEntity[];
  retentionRules: RetentionRuleRow[];
}

/** pg_advisory_xact_lock key: configuration writes happen one after the other (an arbitrary constant used nowhere else). */
const CONFIGURATION_LOCK = `SELECT pg_advisory_xact_lock(7416128380519202)`;

/**
 * The city's configuration: partners, legal bases, cooperation agreements and retention rules, as
 * an operator (a partner of kind operator holding admin:manage) or the hub itself (CLI, seeding)
 * changes them. Every write is validated in full before anything is written, serialised with the
 * other configuration writes, audited (kind `configuration`, the row before and after) in the
 * same transaction, and skipped entirely when the input equals what is stored (`changed: false`),
 * which makes applying the same declaration twice a no-op. With `em` a write joins the caller's
 * transaction on the hub's DataSource (`lotse apply` runs a whole file in one).
 */
export class ConfigurationService {
  constructor(
    private readonly ds: DataSource,
    private readonly deps: ConfigurationDeps,
  ) {}

  transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  async upsertPartner(actor: Actor, input: PartnerSpec, em?: EntityManager): Promise<Change<PartnerEntity>> {
    const keys = [input.municipalityKey, ...(Array.isArray(input.jurisdiction) ? input.jurisdiction : [])];
    const known = new Set(await this.deps.municipalities.knownKeys(keys.filter((k) => typeof k === 'string')));
    return this.write(actor, em, async (tx) => {
      const row = checkPartner(input, known);
      const repo = tx.getRepository(PartnerEntity);
      const before = await repo.findOneBy({ slug: row.slug });
      if (before && !changedFields(before, row as PartnerEntity, PARTNER_FIELDS).length)
        return { before, after: before, changed: false };
      const after: PartnerEntity = { ...row, createdAt: before?.createdAt ?? this.deps.clock.now() };
      await repo.save(after);
      this.audit(tx, actor, 'upsertPartner', 'partner', row.slug, before, after, PARTNER_FIELDS);
      return { before, after, changed: true };
    });
  }

  /** The partner's tokens are refused at once: every gateway drops it from its cache on commit (LISTEN lotse_partner). */
  async deactivatePartner(actor: Actor, slug: string, em?: EntityManager): Promise<Change<PartnerEntity>> {
    return this.write(actor, em, async (tx) => {
      const repo = tx.getRepository(PartnerEntity);
      const before = typeof slug === 'string' ? await repo.findOneBy({ slug }) : null;
      if (!before) throw notFound('Partner', String(slug), 'slug');
      if (slug === actor.partner) throw badInput('An operator cannot deactivate its own partner', 'slug');
      if (!before.active) return { before, after: before, changed: false };
      const after: PartnerEntity = { ...before, active: false };
      await repo.update({ slug }, { active: false });
      this.audit(tx, actor, 'deactivatePartner', 'partner', slug, before, after, PARTNER_FIELDS);
      return { before, after, changed: true };
    });
  }

  async upsertLegalBasis(actor: Actor, input: LegalBasisSpec, em?: EntityManager): Promise<Change<LegalBasisEntity>> {
    return this.write(actor, em, async (tx) => {
      const repo = tx.getRepository(LegalBasisEntity);
      const inForce = await repo.find({ where: { revokedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
      let before: LegalBasisEntity | null = null;
      if (input.id) {
        before = isUuid(input.id) ? await repo.findOneBy({ id: input.id }) : null;
        if (before?.revokedAt)
          throw badInput('This legal basis was revoked; a revoked basis stays revoked, add a new one', 'id');
      } else {
        const source = input.sourcePartner || null;
        const from = dayText(input.validFrom) ?? BASIS_DEFAULT_FROM;
        before =
          inForce.find(
            (b) =>
              b.recipientPartner === input.recipientPartner &&
              b.category === input.category &&
              b.purpose === input.purpose &&
              b.sourcePartner === source &&
              b.whileReferralOpen === (input.whileReferralOpen ?? false) &&
              b.validFrom === from,
          ) ?? null;
      }
      const partners = await this.partnerMap(tx);
      const row = checkLegalBasis(
        input,
        partners,
        inForce.filter((b) => b.id !== before?.id),
      );
      if (before && !changedFields(before, row as LegalBasisEntity, BASIS_FIELDS).length)
        return { before, after: before, changed: false };
      const after: LegalBasisEntity = {
        ...row,
        id: before?.id ?? input.id ?? newId(),
        createdAt: before?.createdAt ?? this.deps.clock.now(),
        revokedAt: null,
      };
      await repo.save(after);
      this.audit(tx, actor, 'upsertLegalBasis', 'legal_basis', after.id, before, after, BASIS_FIELDS);
      return { before, after, changed: true };
    });
  }

  /** Effective on the next request: the policy decision point reads only bases not revoked, per request. */
  async revokeLegalBasis(actor: Actor, id: string, em?: EntityManager): Promise<Change<LegalBasisEntity>> {
    return this.write(actor, em, async (tx) => {
      const repo = tx.getRepository(LegalBasisEntity);
      const before = typeof id === 'string' && isUuid(id) ? await repo.findOneBy({ id }) : null;
      if (!before) throw notFound('Legal basis', String(id), 'id');
      if (before.revokedAt) return { before, after: before, changed: false };
      const after: LegalBasisEntity = { ...before, revokedAt: this.deps.clock.now() };
      await repo.update({ id }, { revokedAt: after.revokedAt });
      this.audit(tx, actor, 'revokeLegalBasis', 'legal_basis', id, before, after, [...BASIS_FIELDS, 'revokedAt']);
      return { before, after, changed: true };
    });
  }

  async upsertCooperationAgreement(
    actor: Actor,
    input: AgreementSpec,
    em?: EntityManager,
  ): Promise<Change<CooperationAgreementEntity>> {
    return this.write(actor, em, async (tx) => {
      const repo = tx.getRepository(CooperationAgreementEntity);
      const today = this.today();
      let before: CooperationAgreementEntity | null;
      if (input.id) before = isUuid(input.id) ? await repo.findOneBy({ id: input.id }) : null;
      else {
        const from = dayText(input.validFrom);
        const same = (await repo.findBy({ receiver: input.receiver, referralType: input.referralType })).filter((a) =>
          // Without a start date the declaration means the agreement in force (or coming), whenever it started.
          from ? a.validFrom === from : a.validUntil === null || a.validUntil >= today,
        );
        before = same.length === 1 ? same[0] : null;
      }
      const spec = { ...input, validFrom: dayText(input.validFrom) ?? before?.validFrom ?? today };
      const row = checkAgreement(spec, await this.partnerMap(tx), today);
      if (before && !changedFields(before, row as CooperationAgreementEntity, AGREEMENT_FIELDS).length)
        return { before, after: before, changed: false };
      const after: CooperationAgreementEntity = {
        ...row,
        id: before?.id ?? input.id ?? newId(),
        createdAt: before?.createdAt ?? this.deps.clock.now(),
      };
      await repo.save(after);
      this.audit(
        tx,
        actor,
        'upsertCooperationAgreement',
        'cooperation_agreement',
        after.id,
        before,
        after,
        AGREEMENT_FIELDS,
      );
      return { before, after, changed: true };
    });
  }

  /**
   * Ends the agreement's validity yesterday, so referrals sent from today on are not held to it;
   * deadlines of referrals already sent under it stay. One that has not started yet and governs
   * no referral is deleted (after: null).
   */
  async endCooperationAgreement(
    actor: Actor,
    id: string,
    em?: EntityManager,
  ): Promise<Change<CooperationAgreementEntity>> {
    return this.write(actor, em, async (tx) => {
      const repo = tx.getRepository(CooperationAgreementEntity);
      const before = typeof id === 'string' && isUuid(id) ? await repo.findOneBy({ id }) : null;
      if (!before) throw notFound('Cooperation agreement', String(id), 'id');
      const yesterday = isoDay(new Date(this.deps.clock.now().getTime() - 86_400_000));
      if (before.validUntil !== null && before.validUntil <= yesterday)
        return { before, after: before, changed: false };
      let after: CooperationAgreementEntity | null;
      if (before.validFrom <= yesterday) {
        after = { ...before, validUntil: yesterday };
        await repo.update({ id }, { validUntil: yesterday });
      } else {
        const [{ used }]: Array<{ used: boolean }> = await tx.query(
          'SELECT EXISTS (SELECT 1 FROM hub.referral_deadline WHERE agreement_id = $1) AS used',
          [id],
        );
        // Started today and already governs a referral: it ends with today, the earliest day the row allows.
        after = used ? { ...before, validUntil: before.validFrom } : null;
        if (after) await repo.update({ id }, { validUntil: after.validUntil });
        else await repo.delete({ id });
      }
      this.audit(tx, actor, 'endCooperationAgreement', 'cooperation_agreement', id, before, after, AGREEMENT_FIELDS);
      return { before, after, changed: true };
    });
  }

  async upsertRetentionRule(
    actor: Actor,
    input: RetentionRuleSpec,
    em?: EntityManager,
  ): Promise<Change<RetentionRuleRow>> {
    return this.write(actor, em, async (tx) => {
      const rules = await this.rules(tx);
      const before =
        (input.id
          ? rules.find((r) => r.id === input.id)
          : rules.find(
              (r) =>
                r.recordType === input.recordType &&
                r.category === input.category &&
                (r.purpose ?? null) === (input.purpose || null),
            )) ?? null;
      const id = before?.id ?? (input.id && isUuid(input.id) ? input.id : newId());
      const row = checkRetentionRule(
        input,
        id,
        rules.filter((r) => r.id !== id),
        this.deps.retentionTasks(),
      );
      if (before && !changedFields(before, row, RULE_FIELDS).length) return { before, after: before, changed: false };
      await tx.query(
        `INSERT INTO hub.retention_rule (id, record_type, category, purpose, retain_days, action, description, statute)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET record_type = $2, category = $3, purpose = $4, retain_days = $5, action = $6,
           description = $7, statute = $8`,
        [id, row.recordType, row.category, row.purpose, row.retainDays, row.action, row.description, row.statute],
      );
      this.audit(tx, actor, 'upsertRetentionRule', 'retention_rule', id, before, row, RULE_FIELDS);
      return { before, after: row, changed: true };
    });
  }

  async removeRetentionRule(actor: Actor, id: string, em?: EntityManager): Promise<Change<RetentionRuleRow>> {
    return this.write(actor, em, async (tx) => {
      const before = (await this.rules(tx)).find((r) => r.id === id) ?? null;
      if (!before) throw notFound('Retention rule', String(id), 'id');
      await tx.query('DELETE FROM hub.retention_rule WHERE id = $1', [id]);
      this.audit(tx, actor, 'removeRetentionRule', 'retention_rule', id, before, null, RULE_FIELDS);
      return { before, after: null, changed: true };
    });
  }

  /** Everything, inactive partners, revoked bases and ended agreements included, in a stable order. */
  async snapshot(actor: Actor): Promise<ConfigurationSnapshot> {
    await this.authorize(actor, this.ds.manager);
    return this.ds.transaction('REPEATABLE READ', async (tx) => ({
      partners: await tx.getRepository(PartnerEntity).find({ order: { slug: 'ASC' } }),
      legalBases: await tx.getRepository(LegalBasisEntity).find({
        order: { recipientPartner: 'ASC', purpose: 'ASC', category: 'ASC', validFrom: 'ASC', id: 'ASC' },
      }),
      agreements: await tx.getRepository(CooperationAgreementEntity).find({
        order: { receiver: 'ASC', referralType: 'ASC', validFrom: 'ASC', id: 'ASC' },
      }),
      retentionRules: await this.rules(tx),
    }));
  }

  /** Retention rules are not personal data: readable with partners:read, as the register of legal bases is. */
  async retentionRules(actor: Actor): Promise<RetentionRuleRow[]> {
    requireScope(actor, 'partners:read');
    return this.rules(this.ds.manager);
  }

  private rules(em: EntityManager): Promise<RetentionRuleRow[]> {
    return readRules(em);
  }

  private async partnerMap(em: EntityManager): Promise<Map<string, PartnerEntity>> {
    return new Map((await em.getRepository(PartnerEntity).find()).map((p) => [p.slug, p]));
  }

  private today(): string {
    return isoDay(this.deps.clock.now());
  }

  /**
   * admin:manage, held by an active partner of kind operator; the hub itself (scope `*`: CLI,
   * seeding) passes. The partner row is read again so a scope granted by mistake to another kind
   * of partner opens nothing.
   */
  private async authorize(actor: Actor, em: EntityManager): Promise<void> {
    if (actor.scopes.includes('*')) return;
    requireScope(actor, ADMIN_SCOPE);
    const [row]: Array<{ kind: string; active: boolean }> = await em.query(
      'SELECT kind, active FROM hub.partner WHERE slug = $1',
      [actor.partner],
    );
    if (row?.kind !== PartnerKind.operator || !row.active)
      throw new AppError('FORBIDDEN', `${ADMIN_SCOPE} is held only by an operator partner`, { scope: ADMIN_SCOPE });
  }

  private async write<T>(
    actor: Actor,
    em: EntityManager | undefined,
    fn: (tx: EntityManager) => Promise<Change<T>>,
  ): Promise<Change<T>> {
    const run = async (tx: EntityManager) => {
      await this.authorize(actor, tx);
      await tx.query(CONFIGURATION_LOCK);
      return fn(tx);
    };
    return em ? run(em) : this.ds.transaction(run);
  }

  private audit<T extends object>(
    tx: EntityManager,
    actor: Actor,
    operation: string,
    entity: Entity,
    key: string,
    before: T | null,
    after: T | null,
    fields: readonly string[],
  ): void {
    const changed =
      before && after ? changedFields(before, after, fields as readonly (keyof T & string)[]) : [...fields];
    this.deps.audit.appendAtCommit(tx, [configurationAudit(actor, operation, entity, key, before, after, changed)]);
  }
}
