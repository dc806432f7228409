/**
 * The vocabulary of the data-protection model. Categories say what kind of personal data a
 * field holds (DSGVO Art. 9 special categories: health); purposes say why it is processed
 * (purpose limitation, Art. 5(1)(b)). Both are part of the public contract: partners name them.
 */
export const DATA_CATEGORIES = [
  'identity',
  'contact',
  'residence',
  'benefits',
  'education',
  'employment',
  'health',
  'case_notes',
  'course_participation',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

export const PURPOSES = [
  'case_management',
  'arrival_counselling',
  'integration_course_referral',
  'benefit_administration',
  'benefit_handover',
  'residence_administration',
  'youth_welfare',
  'employer_service',
  'statistics',
  'data_protection_supervision',
  /** The operator's administration of the hub's configuration; opens no personal data. */
  'system_administration',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const isCategory = (v: string): v is DataCategory => (DATA_CATEGORIES as readonly string[]).includes(v);
export const isPurpose = (v: string): v is Purpose => (PURPOSES as readonly string[]).includes(v);
