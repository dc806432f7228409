/** The offers feedback is given on (the report's offers), and the scales. */
export const FEEDBACK_OFFERS = [
  'arrival_counselling',
  'language_course',
  'case_management',
  'euma',
  'employer_service',
  'other',
] as const;
export type FeedbackOffer = (typeof FEEDBACK_OFFERS)[number];

/** helpful and understood: 1 (not at all) to 5 (fully). */
export const SCALE_MIN = 1;
export const SCALE_MAX = 5;
export const COMMENT_MAX = 500;
/** A summary over fewer answers than this shows no counts or means: a small group could be recognised. */
export const MIN_GROUP = 5;
/** What linked feedback is, for the policy: notes about the person's support. */
export const FEEDBACK_CATEGORY = 'case_notes';
