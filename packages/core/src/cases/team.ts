import { authorizeCase } from '../access/authorize.js';
import { requireRole } from '../access/require-role.js';
import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Conflict, NotFound } from '../errors.js';
import type { CaseRole } from '../store/schema.js';
import { recordCaseEvent } from './case-events.js';
import { requireNotArchived } from './case-rules.js';
import { checkCaseRole } from './get-case.js';

const TEAM_ROLES = ['analyst', 'supervisor', 'administrator'] as const;

async function teamMember(tx: Ctx, caseId: string, userId: string) {
  const member = await tx.db
    .selectFrom('case_members')
    .innerJoin('users', 'users.id', 'case_members.user_id')
    .select(['case_members.role', 'users.username'])
    .where('case_members.case_id', '=', caseId)
    .where('case_members.user_id', '=', userId)
    .executeTakeFirst();
  if (member === undefined) throw new NotFound(`user ${userId} is not on the team of case ${caseId}`);
  return member;
}

/** Keeps a case with at least one owner, and its recorded owner one of them. */
async function keepOwner(tx: Ctx, caseId: string, leaving: string, what: string): Promise<void> {
  const others = await tx.db
    .selectFrom('case_members')
    .select('user_id')
    .where('case_id', '=', caseId)
    .where('role', '=', 'owner')
    .where('user_id', '<>', leaving)
    .orderBy('added_at')
    .orderBy('user_id')
    .execute();
  const next = others[0];
  if (next === undefined) throw new Conflict(`${what}: case ${caseId} needs at least one owner; make someone else owner first`);
  await tx.db.updateTable('cases').set({ owner_id: next.user_id, updated_at: tx.now() }).where('id', '=', caseId).where('owner_id', '=', leaving).execute();
}

/**
 * Takes a user off a case team (its owner or a supervisor of its organisation; audited). The
 * last owner cannot be removed.
 * @example await removeCaseMember(ctx, { caseId: 'C-2026-0001', userId })
 */
export async function removeCaseMember(ctx: Ctx, input: { caseId: string; userId: string }): Promise<void> {
  const action = { action: 'case.remove-member', category: 'alteration' } as const;
  await requireRole(ctx, action, [...TEAM_ROLES]);
  await runAudited(ctx, action, async (tx) => {
    const found = await authorizeCase(tx, 'case.manage-members', input.caseId);
    requireNotArchived(found);
    const member = await teamMember(tx, input.caseId, input.userId);
    if (member.role === 'owner') await keepOwner(tx, input.caseId, input.userId, `${member.username} cannot leave the team`);
    await tx.db.deleteFrom('case_members').where('case_id', '=', input.caseId).where('user_id', '=', input.userId).execute();
    await recordCaseEvent(tx, { caseId: input.caseId, kind: 'member', summary: `${member.username} left the team`, detail: { userId: input.userId, role: member.role } });
    return { value: undefined, objectIds: [input.caseId, input.userId] };
  });
}

/**
 * Gives a team member another role (its owner or a supervisor of its organisation; audited).
 * The last owner keeps the role.
 * @example await changeMemberRole(ctx, { caseId: 'C-2026-0001', userId, role: 'observer' })
 */
export async function changeMemberRole(ctx: Ctx, input: { caseId: string; userId: string; role: CaseRole }): Promise<void> {
  const action = { action: 'case.change-member-role', category: 'alteration' } as const;
  await requireRole(ctx, action, [...TEAM_ROLES]);
  const role = checkCaseRole(input.role);
  await runAudited(ctx, action, async (tx) => {
    const found = await authorizeCase(tx, 'case.manage-members', input.caseId);
    requireNotArchived(found);
    const member = await teamMember(tx, input.caseId, input.userId);
    if (member.role === role) return { value: undefined, objectIds: [input.caseId, input.userId], detail: { role, unchanged: true } };
    if (member.role === 'owner') await keepOwner(tx, input.caseId, input.userId, `${member.username} cannot stop being owner`);
    await tx.db.updateTable('case_members').set({ role }).where('case_id', '=', input.caseId).where('user_id', '=', input.userId).execute();
    await recordCaseEvent(tx, { caseId: input.caseId, kind: 'member', summary: `${member.username} is now ${role} (was ${member.role})`, detail: { userId: input.userId, role, was: member.role } });
    return { value: undefined, objectIds: [input.caseId, input.userId], detail: { role, was: member.role } };
  });
}
