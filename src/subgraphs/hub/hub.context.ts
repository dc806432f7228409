import DataLoader from 'dataloader';
import { Actor } from '../../shared/actor';
import { SubgraphContext } from '../subgraph';
import { loaderMany } from '../shared/loaders';
import { BiographyRow, BiographyService } from './biography/biography.service';
import { IdentifierService } from './identifier/identifier.service';
import { PartnerService } from './partner/partner.service';
import { ConsentService } from './consent/consent.service';
import { LegalBasisService } from './legal-basis/legal-basis.service';
import { AccessReportService } from './access-report/access-report.service';
import { ReferralService } from './referral/referral.service';
import { TrustedDocumentService } from './trusted-document/trusted-document.service';
import { AgreementService } from './agreement/agreement.service';
import { loaderOne } from '../shared/loaders';
import { NotificationService } from './notification/notification.service';
import { WebhookService } from './webhook/webhook.service';
import { ConfigurationService } from './admin/configuration.service';
import { UpcomingHandoverService } from './worklist/upcoming-handover.service';
import type { DuplicateChecks } from '../../shared/duplicate-checks';
import type { FeedbackLinks } from '../../shared/feedback-links';
import type { TransferCases } from '../../shared/transfer-cases';
import { EnquiryService } from './enquiry/enquiry.service';
import type { ArrivalFollowUps } from '../../shared/arrival-follow-ups';
import type { IndicatorFacts } from './indicator/indicator-facts.service';
import type { IndicatorService } from './indicator/indicator.service';

export interface HubServices {
  partners: PartnerService;
  identifiers: IdentifierService;
  biography: BiographyService;
  consents: ConsentService;
  legalBases: LegalBasisService;
  accessReport: AccessReportService;
  referrals: ReferralService;
  /** Cooperation agreements and referral deadlines (agreements). */
  agreements: AgreementService;
  /** Operators and the gateway only: not exposed over GraphQL. */
  trustedDocuments: TrustedDocumentService;
  /** The partners' notification inbox, filled by the events worker. */
  notifications: NotificationService;
  /** Partners' webhook endpoints and deliveries; the events worker fans events out to them. */
  webhooks: WebhookService;
  /** The city's configuration for operators (admin:manage), the CLI and seeding. */
  configuration: ConfigurationService;
  /** The worklist of handovers the rules will start (pending rule checks). */
  upcomingHandovers: UpcomingHandoverService;
  /** The city's duplicate checks, which the events worker asks after registrations and new identifiers. */
  duplicates: DuplicateChecks;
  /** The city's eUMA track, which the events worker tells of accepted transfers. */
  transferCases: TransferCases;
  /** Employer enquiries (Arbeitgeberservice): asked by employers, answered by the routed partner. */
  enquiries: EnquiryService;
  arrivals: ArrivalFollowUps;
  /** The city's client feedback, which the events worker tells of withdrawn consents. */
  feedbackLinks: FeedbackLinks;
  /** The report's indicator facts, kept current by the events worker (docs/indicators.md#facts). */
  indicatorFacts: IndicatorFacts;
  /** The report's indicators, aggregated from the hub's fact tables (docs/indicators.md). */
  indicators: IndicatorService;
}

export function createHubLoaders(services: HubServices, actor: Actor) {
  // One biography loader per page size asked for in this request.
  const biographyBySize = new Map<number, DataLoader<string, BiographyRow[]>>();
  return {
    identifiers: loaderMany(
      (ids: readonly string[]) => services.identifiers.forPersons(ids),
      (i) => i.personId,
    ),
    consents: loaderMany(
      (ids: readonly string[]) => services.consents.forPersons(ids),
      (c) => c.personId,
    ),
    referrals: loaderMany(
      (ids: readonly string[]) => services.referrals.forPersons(actor, ids),
      (r) => r.personId,
    ),
    caseOwners: loaderMany(
      (ids: readonly string[]) => services.referrals.caseOwners(ids),
      (c) => c.personId,
    ),
    deadlines: loaderMany(
      (ids: readonly string[]) => services.agreements.deadlinesFor(ids),
      (d) => d.referralId,
    ),
    notificationReferrals: loaderOne(
      (ids: readonly string[]) => services.notifications.referralsFor(actor, ids),
      (r) => r.id,
    ),
    // The routed contact of employer enquiries (name and function mailbox).
    enquiryPartner: loaderOne(
      (slugs: readonly string[]) => services.enquiries.partners(slugs),
      (p) => p.slug,
    ),
    biography(first: number) {
      let loader = biographyBySize.get(first);
      if (!loader) {
        loader = loaderMany(
          (ids: readonly string[]) => services.biography.newestFor(ids, first),
          (b) => b.personId,
        );
        biographyBySize.set(first, loader);
      }
      return loader;
    },
  };
}

export type HubContext = SubgraphContext<ReturnType<typeof createHubLoaders>> & { services: HubServices };
