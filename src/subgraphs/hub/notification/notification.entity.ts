import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One partner's notice of one public event. Ids, codes and times only: what the event is about
 * is read (and checked) when the partner asks. Indexes are in HubNotifications1764910000000.
 */
@Entity({ name: 'notification' })
export class NotificationEntity {
  @PrimaryColumn('uuid') id: string;
  /** The recipient's slug. */
  @Column('text') partner: string;
  /** A type of the public catalogue (PUBLIC_EVENT_TYPES). */
  @Column('text') type: string;
  @Column('uuid', { name: 'event_id' }) eventId: string;
  @Column('uuid', { name: 'person_id', nullable: true }) personId: string | null;
  @Column('uuid', { name: 'referral_id', nullable: true }) referralId: string | null;
  /** The data category the event reveals (for the audit entry when it is dropped, and for retention). */
  @Column('text') category: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'read_at', nullable: true }) readAt: Date | null;
}
