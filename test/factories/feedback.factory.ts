import { mutate, WithGql } from './factory.support';

/** Client feedback as the API takes it (GraphQL enum names): helpful arrival counselling, unless overridden. */
export interface FeedbackApiInput {
  offer?: string;
  courseId?: string | null;
  helpful?: number;
  understood?: number;
  wouldRecommend?: boolean | null;
  comment?: string | null;
  linkToPerson?: { personId: string } | null;
}

export const feedbackInput = (input: FeedbackApiInput = {}) => ({
  offer: 'ARRIVAL_COUNSELLING',
  helpful: 4,
  understood: 5,
  wouldRecommend: true,
  ...input,
});

/** Submits feedback through the API as `partner` (default the advice & support team); returns its id. */
export async function submitFeedbackViaApi(
  app: WithGql,
  input: FeedbackApiInput = {},
  partner = 'rheine-social',
): Promise<string> {
  const query = `mutation($i: SubmitFeedbackInput!) { submitFeedback(input: $i) { id } }`;
  return (await mutate<{ id: string }>(app, partner, 'submitFeedback', query, { i: feedbackInput(input) })).id;
}
