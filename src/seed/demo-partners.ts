import { RegisterPartnerInput, PartnerKind, LegalDomain } from '../subgraphs/hub/partner/partner.types';

const RHEINE = '05566076';
const STEINFURT = '05566';
const read = ['persons:read', 'partners:read', 'courses:read', 'jobcenter:read'];

/** The demo partners from the design; docs, tests and examples use these slugs. */
export const DEMO_PARTNERS: RegisterPartnerInput[] = [
  { slug: 'rheine-abh', name: 'Stadt Rheine – Ausländerbehörde', kind: PartnerKind.immigration_office, legalDomains: [LegalDomain.AufenthG], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: [...read, 'persons:write', 'residence:write'] },
  { slug: 'rheine-asylblg', name: 'Stadt Rheine – Leistungen nach dem AsylbLG', kind: PartnerKind.asylum_benefits_office, legalDomains: [LegalDomain.AsylbLG], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: [...read] },
  { slug: 'rheine-social', name: 'Stadt Rheine – Beratungs- und Unterstützungsteam für Zugewanderte', kind: PartnerKind.social_services, legalDomains: [LegalDomain.SGB_XII], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: [...read, 'persons:write'] },
  { slug: 'rheine-youth', name: 'Stadt Rheine – Jugendamt', kind: PartnerKind.youth_welfare, legalDomains: [LegalDomain.SGB_VIII], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: [...read, 'persons:write'] },
  { slug: 'jobcenter-steinfurt', name: 'Jobcenter Kreis Steinfurt', kind: PartnerKind.jobcenter, legalDomains: [LegalDomain.SGB_II], municipalityKey: STEINFURT, jurisdiction: [STEINFURT], scopes: [...read, 'jobcenter:write'] },
  { slug: 'arbeitsagentur-rheine', name: 'Agentur für Arbeit Rheine', kind: PartnerKind.employment_agency, legalDomains: [LegalDomain.SGB_III], municipalityKey: RHEINE, jurisdiction: [STEINFURT], scopes: [...read] },
  { slug: 'vhs-rheine', name: 'Volkshochschule Rheine', kind: PartnerKind.course_provider, legalDomains: [LegalDomain.none], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: ['courses:read', 'courses:write', 'partners:read'] },
  { slug: 'fbs-rheine', name: 'Familienbildungsstätte Rheine', kind: PartnerKind.course_provider, legalDomains: [LegalDomain.none], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: ['courses:read', 'courses:write', 'partners:read'] },
  { slug: 'caritas-rheine', name: 'Caritasverband Rheine', kind: PartnerKind.ngo, legalDomains: [LegalDomain.none], municipalityKey: RHEINE, jurisdiction: [RHEINE], scopes: ['courses:read', 'partners:read'] },
];
