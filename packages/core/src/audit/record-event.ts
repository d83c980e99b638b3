import type { Kysely } from 'kysely';
import type { Ctx } from '../context/context.js';
import type { Database } from '../store/schema.js';
import { appendLeaf, type AuditRow } from './leaf.js';

/** What kind of processing an event records (the categories oversight reports group by). */
export type AuditCategory =
  | 'collection'
  | 'alteration'
  | 'consultation'
  | 'disclosure'
  | 'combination'
  | 'erasure'
  | 'authentication'
  | 'denial';

/** How the recorded operation ended. */
export type AuditOutcome = 'success' | 'denied' | 'failed';

/** One event for the audit log. */
export interface AuditEventInput {
  category: AuditCategory;
  action: string;
  outcome?: AuditOutcome;
  objectIds?: string[];
  subjectIds?: string[];
  detail?: Record<string, unknown>;
  /** Query terms, already sealed (encrypted) by the caller. */
  sealedTerms?: string;
  /** Who acted, when the context's actor is not yet known (a sign-in by name). */
  actorId?: string;
}

/**
 * Appends an event through `db`, which should be the transaction doing the recorded work, so
 * the event and the work commit or fail together. Outside a transaction the event gets one of
 * its own. The event takes the next sequence number and becomes the next leaf of the audit tree;
 * the head row is locked until commit, so concurrent writers queue and the sequence has no gaps.
 */
export async function recordEvent(ctx: Ctx, db: Kysely<Database>, event: AuditEventInput): Promise<void> {
  if (!db.isTransaction) {
    await db.transaction().execute((trx) => recordEvent(ctx, trx, event));
    return;
  }
  await appendLeaf(db, eventRow(ctx, event));
}

/** The stored fields of an event, its sequence number aside: who, when, under which case and purpose. */
export function eventRow(ctx: Ctx, event: AuditEventInput): Omit<AuditRow, 'seq'> {
  return {
    at: ctx.now(),
    actor_id: event.actorId ?? ctx.actor.userId,
    session_id: ctx.actor.sessionId,
    category: event.category,
    action: event.action,
    case_id: ctx.purpose?.caseId ?? null,
    purpose: ctx.purpose?.code ?? null,
    justification: ctx.purpose?.justification ?? null,
    object_ids: event.objectIds ?? [],
    subject_ids: event.subjectIds ?? [],
    outcome: event.outcome ?? 'success',
    detail: event.detail ?? {},
    sealed_terms: event.sealedTerms ?? null,
  };
}

/** Audit events in order, newest last (for tests and the coming oversight reports). */
export async function listEvents(db: Kysely<Database>, filter: { action?: string; limit?: number } = {}) {
  let query = db.selectFrom('audit_events').selectAll().orderBy('seq', 'asc');
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  return query.limit(filter.limit ?? 1000).execute();
}
