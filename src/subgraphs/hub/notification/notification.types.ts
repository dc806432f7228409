import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { PageInfo } from '../../shared/connection.types';

@ObjectType({
  description:
    'Notice of an event for your partner system (ids only: the data is read, and checked, through the fields)',
})
export class Notification {
  @Field(() => ID) id: string;
  @Field(() => String, {
    description: 'A type of the public event catalogue, e.g. referral.requested, referral.escalated',
  })
  type: string;
  @Field(() => DateTimeResolver, { description: 'When the event happened' }) occurredAt: Date;
  @Field(() => DateTimeResolver, { nullable: true, description: 'When you marked it read' }) readAt: Date | null;
  @Field(() => ID, { description: 'The id of the domain event behind it (several partners may be told of one event)' })
  eventId: string;
  // Resolved by NotificationResolver: the referral as you may see it, the person as a reference.
  referralId: string | null;
  personId: string | null;
}

@ObjectType('NotificationEdge')
export class NotificationEdge {
  @Field(() => String) cursor: string;
  @Field(() => Notification) node: Notification;
}

@ObjectType('NotificationConnection')
export class NotificationConnection {
  @Field(() => [NotificationEdge]) edges: NotificationEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int, { description: 'Notifications matching the arguments (all of yours, or the unread ones)' })
  totalCount: number;
  @Field(() => Int, { description: 'Your unread notifications' }) unreadCount: number;
}

@ArgsType()
export class NotificationsArgs {
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Only those not yet marked read' })
  unreadOnly?: boolean;
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

@ArgsType()
export class MarkNotificationsReadArgs {
  @Field(() => [ID], { nullable: true, description: 'Up to 100 of your notifications; ids of others are ignored' })
  ids?: string[] | null;
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'All of your notifications (instead of ids)',
  })
  all?: boolean;
}
