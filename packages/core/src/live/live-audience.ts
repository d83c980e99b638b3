import { sql, type Kysely } from 'kysely';
import type { Ctx } from '../context/context.js';
import type { Database } from '../store/schema.js';

/**
 * The users who may read a case, in one query: the rules of `visibleCases` turned around (a team
 * member, or a supervisor of the case's organisation, holding every marking of the case), for
 * accounts that can still sign in. Oversight reads cases only under its own purpose, which a
 * live notice has not, so oversight staff are not told of case changes. An unknown case has no
 * readers.
 * @example const readers = await usersWhoMayReadCase(store.db, 'C-2026-0001')
 */
export async function usersWhoMayReadCase(db: Kysely<Database>, caseId: string): Promise<string[]> {
  // Two arms an index each answers (the case's members; the supervisors of its organisation),
  // rather than one condition with "or" that reads every account for every notice.
  const rows = await sql<{ id: string }>`
    select u.id from cases c
      join case_members m on m.case_id = c.id
      join users u on u.id = m.user_id
      where c.id = ${caseId} and c.markings <@ u.compartments and not u.disabled and u.locked_at is null
    union
    select u.id from cases c
      join users u on u.organisation = c.organisation and 'supervisor' = any(u.roles)
      where c.id = ${caseId} and c.markings <@ u.compartments and not u.disabled and u.locked_at is null
    order by id`.execute(db);
  return rows.rows.map((row) => row.id);
}

/**
 * Of the given sessions, those that no longer let their holder in: signed out, expired, idle past
 * the configured limit, unknown, or of an account disabled or locked since (the same rules as
 * `authenticate`, read in one query, and without ending anything itself).
 * @example const ended = await endedSessions(ctx, ['3b1f…', '9c2e…'])
 */
export async function endedSessions(ctx: Pick<Ctx, 'db' | 'now' | 'config'>, sessionIds: readonly string[]): Promise<Set<string>> {
  const ids = [...new Set(sessionIds)];
  if (ids.length === 0) return new Set();
  const now = ctx.now();
  const idleSince = new Date(now.getTime() - ctx.config.sessions.idleMinutes * 60_000);
  const alive = await ctx.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select('sessions.id')
    .where(sql<boolean>`sessions.id = any(${sql.val(ids)}::text[])`)
    .where('sessions.kind', '!=', 'challenge')
    .where('sessions.ended_at', 'is', null)
    .where((eb) => eb.or([eb('sessions.expires_at', 'is', null), eb('sessions.expires_at', '>', now)]))
    .where((eb) => eb.or([eb('sessions.kind', '!=', 'session'), eb('sessions.last_used_at', '>=', idleSince)]))
    .where('users.disabled', '=', false)
    .where('users.locked_at', 'is', null)
    .execute();
  const living = new Set(alive.map((row) => row.id));
  return new Set(ids.filter((id) => !living.has(id)));
}
