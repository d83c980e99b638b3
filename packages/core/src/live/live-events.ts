import { sql } from 'kysely';
import type { Ctx, Role } from '../context/context.js';

/** The PostgreSQL channel every live-update notice travels on. */
export const LIVE_CHANNEL = 'casegraph_live';

/**
 * Something changed that an open screen may want to fetch again. Events carry ids only, never
 * content: whoever hears one reads the change through the usual, audited, access-checked calls.
 */
export type LiveEvent =
  /** A case's record, team, subjects, tasks, notes, links, evidence or timeline changed. */
  | { kind: 'case-changed'; caseId: string }
  /** A new notification for that user (overlap notices are notifications). */
  | { kind: 'notification'; userId: string }
  /** The anomaly review queue or the resolution review queue gained or settled an item. */
  | { kind: 'review-queue' };

/** The kinds of live event, for those that name them (the server's event-stream `event:` field). */
export const LIVE_EVENT_KINDS = ['case-changed', 'notification', 'review-queue'] as const satisfies ReadonlyArray<LiveEvent['kind']>;

/** Who works the review queues (resolution reviewers and oversight): the audience of `review-queue`. */
export const REVIEW_QUEUE_ROLES: readonly Role[] = ['analyst', 'supervisor', 'oversight'];

/**
 * Announces changes in the caller's transaction (`pg_notify`): PostgreSQL sends the notices only
 * when that transaction commits, and never when it rolls back, so nobody hears of a change that
 * did not happen. Identical notices of one transaction go out once.
 * @example await publishLive(tx, { kind: 'case-changed', caseId: 'C-2026-0001' })
 */
export async function publishLive(tx: Pick<Ctx, 'db'>, events: LiveEvent | readonly LiveEvent[]): Promise<void> {
  const list: readonly LiveEvent[] = Array.isArray(events) ? events : [events as LiveEvent];
  if (list.length === 0) return;
  const payloads = list.map(livePayload);
  await sql`select pg_notify(${LIVE_CHANNEL}, payload) from unnest(${sql.val(payloads)}::text[]) as payload`.execute(tx.db);
}

/** The notice text of an event: its kind and ids, nothing else (a caller's extra fields are dropped). */
export function livePayload(event: LiveEvent): string {
  switch (event.kind) {
    case 'case-changed':
      return JSON.stringify({ kind: event.kind, caseId: event.caseId });
    case 'notification':
      return JSON.stringify({ kind: event.kind, userId: event.userId });
    case 'review-queue':
      return JSON.stringify({ kind: event.kind });
  }
}

/**
 * Reads a notice heard on the live channel; anything else (another program's notice, a future
 * kind) answers null and is ignored.
 * @example parseLiveEvent('{"kind":"review-queue"}') // { kind: 'review-queue' }
 */
export function parseLiveEvent(payload: string): LiveEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const event = value as Record<string, unknown>;
  if (event.kind === 'case-changed' && typeof event.caseId === 'string') return { kind: 'case-changed', caseId: event.caseId };
  if (event.kind === 'notification' && typeof event.userId === 'string') return { kind: 'notification', userId: event.userId };
  if (event.kind === 'review-queue') return { kind: 'review-queue' };
  return null;
}
