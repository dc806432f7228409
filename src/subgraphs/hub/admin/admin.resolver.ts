import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { isoDay } from '../../../shared/time';
import { HubContext } from '../hub.context';
import { PartnerEntity } from '../partner/partner.entity';
import {
  Change,
  Configuration,
  CooperationAgreementChange,
  LegalBasisChange,
  PartnerChange,
  PartnerSettings,
  RetentionRuleChange,
  RetentionRuleType,
  UpsertCooperationAgreementInput,
  UpsertLegalBasisInput,
  UpsertPartnerInput,
  UpsertRetentionRuleInput,
} from './admin.types';

const day = (d: Date | null | undefined): string | null => (d ? isoDay(d) : null);

const settings = (p: PartnerEntity | null): PartnerSettings | null =>
  p && {
    ...p,
    contact: p.contact
      ? { name: p.contact.name ?? null, email: p.contact.email ?? null, phone: p.contact.phone ?? null }
      : null,
  };

const partnerChange = (c: Change<PartnerEntity>): PartnerChange => ({
  changed: c.changed,
  before: settings(c.before),
  after: settings(c.after),
});

/** The admin API: the city's configuration, for an operator partner (scope admin:manage). */
@Resolver()
export class AdminResolver {
  @Query(() => Configuration, {
    description:
      'The whole configuration: partners (with scopes and contact), legal bases, cooperation agreements and retention rules, inactive, revoked and ended ones included (scope admin:manage)',
  })
  async configuration(@Ctx() ctx: HubContext): Promise<Configuration> {
    const s = await ctx.services.configuration.snapshot(ctx.actor);
    return {
      partners: s.partners.map((p) => settings(p)!),
      legalBases: s.legalBases,
      cooperationAgreements: s.agreements,
      retentionRules: s.retentionRules,
    };
  }

  @Query(() => [RetentionRuleType], {
    description: 'Retention rules: how long each kind of record is kept, and what happens then (not personal data)',
  })
  retentionRules(@Ctx() ctx: HubContext) {
    return ctx.services.configuration.retentionRules(ctx.actor);
  }

  @Mutation(() => PartnerChange, { description: 'Create or update a partner by its slug (scope admin:manage)' })
  async upsertPartner(@Arg('input', () => UpsertPartnerInput) input: UpsertPartnerInput, @Ctx() ctx: HubContext) {
    return partnerChange(await ctx.services.configuration.upsertPartner(ctx.actor, input));
  }

  @Mutation(() => PartnerChange, {
    description: 'Deactivate a partner: its tokens are refused from the next request on (scope admin:manage)',
  })
  async deactivatePartner(@Arg('slug', () => String) slug: string, @Ctx() ctx: HubContext) {
    return partnerChange(await ctx.services.configuration.deactivatePartner(ctx.actor, slug));
  }

  @Mutation(() => LegalBasisChange, { description: 'Create or update a legal basis (scope admin:manage)' })
  upsertLegalBasis(@Arg('input', () => UpsertLegalBasisInput) input: UpsertLegalBasisInput, @Ctx() ctx: HubContext) {
    return ctx.services.configuration.upsertLegalBasis(ctx.actor, {
      ...input,
      validFrom: day(input.validFrom),
      validUntil: day(input.validUntil),
    });
  }

  @Mutation(() => LegalBasisChange, {
    description: 'Revoke a legal basis: it allows nothing from the next request on (scope admin:manage)',
  })
  revokeLegalBasis(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext) {
    return ctx.services.configuration.revokeLegalBasis(ctx.actor, id);
  }

  @Mutation(() => CooperationAgreementChange, {
    description: 'Create or update a cooperation agreement (scope admin:manage)',
  })
  upsertCooperationAgreement(
    @Arg('input', () => UpsertCooperationAgreementInput) input: UpsertCooperationAgreementInput,
    @Ctx() ctx: HubContext,
  ) {
    return ctx.services.configuration.upsertCooperationAgreement(ctx.actor, {
      ...input,
      validFrom: day(input.validFrom),
      validUntil: day(input.validUntil),
    });
  }

  @Mutation(() => RetentionRuleChange, { description: 'Create or update a retention rule (scope admin:manage)' })
  upsertRetentionRule(
    @Arg('input', () => UpsertRetentionRuleInput) input: UpsertRetentionRuleInput,
    @Ctx() ctx: HubContext,
  ) {
    return ctx.services.configuration.upsertRetentionRule(ctx.actor, input);
  }
}
