import { holdsHead } from '../audit/leaf.js';
import { eventRow, recordEvent, type AuditCategory, type AuditEventInput } from '../audit/record-event.js';
import { readCase } from '../access/case-reads.js';
import { Forbidden, Invalid, isCaseGraphError, PurposeRequired } from '../errors.js';
import type { Ctx, Purpose } from './context.js';

/** What a use case tells the audit log about its work. */
export interface AuditedResult<T> {
  value: T;
  objectIds?: string[];
  subjectIds?: string[];
  detail?: Record<string, unknown>;
  /** Query terms, already sealed: only oversight reports open them. */
  sealedTerms?: string;
}

/** The action and category an audited use case records. */
export interface AuditedAction {
  action: string;
  category: AuditCategory;
  /** The data subjects the operation is about, when known before it runs: recorded on refusals and failures too. */
  subjectIds?: string[];
  /**
   * The work only reads. A consultation on a store that batches its audit events then runs on one
   * connection without a transaction of its own: each statement sees what is committed when it
   * starts, as inside a read-committed transaction, and its event commits in the batch anyway;
   * the begin and the commit were two round trips of every read.
   */
  readsOnly?: boolean;
}

const MAX_JUSTIFICATION = 2000;

/**
 * Checks that the context states a usable purpose, without touching the database.
 * Throws PurposeRequired naming what is missing.
 */
export function requirePurpose(ctx: Ctx): Purpose {
  const purpose = ctx.purpose;
  if (purpose === null) {
    throw new PurposeRequired('this touches personal data: state a case, a purpose code and a justification');
  }
  const definition = ctx.config.purposes.find((p) => p.code === purpose.code);
  if (definition === undefined) {
    const known = ctx.config.purposes.map((p) => p.code).join(', ');
    throw new PurposeRequired(`unknown purpose "${purpose.code}" (this deployment accepts: ${known})`);
  }
  if (definition.caseRequired && (purpose.caseId === null || purpose.caseId.trim() === '')) {
    throw new PurposeRequired(`purpose ${purpose.code} needs a case: give the case id`);
  }
  if (purpose.justification.trim().length < 3) {
    throw new PurposeRequired('a justification is required: say in a few words why this is needed');
  }
  if (purpose.justification.length > MAX_JUSTIFICATION) {
    throw new Invalid(`the justification is longer than ${MAX_JUSTIFICATION} characters`);
  }
  return purpose;
}

/**
 * Runs a use case that reads or writes personal data: the purpose is checked before any query,
 * then the work and its audit event run in one transaction. A refusal is itself an audit event.
 */
export async function runWithPurpose<T>(
  ctx: Ctx,
  action: AuditedAction,
  work: (tx: Ctx) => Promise<AuditedResult<T>>,
): Promise<T> {
  try {
    requirePurpose(ctx);
  } catch (error) {
    await recordDenial(ctx, action, error);
    throw error;
  }
  try {
    return await inTransaction(ctx, action, async (tx) => {
      await requireKnownCase(tx);
      return work(tx);
    });
  } catch (error) {
    await recordRefusal(ctx, action, error).catch(() => undefined);
    throw error;
  }
}

/**
 * Checks a purpose is stated and known, without a query, before work that then runs under
 * `runWithPurpose` (which checks its case inside the transaction): a request without one is
 * refused before its input is even read. A refusal is an audit event.
 */
export async function checkStatedPurpose(ctx: Ctx, action: AuditedAction): Promise<void> {
  try {
    requirePurpose(ctx);
  } catch (error) {
    await recordDenial(ctx, action, error);
    throw error;
  }
}

/**
 * Checks the purpose and its case before work that cannot run inside one transaction (asking
 * external systems, which must not hold the audit log's head row while they answer). A refusal is
 * an audit event; the caller records the work's own events once it is done.
 */
export async function checkPurpose(ctx: Ctx, action: AuditedAction): Promise<void> {
  try {
    requirePurpose(ctx);
    await requireKnownCase(ctx);
  } catch (error) {
    await recordDenial(ctx, action, error);
    throw error;
  }
}

/**
 * Runs a use case and its audit event in one transaction (no personal data involved). A refusal
 * (not found, forbidden) or failure is recorded in a transaction of its own.
 */
export async function runAudited<T>(
  ctx: Ctx,
  action: AuditedAction,
  work: (tx: Ctx) => Promise<AuditedResult<T>>,
): Promise<T> {
  try {
    return await inTransaction(ctx, action, work);
  } catch (error) {
    await recordRefusal(ctx, action, error).catch(() => undefined);
    throw error;
  }
}

/**
 * Refusals are denials; anything else that stopped the work (an object not found, or not visible,
 * which answers the same) is a failed attempt, recorded under the action's own category.
 */
async function recordRefusal(ctx: Ctx, action: AuditedAction, error: unknown): Promise<void> {
  if (error instanceof PurposeRequired || error instanceof Forbidden) await recordDenial(ctx, action, error);
  else await recordFailure(ctx, action, error);
}

async function inTransaction<T>(ctx: Ctx, action: AuditedAction, work: (tx: Ctx) => Promise<AuditedResult<T>>): Promise<T> {
  const batch = ctx.auditBatch;
  if (action.readsOnly === true && action.category === 'consultation' && batch !== undefined) {
    return ctx.db.connection().execute(async (connection) => {
      const tx: Ctx = { ...ctx, db: connection };
      const result = await work(tx);
      await batch.append(eventRow(tx, eventOf(action, result)));
      return result.value;
    });
  }
  return ctx.db.transaction().execute(async (trx) => {
    const tx: Ctx = { ...ctx, db: trx };
    const result = await work(tx);
    const event = eventOf(action, result);
    // A consultation's event joins the process's next batch (the answer waits until it is
    // committed, the work's transaction still open); a change's commits with the change. A
    // transaction that already holds the audit head appends through itself.
    if (action.category === 'consultation' && batch !== undefined && !holdsHead(trx)) await batch.append(eventRow(tx, event));
    else await recordEvent(tx, trx, event);
    return result.value;
  });
}

/** The audit event of a use case's work. */
function eventOf<T>(action: AuditedAction, result: AuditedResult<T>): AuditEventInput {
  return {
    category: action.category,
    action: action.action,
    ...(result.objectIds ? { objectIds: result.objectIds } : {}),
    ...(result.subjectIds ? { subjectIds: result.subjectIds } : {}),
    ...(result.detail ? { detail: result.detail } : {}),
    ...(result.sealedTerms ? { sealedTerms: result.sealedTerms } : {}),
  };
}

/** Records that an operation was refused, with the reason, in a transaction of its own. */
export async function recordDenial(ctx: Ctx, action: AuditedAction, error: unknown): Promise<void> {
  const reason = isCaseGraphError(error) ? error.code : 'error';
  await recordEvent(ctx, ctx.db, {
    category: 'denial',
    action: action.action,
    outcome: 'denied',
    ...(action.subjectIds ? { subjectIds: action.subjectIds } : {}),
    detail: { reason, message: error instanceof Error ? error.message : String(error) },
  });
}

/** A purpose-bound operation that failed still happened: record the attempt (its work rolled back). */
async function recordFailure(ctx: Ctx, action: AuditedAction, error: unknown): Promise<void> {
  await recordEvent(ctx, ctx.db, {
    category: action.category,
    action: action.action,
    outcome: 'failed',
    ...(action.subjectIds ? { subjectIds: action.subjectIds } : {}),
    detail: { reason: isCaseGraphError(error) ? error.code : 'error', message: isCaseGraphError(error) ? error.message : 'internal error' },
  });
}

async function requireKnownCase(ctx: Ctx): Promise<void> {
  const caseId = ctx.purpose?.caseId;
  if (caseId === null || caseId === undefined) return;
  // A case the actor may not see is answered as one that does not exist. Its unlocks and the
  // purpose's sources come with it, for the read decision the work makes next.
  const found = await readCase(ctx, caseId);
  if (found === undefined) throw new PurposeRequired(`case ${caseId} does not exist; give the id of a case you work on`);
  if (found.status === 'archived') throw new PurposeRequired(`case ${caseId} is archived; reopen it or work under another case`);
}
