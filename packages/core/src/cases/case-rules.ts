import { LOCAL_OPERATOR, type Ctx } from '../context/context.js';
import { Conflict, Forbidden } from '../errors.js';
import type { Entity } from '../entities/get-entity.js';
import type { CaseRole } from '../store/schema.js';

/** The roles a case team member may hold; 'member' is the role of teams formed before roles existed. */
export const CASE_ROLES: readonly CaseRole[] = ['owner', 'investigator', 'analyst', 'reviewer', 'observer', 'member'];

/** A case as authorizeCase answers it. */
export interface CaseRow {
  id: string;
  status: string;
  owner_id: string;
  organisation: string;
  markings: string[];
}

/** The actor's role on the case's team, if they are on it. */
export async function teamRole(tx: Ctx, caseId: string, userId: string): Promise<CaseRole | undefined> {
  const row = await tx.db.selectFrom('case_members').select('role').where('case_id', '=', caseId).where('user_id', '=', userId).executeTakeFirst();
  return row?.role;
}

/**
 * Whether the actor runs the case: an owner on its team, a supervisor of its organisation, or
 * the local operator working on the store itself.
 */
export async function runsCase(tx: Ctx, row: CaseRow): Promise<boolean> {
  if (tx.actor.userId === LOCAL_OPERATOR.userId) return true;
  if (tx.actor.roles.includes('supervisor') && tx.actor.organisation === row.organisation) return true;
  return (await teamRole(tx, row.id, tx.actor.userId)) === 'owner';
}

/** Throws Forbidden unless the actor runs the case (see runsCase). */
export async function requireRunsCase(tx: Ctx, row: CaseRow, what: string): Promise<void> {
  if (!(await runsCase(tx, row))) throw new Forbidden(`${what} on case ${row.id} needs its owner or a supervisor of its organisation`);
}

/** An archived case is a closed record: nothing on it changes any more. */
export function requireNotArchived(row: CaseRow): void {
  if (row.status === 'archived') throw new Conflict(`case ${row.id} is archived and can no longer change`);
}

/** The owners to tell about something on a case: its owners on the team, and the user recorded as its owner. */
export async function caseOwners(tx: Ctx, caseId: string): Promise<string[]> {
  const rows = await tx.db
    .selectFrom('case_members')
    .select('user_id')
    .where('case_id', '=', caseId)
    .where('role', '=', 'owner')
    .execute();
  const recorded = await tx.db.selectFrom('cases').select('owner_id').where('id', '=', caseId).executeTakeFirst();
  const ids = new Set(rows.map((r) => r.user_id));
  if (recorded !== undefined) ids.add(recorded.owner_id);
  return [...ids].sort();
}

/** The name an entity is shown under: its first name-like value, else its id. */
export function captionOf(entity: Entity): string {
  for (const property of ['name', 'title', 'registrationNumber', 'full', 'number', 'email', 'phone']) {
    const value = entity.properties[property]?.[0]?.value;
    if (value !== undefined) return value;
  }
  return entity.id;
}

/** The calendar day of an instant (UTC), YYYY-MM-DD. */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Whether text is a real calendar day written YYYY-MM-DD. */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && isoDay(parsed) === text;
}

/** Optional free text: trimmed, within a length. */
export function optionalText(value: unknown, name: string, max: number, invalid: (message: string) => Error): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid(`${name} must be text`);
  const text = value.trim();
  if (text.length > max) throw invalid(`${name} may be at most ${max} characters`);
  return text;
}
