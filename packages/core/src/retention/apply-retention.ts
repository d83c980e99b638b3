import { sql } from 'kysely';
import { requireRole } from '../access/require-role.js';
import { recordEvent } from '../audit/record-event.js';
import type { Ctx } from '../context/context.js';

/** What one retention run erased (counts only: an erasure record holds none of the erased content). */
export interface RetentionResult {
  statements: number;
  cases: number;
  /** Statements past their date kept because a legal hold covers them. */
  heldStatements: number;
  heldCases: number;
}

/**
 * Deletes every statement and case whose retention date has passed, unless a legal hold covers
 * it (a hold on its source, its entity or, for a case, the case), and records one erasure event
 * with the counts. Run by administrators (the server's housekeeping runs it daily).
 */
export async function applyRetention(ctx: Ctx): Promise<RetentionResult> {
  const action = { action: 'retention.apply', category: 'erasure' } as const;
  await requireRole(ctx, action, ['administrator']);
  const today = ctx.now().toISOString().slice(0, 10);
  return ctx.db.transaction().execute(async (trx) => {
    const heldStatement = sql<boolean>`exists (
      select 1 from legal_holds h where h.released_at is null and (
        (h.scope = 'source' and h.target_id = statements.source_id) or (h.scope = 'entity' and h.target_id = statements.entity_id)))`;
    const held = await trx
      .selectFrom('statements')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('retention_until', '<', today)
      .where(heldStatement)
      .executeTakeFirstOrThrow();
    const erased = await trx
      .deleteFrom('statements')
      .where('retention_until', '<', today)
      .where(sql<boolean>`not ${heldStatement}`)
      .executeTakeFirst();
    const heldCase = sql<boolean>`(cases.legal_hold or exists (
      select 1 from legal_holds h where h.released_at is null and h.scope = 'case' and h.target_id = cases.id))`;
    const expiredCases = await trx
      .selectFrom('cases')
      .select(['id', sql<boolean>`${heldCase}`.as('held')])
      .where('retention_until', '<', today)
      .execute();
    const toErase = expiredCases.filter((c) => !c.held).map((c) => c.id);
    if (toErase.length > 0) {
      await trx.deleteFrom('case_members').where('case_id', 'in', toErase).execute();
      await trx.deleteFrom('sensitive_unlocks').where('case_id', 'in', toErase).execute();
      await trx.deleteFrom('cases').where('id', 'in', toErase).execute();
    }
    const result: RetentionResult = {
      statements: Number(erased.numDeletedRows),
      cases: toErase.length,
      heldStatements: Number(held.n),
      heldCases: expiredCases.length - toErase.length,
    };
    await recordEvent(ctx, trx, { ...action, detail: { before: today, ...result } });
    return result;
  });
}
