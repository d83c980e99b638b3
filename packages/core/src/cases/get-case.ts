import type { CaseRole } from '../store/schema.js';
import { authorizeCase, caseNotFound } from '../access/authorize.js';
import { requireRole } from '../access/require-role.js';
import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Conflict, Invalid, NotFound } from '../errors.js';

/** A case as its members see it. */
export interface CaseView {
  id: string;
  title: string;
  status: string;
  purpose: string;
  organisation: string;
  markings: string[];
  ownerId: string;
  members: Array<{ userId: string; username: string; role: CaseRole }>;
  createdAt: Date;
}

/**
 * A case the actor may see (consultation; audited). A case they may not see is answered exactly
 * as one that does not exist.
 * @example const c = await getCase(ctx, 'C-2026-0001')
 */
export async function getCase(ctx: Ctx, caseId: string): Promise<CaseView> {
  const action = { action: 'case.view', category: 'consultation' } as const;
  return runAudited(ctx, action, async (tx) => {
    await authorizeCase(tx, 'case.read', caseId);
    const row = await tx.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
    if (row === undefined) throw caseNotFound(caseId);
    const members = await tx.db
      .selectFrom('case_members')
      .innerJoin('users', 'users.id', 'case_members.user_id')
      .select(['users.id as userId', 'users.username', 'case_members.role'])
      .where('case_members.case_id', '=', caseId)
      .orderBy('users.username')
      .execute();
    return {
      value: {
        id: row.id,
        title: row.title,
        status: row.status,
        purpose: row.purpose,
        organisation: row.organisation,
        markings: row.markings,
        ownerId: row.owner_id,
        members,
        createdAt: row.created_at,
      },
      objectIds: [caseId],
    };
  });
}

/**
 * Adds a user to a case team (its owner or a supervisor of its organisation; audited).
 * @example await addCaseMember(ctx, { caseId: 'C-2026-0001', username: 'analyst' })
 */
export async function addCaseMember(ctx: Ctx, input: { caseId: string; username: string; role?: 'owner' | 'member' }): Promise<void> {
  const action = { action: 'case.add-member', category: 'alteration' } as const;
  await requireRole(ctx, action, ['analyst', 'supervisor', 'administrator']);
  await runAudited(ctx, action, async (tx) => {
    await authorizeCase(tx, 'case.manage-members', input.caseId);
    const user = await tx.db.selectFrom('users').select(['id', 'disabled']).where('username', '=', input.username).executeTakeFirst();
    if (user === undefined) throw new NotFound(`no user ${input.username}`);
    if (user.disabled) throw new Invalid(`user ${input.username} is disabled`);
    const added = await tx.db
      .insertInto('case_members')
      .values({ case_id: input.caseId, user_id: user.id, role: input.role ?? 'member', added_at: ctx.now(), added_by: ctx.actor.userId })
      .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (added === undefined) throw new Conflict(`${input.username} is already on case ${input.caseId}`);
    return { value: undefined, objectIds: [input.caseId, user.id] };
  });
}
