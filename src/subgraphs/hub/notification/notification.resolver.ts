import { Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { HubContext } from '../hub.context';
import { HubPerson } from '../hub.person';
import { Referral } from '../referral/referral.types';
import { NotificationEntity } from './notification.entity';
import {
  MarkNotificationsReadArgs,
  Notification,
  NotificationConnection,
  NotificationsArgs,
} from './notification.types';

const view = (n: NotificationEntity): Notification => ({
  id: n.id,
  type: n.type,
  occurredAt: n.occurredAt,
  readAt: n.readAt,
  eventId: n.eventId,
  referralId: n.referralId,
  personId: n.personId,
});

@Resolver(() => Notification)
export class NotificationResolver {
  @Query(() => NotificationConnection, {
    description: 'Your notifications (events of the public catalogue that concern you), newest first',
  })
  async notifications(
    @Args(() => NotificationsArgs) args: NotificationsArgs,
    @Ctx() ctx: HubContext,
  ): Promise<NotificationConnection> {
    const page = await ctx.services.notifications.list(ctx.actor, args);
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: view(e.node) })) };
  }

  @Mutation(() => Int, { description: 'Mark your notifications read (ids, or all: true); returns how many changed' })
  markNotificationsRead(
    @Args(() => MarkNotificationsReadArgs) args: MarkNotificationsReadArgs,
    @Ctx() ctx: HubContext,
  ): Promise<number> {
    return ctx.services.notifications.markRead(ctx.actor, args);
  }

  @FieldResolver(() => Referral, {
    nullable: true,
    description: 'The referral or transfer the event is about, if you sent or received it (null otherwise)',
  })
  async referral(@Root() n: Notification, @Ctx() ctx: HubContext): Promise<Referral | null> {
    if (!n.referralId) return null;
    const r = await ctx.loaders.notificationReferrals.load(n.referralId);
    return r
      ? { ...r, person: { id: r.personId }, allowedActions: ctx.services.referrals.actionsFor(ctx.actor, r) }
      : null;
  }

  /** Only the id: the city subgraph decides which of the person's fields the caller may read. */
  @FieldResolver(() => HubPerson, { nullable: true, description: 'The person the event is about, if any' })
  person(@Root() n: Notification): HubPerson | null {
    return n.personId ? { id: n.personId } : null;
  }
}
