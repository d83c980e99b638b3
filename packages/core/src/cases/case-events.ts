import type { Ctx } from '../context/context.js';
import { publishLive } from '../live/live-events.js';

/** The kinds of case event a timeline shows. */
export type CaseEventKind = 'created' | 'status' | 'member' | 'subject' | 'task' | 'note' | 'link' | 'overlap' | 'evidence';

/**
 * Writes one event on a case's own timeline, in the caller's transaction. The summary is read by
 * the case team, so it names no subject: entity ids go in `entityIds`, and whoever shows the
 * timeline shows them as the reader may see them.
 * @example await recordCaseEvent(tx, { caseId, kind: 'status', summary: 'status open → active' })
 */
export async function recordCaseEvent(
  tx: Ctx,
  event: { caseId: string; kind: CaseEventKind; summary: string; entityIds?: string[]; detail?: Record<string, unknown> },
): Promise<void> {
  await tx.db
    .insertInto('case_events')
    .values({
      case_id: event.caseId,
      at: tx.now(),
      kind: event.kind,
      actor_id: tx.actor.userId,
      summary: event.summary,
      entity_ids: event.entityIds ?? [],
      detail: JSON.stringify(event.detail ?? {}),
    })
    .execute();
  await publishLive(tx, { kind: 'case-changed', caseId: event.caseId });
}
