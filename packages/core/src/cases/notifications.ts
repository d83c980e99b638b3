import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { NotFound } from '../errors.js';
import { publishLive } from '../live/live-events.js';

/** Something a user has been told. */
export interface Notification {
  id: string;
  kind: string;
  /** The recipient's own case the message is about. */
  caseId: string | null;
  refId: string | null;
  message: string;
  createdAt: Date;
  readAt: Date | null;
}

/**
 * Tells users something, in the caller's transaction. The message must name only what each
 * recipient may know (their own case, never the other side of an overlap).
 */
export async function notifyUsers(tx: Ctx, userIds: readonly string[], note: { kind: string; caseId: string; refId: string; message: string }): Promise<void> {
  const recipients = [...new Set(userIds)];
  if (recipients.length === 0) return;
  await tx.db
    .insertInto('notifications')
    .values(recipients.map((userId) => ({ id: randomUUID(), user_id: userId, kind: note.kind, case_id: note.caseId, ref_id: note.refId, message: note.message, created_at: tx.now() })))
    .execute();
  await publishLive(tx, recipients.map((userId) => ({ kind: 'notification', userId }) as const));
}

/**
 * The caller's own notifications, newest first (audited).
 * @example const { notifications, unread } = await listNotifications(ctx)
 */
export async function listNotifications(ctx: Ctx, input: { unreadOnly?: boolean; limit?: number } = {}): Promise<{ notifications: Notification[]; unread: number }> {
  const action = { action: 'notification.list', category: 'consultation' } as const;
  return runAudited(ctx, action, async (tx) => {
    let query = tx.db
      .selectFrom('notifications')
      .select(['id', 'kind', 'case_id as caseId', 'ref_id as refId', 'message', 'created_at as createdAt', 'read_at as readAt'])
      .where('user_id', '=', tx.actor.userId);
    if (input.unreadOnly === true) query = query.where('read_at', 'is', null);
    const notifications = await query
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(Math.min(Math.max(input.limit ?? 100, 1), 500))
      .execute();
    const unread = await tx.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', tx.actor.userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { value: { notifications, unread: Number(unread.n) }, objectIds: notifications.map((n) => n.id) };
  });
}

/**
 * Marks one of the caller's notifications read; someone else's answers as missing (audited).
 * @example await markNotificationRead(ctx, notificationId)
 */
export async function markNotificationRead(ctx: Ctx, notificationId: string): Promise<void> {
  const action = { action: 'notification.read', category: 'alteration' } as const;
  await runAudited(ctx, action, async (tx) => {
    const row = await tx.db.selectFrom('notifications').select(['id', 'read_at']).where('id', '=', notificationId).where('user_id', '=', tx.actor.userId).executeTakeFirst();
    if (row === undefined) throw new NotFound(`notification ${notificationId} not found`);
    if (row.read_at === null) await tx.db.updateTable('notifications').set({ read_at: tx.now() }).where('id', '=', notificationId).execute();
    return { value: undefined, objectIds: [notificationId] };
  });
}
