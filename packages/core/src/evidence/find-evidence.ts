import { authorizeCase, type CaseAction } from '../access/authorize.js';
import type { Ctx } from '../context/context.js';
import { Invalid, isCaseGraphError, NotFound } from '../errors.js';

/** The answer for evidence that does not exist or whose case may not be seen: the same in both cases. */
export function evidenceNotFound(id: string): NotFound {
  return new NotFound(`evidence ${id} not found`);
}

/**
 * Evidence is worked on under its own case: a purpose naming another case is refused, so every
 * audit event about a file names the case it belongs to.
 */
export function requireCaseOfPurpose(tx: Ctx, caseId: string, what: string): void {
  const stated = tx.purpose?.caseId ?? null;
  if (stated !== null && stated !== caseId) throw new Invalid(`${what} belongs to case ${caseId}: state that case as the purpose of this work`);
}

/**
 * The file row of an evidence file the caller may act on. Unknown evidence and evidence of a case
 * the caller may not see answer alike; one they see but may not change gets Forbidden.
 */
export async function findEvidence(tx: Ctx, id: string, action: CaseAction) {
  const row = await tx.db.selectFrom('evidence_files').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw evidenceNotFound(id);
  try {
    await authorizeCase(tx, action, row.case_id);
  } catch (error) {
    if (isCaseGraphError(error) && error.code === 'not-found') throw evidenceNotFound(id);
    throw error;
  }
  requireCaseOfPurpose(tx, row.case_id, `evidence ${id}`);
  return row;
}
