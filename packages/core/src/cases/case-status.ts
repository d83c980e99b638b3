import { authorizeCase } from '../access/authorize.js';
import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Conflict, Invalid } from '../errors.js';
import { recordCaseEvent } from './case-events.js';
import { requireRunsCase } from './case-rules.js';

/** The steps of a case's workflow. */
export const CASE_STATUSES = ['open', 'active', 'pending', 'closed', 'archived'] as const;

/** A step of a case's workflow. */
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** How a closed case ended. */
export const DISPOSITIONS = ['charged', 'referred', 'no-further-action', 'unsubstantiated', 'merged', 'other'] as const;

/** How a closed case ended. */
export type Disposition = (typeof DISPOSITIONS)[number];

const MOVES: Record<CaseStatus, readonly CaseStatus[]> = {
  open: ['active', 'pending', 'closed'],
  active: ['pending', 'closed'],
  pending: ['active', 'closed'],
  closed: ['active', 'archived'],
  archived: [],
};

/**
 * The statuses a case may move to from its current one.
 * @example allowedMoves('closed') // ['active', 'archived']
 */
export function allowedMoves(from: string): readonly CaseStatus[] {
  return MOVES[from as CaseStatus] ?? [];
}

/** A case after a status change. */
export interface StatusChange {
  caseId: string;
  from: CaseStatus;
  status: CaseStatus;
  disposition: Disposition | null;
  closedAt: Date | null;
  closedBy: string | null;
}

/**
 * Moves a case along its workflow (audited; a case event of kind 'status'). Closing, reopening
 * and archiving are for its owner or a supervisor of its organisation, and closing needs a
 * disposition; other moves are for any team member who is not an observer. A move the workflow
 * does not allow is a Conflict that names the allowed moves, and nothing changes.
 * @example await changeCaseStatus(ctx, { caseId: 'C-2026-0001', status: 'closed', disposition: 'referred' })
 */
export async function changeCaseStatus(ctx: Ctx, input: { caseId: string; status: string; disposition?: string }): Promise<StatusChange> {
  const action = { action: 'case.change-status', category: 'alteration' } as const;
  return runAudited(ctx, action, async (tx) => {
    const found = await authorizeCase(tx, 'case.read', input.caseId);
    if (!CASE_STATUSES.includes(input.status as CaseStatus)) throw new Invalid(`unknown case status "${input.status}" (known: ${CASE_STATUSES.join(', ')})`);
    const status = input.status as CaseStatus;
    const from = found.status as CaseStatus;
    const allowed = allowedMoves(from);
    if (!allowed.includes(status)) {
      const moves = allowed.length === 0 ? 'none: an archived case stays archived' : allowed.join(', ');
      throw new Conflict(`case ${input.caseId} cannot move from ${from} to ${status} (allowed from ${from}: ${moves})`, { from, allowed: [...allowed] });
    }
    const closing = status === 'closed';
    const reopening = from === 'closed' && status === 'active';
    if (closing || reopening || status === 'archived') {
      await requireRunsCase(tx, found, closing ? 'closing' : reopening ? 'reopening' : 'archiving');
    } else {
      await authorizeCase(tx, 'case.update', input.caseId);
    }
    if (input.disposition !== undefined && !closing) throw new Invalid('a disposition is given only when closing a case');
    if (closing && input.disposition === undefined) throw new Invalid(`closing a case needs a disposition (one of: ${DISPOSITIONS.join(', ')})`);
    if (input.disposition !== undefined && !DISPOSITIONS.includes(input.disposition as Disposition)) {
      throw new Invalid(`unknown disposition "${input.disposition}" (known: ${DISPOSITIONS.join(', ')})`);
    }
    const now = tx.now();
    const closedFields = closing
      ? { disposition: input.disposition ?? null, closed_at: now, closed_by: tx.actor.userId }
      : reopening
        ? { disposition: null, closed_at: null, closed_by: null }
        : {};
    const updated = await tx.db
      .updateTable('cases')
      .set({ status, updated_at: now, ...closedFields })
      .where('id', '=', input.caseId)
      .where('status', '=', from)
      .returning(['disposition', 'closed_at', 'closed_by'])
      .executeTakeFirst();
    if (updated === undefined) throw new Conflict(`case ${input.caseId} changed while this move was made; try again`);
    const disposition = updated.disposition as Disposition | null;
    await recordCaseEvent(tx, {
      caseId: input.caseId,
      kind: 'status',
      summary: `status ${from} → ${status}${closing ? ` (${String(disposition)})` : ''}`,
      detail: { from, to: status, ...(closing ? { disposition } : {}) },
    });
    return {
      value: { caseId: input.caseId, from, status, disposition, closedAt: updated.closed_at, closedBy: updated.closed_by },
      objectIds: [input.caseId],
      detail: { from, to: status, ...(closing ? { disposition } : {}) },
    };
  });
}
