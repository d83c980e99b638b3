import type { CaseRole } from '../store/schema.js';
import { authorizeCase, caseNotFound } from '../access/authorize.js';
import { requireRole } from '../access/require-role.js';
import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import { recordCaseEvent } from './case-events.js';
import { CASE_ROLES, requireNotArchived } from './case-rules.js';

/** A case as its members see it. */
export interface CaseView {
  id: string;
  title: string;
  status: string;
  purpose: string;
  organisation: string;
  /** Its compartments: a reader must hold them all. */
  markings: string[];
  ownerId: string;
  members: Array<{ userId: string; username: string; displayName: string; role: CaseRole }>;
  disposition: string | null;
  closedAt: Date | null;
  closedBy: string | null;
  template: string | null;
  fields: Record<string, string>;
  summary: string;
  createdAt: Date;
  updatedAt: Date;
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
      .select(['users.id as userId', 'users.username', 'users.display_name as displayName', 'case_members.role'])
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
        disposition: row.disposition,
        closedAt: row.closed_at,
        closedBy: row.closed_by,
        template: row.template,
        fields: row.fields,
        summary: row.summary,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      },
      objectIds: [caseId],
    };
  });
}

/** Checks a team role given from outside. */
export function checkCaseRole(role: unknown): CaseRole {
  if (typeof role !== 'string' || !CASE_ROLES.includes(role as CaseRole)) {
    throw new Invalid(`unknown case role "${String(role)}" (known: ${CASE_ROLES.join(', ')})`);
  }
  return role as CaseRole;
}

/**
 * Adds a user to a case team with a role (its owner or a supervisor of its organisation;
 * audited). An observer may read the case but change nothing.
 * @example await addCaseMember(ctx, { caseId: 'C-2026-0001', username: 'analyst', role: 'investigator' })
 */
export async function addCaseMember(ctx: Ctx, input: { caseId: string; username: string; role?: CaseRole }): Promise<void> {
  const action = { action: 'case.add-member', category: 'alteration' } as const;
  await requireRole(ctx, action, ['analyst', 'supervisor', 'administrator']);
  const role = checkCaseRole(input.role ?? 'investigator');
  await runAudited(ctx, action, async (tx) => {
    const found = await authorizeCase(tx, 'case.manage-members', input.caseId);
    requireNotArchived(found);
    const user = await tx.db.selectFrom('users').select(['id', 'disabled']).where('username', '=', input.username).executeTakeFirst();
    if (user === undefined) throw new NotFound(`no user ${input.username}`);
    if (user.disabled) throw new Invalid(`user ${input.username} is disabled`);
    const added = await tx.db
      .insertInto('case_members')
      .values({ case_id: input.caseId, user_id: user.id, role, added_at: ctx.now(), added_by: ctx.actor.userId })
      .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (added === undefined) throw new Conflict(`${input.username} is already on case ${input.caseId}`);
    await recordCaseEvent(tx, { caseId: input.caseId, kind: 'member', summary: `${input.username} joined the team as ${role}`, detail: { userId: user.id, role } });
    return { value: undefined, objectIds: [input.caseId, user.id], detail: { role } };
  });
}
