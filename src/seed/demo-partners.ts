import { RegisterPartnerInput, PartnerKind, LegalDomain } from '../subgraphs/hub/partner/partner.types';

const RHEINE = '05566076';
const STEINFURT = '05566';
const read = ['persons:read', 'partners:read', 'courses:read', 'jobcenter:read'];

/** The demo partners from the design; docs, tests and examples use these slugs. */
export const DEMO_PARTNERS: RegisterPartnerInput[] = [
  { slug: 'rheine-abh', name: 'Stadt Rheine – Ausländerbehörde', kind: PartnerKind.immigration_office, legalDomains: [LegalDomain.AufenthG], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: [...read, 'persons:write', 'residence:write', 'referrals:read', 'referrals:write'], purposes: ['residence_administration', 'benefit_handover', 'integration_course_referral'] },
  { slug: 'rheine-asylblg', name: 'Stadt Rheine – Leistungen nach dem AsylbLG', kind: PartnerKind.asylum_benefits_office, legalDomains: [LegalDomain.AsylbLG], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: [...read, 'referrals:read', 'referrals:write'], purposes: ['benefit_administration', 'benefit_handover'] },
  { slug: 'rheine-social', name: 'Stadt Rheine – Beratungs- und Unterstützungsteam für Zugewanderte', kind: PartnerKind.social_services, legalDomains: [LegalDomain.SGB_XII], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: [...read, 'persons:write', 'consent:write', 'audit:read', 'referrals:read', 'referrals:write'], purposes: ['case_management', 'arrival_counselling', 'integration_course_referral'] },
  { slug: 'rheine-youth', name: 'Stadt Rheine – Jugendamt', kind: PartnerKind.youth_welfare, legalDomains: [LegalDomain.SGB_VIII], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: [...read, 'persons:write', 'referrals:read', 'referrals:write'], purposes: ['youth_welfare', 'case_management'] },
  { slug: 'jobcenter-steinfurt', name: 'Jobcenter Kreis Steinfurt', kind: PartnerKind.jobcenter, legalDomains: [LegalDomain.SGB_II], municipalityKey: STEINFURT, jurisdiction: [STEINFURT], scopes: [...read, 'jobcenter:write', 'referrals:read', 'referrals:write'], purposes: ['benefit_administration', 'benefit_handover', 'integration_course_referral'] },
  { slug: 'arbeitsagentur-rheine', name: 'Agentur für Arbeit Rheine', kind: PartnerKind.employment_agency, legalDomains: [LegalDomain.SGB_III], municipalityKey: RHEINE, jurisdiction: [STEINFURT], scopes: [...read, 'referrals:read', 'referrals:write'], purposes: ['employer_service'] },
  { slug: 'vhs-rheine', name: 'Volkshochschule Rheine', kind: PartnerKind.course_provider, legalDomains: [LegalDomain.none], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: ['persons:read', 'courses:read', 'courses:write', 'partners:read', 'referrals:read', 'referrals:write'], purposes: ['integration_course_referral'] },
  { slug: 'fbs-rheine', name: 'Familienbildungsstätte Rheine', kind: PartnerKind.course_provider, legalDomains: [LegalDomain.none], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: ['persons:read', 'courses:read', 'courses:write', 'partners:read', 'referrals:read', 'referrals:write'], purposes: ['integration_course_referral'] },
  { slug: 'caritas-rheine', name: 'Caritasverband Rheine', kind: PartnerKind.ngo, legalDomains: [LegalDomain.none], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: ['persons:read', 'courses:read', 'partners:read', 'referrals:read', 'referrals:write'], purposes: ['case_management'] },
  { slug: 'rheine-dpo', name: 'Stadt Rheine – Datenschutzbeauftragte', kind: PartnerKind.data_protection_officer, legalDomains: [LegalDomain.none], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: ['partners:read', 'audit:read'], purposes: ['data_protection_supervision'] },
];
