import { HubReferrals1764600000000 } from './migrations/1764600000000-hub-referrals';
import { ReferralEntity } from './referral/referral.entity';
import { PersonReferralResolver, ReferralResolver } from './referral/referral.resolver';
import { PersonCaseOwnerResolver } from './referral/case-owner.resolver';
import { ReferralService } from './referral/referral.service';
import { CourseCapacity } from './referral/referral.capacity';
import { HubGrants1764500000000 } from './migrations/1764500000000-hub-grants';
import { DataSource } from 'typeorm';
import { Actor } from '../../shared/actor';
import { OutboxEvent } from '../../events/outbox.entity';
import { buildFederatedSchema } from '../federation';
import { Subgraph, SubgraphDeps } from '../subgraph';
import { BiographyEntryEntity } from './biography/biography.entity';
import { BiographyResolver } from './biography/biography.resolver';
import { BiographyService } from './biography/biography.service';
import { createHubLoaders, HubContext, HubServices } from './hub.context';
import { HubPerson } from './hub.person';
import { PersonIdentifierEntity } from './identifier/identifier.entity';
import { PersonIdentifierResolver } from './identifier/identifier.resolver';
import { IdentifierService } from './identifier/identifier.service';
import { HubInitial1764000000000 } from './migrations/1764000000000-hub-initial';
import { PartnerEntity } from './partner/partner.entity';
import { PartnerResolver } from './partner/partner.resolver';
import { PartnerService } from './partner/partner.service';
import { ConsentEntity } from './consent/consent.entity';
import { ConsentResolver, PersonConsentResolver } from './consent/consent.resolver';
import { ConsentService } from './consent/consent.service';
import { LegalBasisEntity } from './legal-basis/legal-basis.entity';
import { LegalBasisResolver } from './legal-basis/legal-basis.resolver';
import { LegalBasisService } from './legal-basis/legal-basis.service';
import { AccessReportResolver, PersonAccessReportResolver } from './access-report/access-report.resolver';
import { AccessReportService } from './access-report/access-report.service';
import { HubDataProtection1764100000000 } from './migrations/1764100000000-hub-data-protection';
import { HubRetention1764300000000 } from './migrations/1764300000000-hub-retention';
import { HubTrustedDocuments1764400000000 } from './migrations/1764400000000-hub-trusted-documents';
import { TrustedDocumentEntity } from './trusted-document/trusted-document.entity';
import { TrustedDocumentService } from './trusted-document/trusted-document.service';
import { CooperationAgreementEntity, ReferralDeadlineEntity } from './agreement/agreement.entity';
import { AgreementResolver, ReferralDeadlineResolver } from './agreement/agreement.resolver';
import { DeadlineTimers } from './agreement/agreement.rules';
import { AgreementService } from './agreement/agreement.service';
import { HubAgreements1764700000000 } from './migrations/1764700000000-hub-agreements';
import { HubRules1764800000000 } from './migrations/1764800000000-hub-rules';
import { HubReferralBoundBases1764920000000 } from './migrations/1764920000000-hub-referral-bound-bases'; // referral-bound legal bases
import { HubReferralDuePool1764930000000 } from './migrations/1764930000000-hub-referral-due-pool';
import { HubTransferAccepted1764955000000 } from './migrations/1764955000000-hub-transfer-accepted';
import { HubWebhookConcurrency1764960000000 } from './migrations/1764960000000-hub-webhook-concurrency';
import { HubPartnerNotify1765200000000 } from './migrations/1765200000000-hub-partner-notify';
import { HubConfiguration1765210000000 } from './migrations/1765210000000-hub-configuration';
import { HubRetentionNotices1764940000000 } from './migrations/1764940000000-hub-retention-notices';
import { HubNotifications1764910000000 } from './migrations/1764910000000-hub-notifications';
import { NotificationEntity } from './notification/notification.entity';
import { NotificationResolver } from './notification/notification.resolver';
import { NotificationService } from './notification/notification.service';
import { HubWebhooks1764900000000 } from './migrations/1764900000000-hub-webhooks';
import { HubIdentifierHolders1765310000000 } from './migrations/1765310000000-hub-identifier-holders';
import { HubWebhookDetails1765440000000 } from './migrations/1765440000000-hub-webhook-details';
import {
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
  WebhookSecretEntity,
} from './webhook/webhook.entity';
import { WebhookResolver } from './webhook/webhook.resolver';
import { WebhookService, WebhookServiceDeps } from './webhook/webhook.service';
import { AdminResolver } from './admin/admin.resolver';
import { ConfigurationService, MunicipalityRegister } from './admin/configuration.service';
import { RetentionTask } from '../../retention/retention.types';
import { UpcomingHandoverResolver } from './worklist/upcoming-handover.resolver';
import { UpcomingHandoverService } from './worklist/upcoming-handover.service';
import type { PersonDirectory } from '../../shared/person-directory';
import type { RulesConfig } from '../../rules/rules';
import type { DuplicateChecks } from '../../shared/duplicate-checks';
import type { FeedbackLinks } from '../../shared/feedback-links';
import type { TransferCases } from '../../shared/transfer-cases';
import { EmployerEnquiryEntity } from './enquiry/enquiry.entity';
import { EnquiryResolver } from './enquiry/enquiry.resolver';
import { EnquiryService } from './enquiry/enquiry.service';
import { HubEnquiries1765460000000 } from './migrations/1765460000000-hub-enquiries';
import { HubRetentionCases1765510000000 } from './migrations/1765510000000-hub-retention-cases';
import { HubIndicatorFacts1765520000000 } from './migrations/1765520000000-hub-indicator-facts';
import { HubIndicatorBenchIndexes1765520000002 } from './migrations/1765520000002-hub-indicator-bench-indexes';
import { HubWebhookDeadIndex1765550000000 } from './migrations/1765550000000-hub-webhook-dead-index';
import type { ArrivalFollowUps } from '../../shared/arrival-follow-ups';
import { IndicatorFacts } from './indicator/indicator-facts.service';
import type { IndicatorSources } from './indicator/indicator.ports';
import { IndicatorOptions, IndicatorService } from './indicator/indicator.service';
import { IndicatorResolver } from './indicator/indicator.resolver';

export const hubEntities = [
  PartnerEntity,
  PersonIdentifierEntity,
  BiographyEntryEntity,
  ConsentEntity,
  LegalBasisEntity,
  TrustedDocumentEntity,
  ReferralEntity,
  CooperationAgreementEntity,
  ReferralDeadlineEntity,
  NotificationEntity /* notifications */,
  WebhookEndpointEntity,
  WebhookSecretEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity /* webhooks */,
  EmployerEnquiryEntity,
  OutboxEvent,
];
export const hubMigrations = [
  HubInitial1764000000000,
  HubDataProtection1764100000000,
  HubRetention1764300000000,
  HubTrustedDocuments1764400000000,
  HubGrants1764500000000,
  HubReferrals1764600000000,
  HubAgreements1764700000000,
  HubRules1764800000000,
  HubWebhooks1764900000000 /* webhooks */,
  HubNotifications1764910000000 /* notifications */,
  HubReferralBoundBases1764920000000,
  HubReferralDuePool1764930000000,
  HubRetentionNotices1764940000000,
  HubTransferAccepted1764955000000,
  HubWebhookConcurrency1764960000000,
  HubPartnerNotify1765200000000,
  HubConfiguration1765210000000,
  HubIdentifierHolders1765310000000,
  HubWebhookDetails1765440000000,
  HubEnquiries1765460000000,
  HubRetentionCases1765510000000,
  HubIndicatorFacts1765520000000,
  HubIndicatorBenchIndexes1765520000002,
  HubWebhookDeadIndex1765550000000,
];

export type HubSubgraph = Subgraph & { services: HubServices };

/** What only the hub's services need, built by the container from configuration, Redis and the other subgraphs. */
export interface HubDeps {
  /** The timers of agreement deadlines (the `sla` queue). */
  deadlineTimers: DeadlineTimers;
  webhooks: WebhookServiceDeps;
  /** The courses subgraph's answer to "how many seats" (ADR 0007): the hub never reads the courses schema. */
  capacity: CourseCapacity;
  /** The city subgraph's municipality register, for checking the keys a partner is configured with. */
  municipalities: MunicipalityRegister;
  /** The retention service's tasks, which a retention rule is checked against. */
  retentionTasks: () => readonly RetentionTask[];
  /** The city's persons (birth date, municipality) for the worklist of upcoming handovers, as the rules read them. */
  persons: PersonDirectory;
  /** Which rules run and their parameters: the worklist lists what they will do. */
  rules: RulesConfig;
  /** The city's duplicate checks (docs/duplicates.md): the hub never reads the city's persons itself. */
  duplicates: DuplicateChecks;
  /** The city's cases opened from accepted transfers (eUMA track): the hub never writes the city's tables. */
  transferCases: TransferCases;
  /** The city's arrival visits (docs/arrival-counselling.md): a referral sent may be a family's follow-up. */
  arrivals: ArrivalFollowUps;
  /** The city's client feedback: links made under a withdrawn consent go (docs/feedback.md). */
  feedbackLinks: FeedbackLinks;
  /** The city's and the courses' records the indicator facts are made from (container.indicators.ts). */
  indicatorSources: IndicatorSources;
  /** Small-number threshold and longest period of the report's indicators (default 5 and 24 months). */
  indicators?: IndicatorOptions;
}

/** Hub: partners, identifiers, biography, consent and legal bases, referrals and transfers, audit access. */
export async function buildHubSubgraph(ds: DataSource, deps: SubgraphDeps, hub: HubDeps): Promise<HubSubgraph> {
  const referrals = new ReferralService(ds, deps.outbox, deps.pdp, deps.clock, hub.capacity);
  const services: HubServices = {
    partners: new PartnerService(ds, deps.clock),
    identifiers: new IdentifierService(ds, deps.outbox, deps.clock, deps.pdp),
    biography: new BiographyService(ds, deps.clock),
    consents: new ConsentService(ds, deps.outbox, deps.clock, deps.pdp),
    legalBases: new LegalBasisService(ds, deps.clock),
    accessReport: new AccessReportService(ds, deps.audit),
    referrals,
    agreements: new AgreementService(ds, deps.outbox, referrals, deps.clock, hub.deadlineTimers),
    trustedDocuments: new TrustedDocumentService(ds, deps.clock),
    notifications: new NotificationService(ds, referrals, deps.pdp, deps.audit, deps.clock),
    webhooks: new WebhookService(ds, deps.pdp, deps.audit, deps.clock, hub.webhooks),
    configuration: new ConfigurationService(ds, {
      audit: deps.audit,
      clock: deps.clock,
      municipalities: hub.municipalities,
      retentionTasks: hub.retentionTasks,
    }),
    upcomingHandovers: new UpcomingHandoverService(ds, deps.clock, hub.persons, hub.rules),
    duplicates: hub.duplicates,
    transferCases: hub.transferCases,
    enquiries: new EnquiryService(ds, deps.outbox, deps.clock),
    arrivals: hub.arrivals,
    feedbackLinks: hub.feedbackLinks,
    indicatorFacts: new IndicatorFacts(ds, deps.clock, hub.indicatorSources),
    indicators: new IndicatorService(
      ds,
      deps.audit,
      deps.clock,
      hub.indicators ?? { minCount: 5, maxPeriodMonths: 24 },
    ),
  };
  const { schema, sdl } = await buildFederatedSchema(
    {
      resolvers: [
        PartnerResolver,
        PersonIdentifierResolver,
        BiographyResolver,
        PersonConsentResolver,
        ConsentResolver,
        LegalBasisResolver,
        AccessReportResolver,
        PersonAccessReportResolver,
        ReferralResolver,
        PersonReferralResolver,
        PersonCaseOwnerResolver,
        AgreementResolver,
        ReferralDeadlineResolver,
        NotificationResolver /* notifications */,
        WebhookResolver /* webhooks */,
        AdminResolver,
        UpcomingHandoverResolver,
        EnquiryResolver,
        IndicatorResolver,
      ],
      orphanedTypes: [HubPerson],
    },
    { Person: (ref: { id: string }) => ({ id: ref.id }) },
  );
  return {
    name: 'hub',
    dataSource: ds,
    schema,
    sdl,
    services,
    createContext: (actor: Actor): HubContext => ({
      actor,
      services,
      loaders: createHubLoaders(services, actor),
      policy: deps.pdp.forRequest(actor),
    }),
  };
}
