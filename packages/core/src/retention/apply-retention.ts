import { sql, type Kysely } from 'kysely';
import { requireRole } from '../access/require-role.js';
import { recordEvent } from '../audit/record-event.js';
import type { Ctx } from '../context/context.js';
import type { Database } from '../store/schema.js';

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
      await eraseCaseWork(trx, toErase);
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

/**
 * Erases everything that hangs off the cases: their subjects, tasks, notes, links and overlaps
 * (either side), timeline, link charts, the notifications about them, and their evidence with its
 * custody trail and annotations; evidence content goes once no remaining file refers to it.
 */
async function eraseCaseWork(trx: Kysely<Database>, caseIds: string[]): Promise<void> {
  const overlaps = await trx
    .selectFrom('case_overlaps')
    .select('id')
    .where((eb) => eb.or([eb('case_a', 'in', caseIds), eb('case_b', 'in', caseIds)]))
    .execute();
  const overlapIds = overlaps.map((o) => o.id);
  await trx
    .deleteFrom('notifications')
    .where((eb) => eb.or([eb('case_id', 'in', caseIds), ...(overlapIds.length > 0 ? [eb('ref_id', 'in', overlapIds)] : [])]))
    .execute();
  if (overlapIds.length > 0) await trx.deleteFrom('case_overlaps').where('id', 'in', overlapIds).execute();
  await trx
    .deleteFrom('case_links')
    .where((eb) => eb.or([eb('case_id', 'in', caseIds), eb('linked_case_id', 'in', caseIds)]))
    .execute();
  for (const table of ['case_subjects', 'case_tasks', 'case_notes', 'case_events', 'link_charts'] as const) {
    await trx.deleteFrom(table).where('case_id', 'in', caseIds).execute();
  }
  const files = await trx.selectFrom('evidence_files').select(['id', 'sha256']).where('case_id', 'in', caseIds).execute();
  if (files.length > 0) {
    const fileIds = files.map((f) => f.id);
    await trx.deleteFrom('evidence_annotations').where('evidence_id', 'in', fileIds).execute();
    await trx.deleteFrom('evidence_custody').where('evidence_id', 'in', fileIds).execute();
    await trx.deleteFrom('evidence_files').where('id', 'in', fileIds).execute();
    const digests = [...new Set(files.map((f) => f.sha256))];
    await trx
      .deleteFrom('evidence_blobs')
      .where('sha256', 'in', digests)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('evidence_files').select(sql`1`.as('one')).whereRef('evidence_files.sha256', '=', 'evidence_blobs.sha256'))))
      .execute();
  }
}
