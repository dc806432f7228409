import { LegalBasisInput } from '../subgraphs/hub/legal-basis/legal-basis.types';

type Row = [
  recipient: string,
  purpose: string,
  categories: string[],
  statute: string,
  description: string,
  source?: string,
  whileReferralOpen?: boolean,
];

/**
 * The demo register of legal bases. Statute references follow the usual bases of each office's
 * task; a deployment's data-protection officer replaces them with the municipality's own register.
 * What is NOT here is deliberate: social work, NGOs and course providers see identity data only
 * with the person's consent.
 */
const ROWS: Row[] = [
  [
    'rheine-abh',
    'residence_administration',
    ['identity', 'contact', 'residence'],
    '§ 86 AufenthG',
    'Collection of personal data for tasks under the Residence Act',
  ],
  [
    'rheine-abh',
    'integration_course_referral',
    ['identity', 'residence'],
    '§ 44a AufenthG, § 8 IntV',
    'Obligation to attend an integration course and the entitlement certificate',
  ],
  [
    'rheine-asylblg',
    'benefit_administration',
    ['identity', 'contact', 'benefits'],
    '§ 9 Abs. 3 AsylbLG i.V.m. § 67a SGB X',
    'Benefits under the Asylum Seekers Benefits Act',
  ],
  [
    'rheine-asylblg',
    'benefit_administration',
    ['residence'],
    '§ 90 Abs. 3 AufenthG',
    'Residence status as a condition of AsylbLG benefits',
    'rheine-abh',
  ],
  [
    'jobcenter-steinfurt',
    'benefit_administration',
    ['identity', 'contact', 'benefits', 'employment', 'education'],
    '§§ 50, 51b SGB II i.V.m. § 67a SGB X',
    'Basic income support for jobseekers',
  ],
  [
    'jobcenter-steinfurt',
    'benefit_administration',
    ['residence'],
    '§ 87 Abs. 1 AufenthG i.V.m. § 7 Abs. 1 SGB II',
    'Residence status as a condition of SGB II entitlement',
    'rheine-abh',
  ],
  [
    'jobcenter-steinfurt',
    'benefit_handover',
    ['identity', 'contact', 'residence', 'benefits'],
    '§ 69 Abs. 1 Nr. 1 SGB X',
    'Handover from asylum benefits to SGB II after recognition',
    'rheine-asylblg',
  ],
  [
    'jobcenter-steinfurt',
    'integration_course_referral',
    ['identity', 'residence'],
    '§ 44a Abs. 1 S. 1 Nr. 2 AufenthG, § 8 IntV',
    'Obligation to attend an integration course by the jobcenter',
  ],
  [
    'rheine-social',
    'case_management',
    ['identity', 'contact'],
    '§ 67a SGB X i.V.m. § 11 SGB XII',
    'Advice and support (counselling) by the city',
  ],
  [
    'rheine-social',
    'case_management',
    ['case_notes'],
    '§§ 67a, 67b SGB X i.V.m. § 11 SGB XII',
    'Documentation of the own counselling and case work, including referrals',
  ],
  [
    'rheine-social',
    'arrival_counselling',
    ['identity', 'contact'],
    '§ 45 AufenthG i.V.m. § 11 SGB XII',
    'Outreach arrival counselling of newly arrived families',
  ],
  [
    'rheine-youth',
    'youth_welfare',
    ['identity', 'contact', 'residence', 'education'],
    '§ 62 SGB VIII',
    'Youth welfare, including former unaccompanied minors',
  ],
  [
    'arbeitsagentur-rheine',
    'employer_service',
    ['identity', 'residence'],
    '§§ 39, 72 Abs. 7 AufenthG',
    'Consent of the employment agency to employment',
  ],
  [
    'vhs-rheine',
    'integration_course_referral',
    ['course_participation'],
    '§ 8 Abs. 3 IntV',
    'Course attendance reported by the course provider',
  ],
  [
    'fbs-rheine',
    'integration_course_referral',
    ['course_participation'],
    '§ 8 Abs. 3 IntV',
    'Course attendance reported by the course provider',
  ],
  // Course providers see who was referred to them, and only while the referral is open.
  ...(['vhs-rheine', 'fbs-rheine'] as const).flatMap((provider) =>
    (['jobcenter-steinfurt', 'rheine-abh'] as const).map((source): Row => [
      provider,
      'integration_course_referral',
      ['identity', 'contact'],
      '§ 88a Abs. 1 AufenthG',
      'Transmission to the course provider a person is referred to, while the referral is open',
      source,
      true,
    ]),
  ),
];

export const DEMO_LEGAL_BASES: LegalBasisInput[] = ROWS.flatMap(
  ([recipientPartner, purpose, categories, statute, description, sourcePartner, whileReferralOpen]) =>
    categories.map((category) => ({
      recipientPartner,
      purpose,
      category,
      statute,
      description,
      sourcePartner: sourcePartner ?? null,
      whileReferralOpen: whileReferralOpen ?? false,
    })),
);
