import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { FeedbackOffer } from './feedback.state';

/**
 * Client feedback on an offer (Rückmeldung, the report's Nutzerworkshop; docs/feedback.md):
 * anonymous. No person, no worker, no time but the month, an id that is not time-ordered:
 * nothing here joins to a person or to the partner's other work.
 */
@Entity({ name: 'client_feedback' })
export class ClientFeedbackEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') offer: FeedbackOffer;
  /** The course the feedback is on (LANGUAGE_COURSE), if any. */
  @Column('uuid', { name: 'course_id', nullable: true }) courseId: string | null;
  @Column('smallint') helpful: number;
  @Column('smallint') understood: number;
  @Column('boolean', { name: 'would_recommend', nullable: true }) wouldRecommend: boolean | null;
  @Column('text', { nullable: true }) comment: string | null;
  /** The partner (slug) that collected it: it lists its own. */
  @Column('text', { name: 'collected_by' }) collectedBy: string;
  /** The first day of the month it was given in ('YYYY-MM-01'); never a finer time. */
  @Column('date') month: string;
}

/** The link a person chose to make between feedback and themselves (on their consent). */
@Entity({ name: 'feedback_person_link' })
export class FeedbackPersonLinkEntity {
  @PrimaryColumn('uuid', { name: 'feedback_id' }) feedbackId: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  /** The person's consent that records the choice. */
  @Column('uuid', { name: 'consent_id' }) consentId: string;
  @Column('text') partner: string;
}
