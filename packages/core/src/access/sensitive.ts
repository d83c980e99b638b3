import { randomUUID } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import { recordEvent } from '../audit/record-event.js';
import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import type { Database, SensitiveUnlocksTable } from '../store/schema.js';
import { authorizeCase, caseNotFound } from './authorize.js';
import { checkedCase } from './case-reads.js';
import { requireRole } from './require-role.js';

/** Categories a supervisor can unlock for one case. */
export const UNLOCKABLE = ['special-category', 'minors', 'witness-identity', 'informant-identity', 'bulk-results'] as const;

/** A category of sensitive data that stays hidden without an unlock. */
export type SensitiveCategory = (typeof UNLOCKABLE)[number];

/**
 * FtM properties that hold special categories of personal data (ethnic origin, religious or
 * political views): stored where a source holds them, never shown, searched or filtered on
 * without an unlock.
 */
export const SPECIAL_CATEGORY_PROPERTIES: readonly string[] = ['ethnicity', 'religion', 'political'];

/** Sources that declare these categories have all their statements hidden without an unlock. */
export const IDENTITY_CATEGORIES: readonly SensitiveCategory[] = ['witness-identity', 'informant-identity'];

/** The longest an unlock may last: one week. */
export const MAX_UNLOCK_HOURS = 168;

/** The categories unlocked for the context's case right now. */
export async function unlockedCategories(ctx: Ctx): Promise<Set<SensitiveCategory>> {
  const caseId = ctx.purpose?.caseId;
  if (caseId === null || caseId === undefined) return new Set();
  const checked = checkedCase(ctx);
  if (checked !== undefined) return new Set(checked.unlocked);
  const rows = await ctx.db
    .selectFrom('sensitive_unlocks')
    .select('categories')
    .where('case_id', '=', caseId)
    .where('status', '=', 'approved')
    .where('expires_at', '>', ctx.now())
    .execute();
  return new Set(rows.flatMap((row) => row.categories as SensitiveCategory[]));
}

/**
 * Set-based: hides special-category properties and the statements of sources holding witness or
 * informant identities, unless the category is unlocked for the case. Applied with
 * visibleStatements in every query that reads statements.
 */
export function sensitiveStatementsFilter(unlocked: ReadonlySet<SensitiveCategory>): (eb: ExpressionBuilder<Database, 'statements' | 'sources'>) => Expression<SqlBool> {
  const hiddenIdentities = IDENTITY_CATEGORIES.filter((category) => !unlocked.has(category));
  return (eb) => {
    const conditions: Array<Expression<SqlBool>> = [];
    if (!unlocked.has('special-category')) conditions.push(eb('statements.property', 'not in', [...SPECIAL_CATEGORY_PROPERTIES]));
    if (hiddenIdentities.length > 0) conditions.push(sql<boolean>`not (${eb.ref('sources.sensitive_categories')} && ${sql.val(hiddenIdentities)}::text[])`);
    return conditions.length === 0 ? sql<boolean>`true` : eb.and(conditions);
  };
}

/** Whether a birth date (YYYY, YYYY-MM or YYYY-MM-DD) may belong to someone under 18 on `at`. */
export function mayBeMinor(birthDate: string, at: Date): boolean {
  const [year, month = '01', day = '01'] = birthDate.split('-');
  const born = Date.UTC(Number(year), Number(month) - 1, Number(day));
  if (Number.isNaN(born)) return false;
  const eighteenth = new Date(born);
  eighteenth.setUTCFullYear(eighteenth.getUTCFullYear() + 18);
  // With only a year (or month) known, the person may be a minor until the end of it.
  if (birthDate.length === 4) eighteenth.setUTCFullYear(eighteenth.getUTCFullYear() + 1);
  else if (birthDate.length === 7) eighteenth.setUTCMonth(eighteenth.getUTCMonth() + 1);
  return eighteenth.getTime() > at.getTime();
}

/** An unlock as listed. */
export interface SensitiveUnlock {
  id: string;
  caseId: string;
  categories: SensitiveCategory[];
  reason: string;
  hours: number;
  requestedBy: string;
  status: 'pending' | 'approved' | 'refused' | 'expired';
  decidedBy: string | null;
  expiresAt: Date | null;
}

/**
 * A case member asks for sensitive categories to be shown for their case for some hours (audited).
 * @example await requestUnlock(ctx, { caseId: 'C-2026-0001', categories: ['minors'], reason: 'victim is 16', hours: 24 })
 */
export async function requestUnlock(ctx: Ctx, input: { caseId: string; categories: string[]; reason: string; hours: number }): Promise<SensitiveUnlock> {
  const categories = [...new Set(input.categories)];
  if (categories.length === 0 || categories.some((c) => !(UNLOCKABLE as readonly string[]).includes(c))) {
    throw new Invalid(`categories must be among ${UNLOCKABLE.join(', ')}`);
  }
  if (!Number.isInteger(input.hours) || input.hours < 1 || input.hours > MAX_UNLOCK_HOURS) {
    throw new Invalid(`an unlock lasts 1 to ${MAX_UNLOCK_HOURS} hours`);
  }
  if (input.reason.trim().length < 10) throw new Invalid('say why the case needs this, in at least a sentence');
  return runAudited(ctx, { action: 'sensitive.request', category: 'alteration' }, async (tx) => {
    await authorizeCase(tx, 'case.update', input.caseId);
    const unlock: SensitiveUnlock = {
      id: randomUUID(),
      caseId: input.caseId,
      categories: categories as SensitiveCategory[],
      reason: input.reason.trim(),
      hours: input.hours,
      requestedBy: ctx.actor.userId,
      status: 'pending',
      decidedBy: null,
      expiresAt: null,
    };
    await tx.db
      .insertInto('sensitive_unlocks')
      .values({
        id: unlock.id,
        case_id: unlock.caseId,
        categories: unlock.categories,
        reason: unlock.reason,
        hours: unlock.hours,
        requested_by: unlock.requestedBy,
        requested_at: ctx.now(),
        status: 'pending',
      })
      .execute();
    return { value: unlock, objectIds: [unlock.id, input.caseId], detail: { categories, hours: input.hours } };
  });
}

/**
 * A supervisor who can see the case, and who did not ask, approves or refuses an unlock (audited).
 * An approved unlock runs from the approval for the hours asked.
 */
export async function decideUnlock(ctx: Ctx, input: { unlockId: string; approve: boolean }): Promise<SensitiveUnlock> {
  const action = { action: input.approve ? 'sensitive.approve' : 'sensitive.refuse', category: 'alteration' } as const;
  await requireRole(ctx, action, ['supervisor']);
  return runAudited(ctx, action, async (tx) => {
    const row = await tx.db.selectFrom('sensitive_unlocks').selectAll().where('id', '=', input.unlockId).executeTakeFirst();
    if (row === undefined) throw new NotFound(`unlock ${input.unlockId} not found`);
    await authorizeCase(tx, 'case.read', row.case_id).catch(() => {
      throw new NotFound(`unlock ${input.unlockId} not found`);
    });
    if (row.requested_by === ctx.actor.userId) throw new Forbidden('the supervisor who approves an unlock must not be the one who asked for it');
    if (row.status !== 'pending') throw new Invalid(`unlock ${input.unlockId} is already ${row.status}`);
    const now = ctx.now();
    const expiresAt = input.approve ? new Date(now.getTime() + row.hours * 3_600_000) : null;
    await tx.db
      .updateTable('sensitive_unlocks')
      .set({ status: input.approve ? 'approved' : 'refused', decided_by: ctx.actor.userId, decided_at: now, expires_at: expiresAt })
      .where('id', '=', row.id)
      .execute();
    return {
      value: { ...toUnlock(row), status: input.approve ? 'approved' : 'refused', decidedBy: ctx.actor.userId, expiresAt },
      objectIds: [row.id, row.case_id],
      detail: { categories: row.categories, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) },
    };
  });
}

/**
 * Marks approved unlocks whose time is up as expired, with one audit event each; run by the
 * server's housekeeping and before oversight reports. Returns how many expired.
 */
export async function expireUnlocks(ctx: Ctx): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const expired = await trx
      .updateTable('sensitive_unlocks')
      .set({ status: 'expired' })
      .where('status', '=', 'approved')
      .where('expires_at', '<=', ctx.now())
      .returning(['id', 'case_id', 'categories', 'expires_at'])
      .execute();
    for (const row of expired) {
      await recordEvent({ ...ctx, purpose: null }, trx, {
        category: 'alteration',
        action: 'sensitive.expire',
        objectIds: [row.id, row.case_id],
        detail: { categories: row.categories, expiredAt: row.expires_at?.toISOString() ?? null },
      });
    }
    return expired.length;
  });
}

/** The unlocks of a case the actor may see. */
export async function listUnlocks(ctx: Ctx, caseId: string): Promise<SensitiveUnlock[]> {
  await authorizeCase(ctx, 'case.read', caseId).catch(() => {
    throw caseNotFound(caseId);
  });
  const rows = await ctx.db.selectFrom('sensitive_unlocks').selectAll().where('case_id', '=', caseId).orderBy('requested_at', 'desc').execute();
  return rows.map(toUnlock);
}

function toUnlock(row: Selectable<SensitiveUnlocksTable>): SensitiveUnlock {
  return {
    id: row.id,
    caseId: row.case_id,
    categories: row.categories as SensitiveCategory[],
    reason: row.reason,
    hours: row.hours,
    requestedBy: row.requested_by,
    status: row.status,
    decidedBy: row.decided_by,
    expiresAt: row.expires_at,
  };
}
