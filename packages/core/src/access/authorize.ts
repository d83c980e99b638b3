import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Actor, Ctx, Role } from '../context/context.js';
import { LOCAL_OPERATOR } from '../context/context.js';
import { Forbidden, NotFound } from '../errors.js';
import type { Database } from '../store/schema.js';

/**
 * The one place that decides who may do what. Default deny: an action not listed here is refused.
 * Objects the caller may not see are answered exactly as objects that do not exist.
 */

/** What can be done to a case. */
export type CaseAction = 'case.read' | 'case.update' | 'case.manage-members';

/** Actions that are not about one object, and the roles that may take them. */
const ROLE_ACTIONS = {
  'user.manage': ['administrator'],
  'source.register': ['administrator'],
  'case.create': ['analyst', 'supervisor', 'administrator'],
  'entity.read': ['analyst', 'supervisor'],
  'entity.write': ['analyst', 'supervisor', 'administrator'],
  'audit.verify': ['oversight', 'administrator'],
  'oversight.report': ['oversight'],
  'sensitive.approve': ['supervisor'],
} as const satisfies Record<string, readonly Role[]>;

/** Actions decided by role alone. */
export type RoleAction = keyof typeof ROLE_ACTIONS;

/** The roles that may take an action (for route declarations and the authorization matrix). */
export function rolesFor(action: RoleAction): readonly Role[] {
  return ROLE_ACTIONS[action];
}

function isLocalOperator(actor: Actor): boolean {
  return actor.userId === LOCAL_OPERATOR.userId;
}

/** True when the actor holds every marking. */
export function holdsMarkings(actor: Actor, markings: readonly string[]): boolean {
  return markings.every((marking) => actor.compartments.includes(marking));
}

/** Whether the actor may take a role-decided action; throws Forbidden when not. */
export function authorizeAction(ctx: Ctx, action: RoleAction): void {
  if (isLocalOperator(ctx.actor)) return;
  const allowed: readonly Role[] = ROLE_ACTIONS[action];
  if (!ctx.actor.roles.some((role) => allowed.includes(role))) throw new Forbidden(`${action} needs the role ${allowed.join(' or ')}`);
}

/**
 * Set-based: the cases the actor may see, as a condition on `cases` for any query. A member sees
 * a case; a supervisor sees the cases of their organisation; oversight sees every case's record
 * when working under the oversight purpose. In every case all the case's markings must be held.
 */
export function visibleCases(ctx: Ctx): (eb: ExpressionBuilder<Database, 'cases'>) => Expression<SqlBool> {
  return visibleCasesOf(ctx.actor, caseRoutes(ctx));
}

/**
 * The ways besides membership by which the context's actor sees cases (what shapes
 * `visibleCasesOf`'s condition): each known, or a condition on the row that holds the actor.
 */
export interface CaseRoutes {
  local: boolean;
  supervisor: boolean | Expression<SqlBool>;
  oversight: boolean | Expression<SqlBool>;
}

/** How the context's actor sees cases. */
export function caseRoutes(ctx: Ctx): CaseRoutes & { supervisor: boolean; oversight: boolean } {
  return {
    local: isLocalOperator(ctx.actor),
    supervisor: ctx.actor.roles.includes('supervisor'),
    oversight: ctx.actor.roles.includes('oversight') && ctx.purpose?.code === 'oversight',
  };
}

/** How a user's row (users, joined where the condition runs) sees cases under a purpose. */
export function caseRoutesOfUser(purpose: unknown): CaseRoutes {
  return {
    local: false,
    supervisor: sql<boolean>`'supervisor' = any(users.roles)`,
    oversight: sql<boolean>`('oversight' = any(users.roles) and ${purpose} = 'oversight')`,
  };
}

/**
 * visibleCases for an actor's id, organisation and markings given as values (or placeholders of a
 * statement compiled once) or as columns of the query, its routes decided apart.
 */
export function visibleCasesOf(
  actor: { userId: unknown; organisation: unknown; compartments: unknown },
  routes: CaseRoutes,
): (eb: ExpressionBuilder<Database, 'cases'>) => Expression<SqlBool> {
  return (eb) => {
    if (routes.local) return sql<boolean>`true`;
    const marked = sql<boolean>`${eb.ref('cases.markings')} <@ ${actor.compartments}::text[]`;
    const sameOrganisation = sql<boolean>`${eb.ref('cases.organisation')} = ${actor.organisation}`;
    // Membership, and the routes the actor has besides.
    const ways: Array<Expression<SqlBool>> = [
      eb.exists(
        eb
          .selectFrom('case_members')
          .select(sql`1`.as('one'))
          .whereRef('case_members.case_id', '=', 'cases.id')
          .where(sql<boolean>`case_members.user_id = ${actor.userId}`),
      ),
    ];
    if (routes.supervisor === true) ways.push(sameOrganisation);
    else if (routes.supervisor !== false) ways.push(eb.and([routes.supervisor, sameOrganisation]));
    if (routes.oversight === true) ways.push(sql<boolean>`true`);
    else if (routes.oversight !== false) ways.push(routes.oversight);
    return eb.and([marked, eb.or(ways)]);
  };
}

/**
 * Single object: may the actor take this action on the case? Throws NotFound (the very answer a
 * missing case gets) when the actor may not see it, Forbidden when they see it but may not act.
 */
export async function authorizeCase(ctx: Ctx, action: CaseAction, caseId: string) {
  // The caller's team role comes with the case, in the same statement.
  const found = await ctx.db
    .selectFrom('cases')
    .select(['cases.id', 'cases.status', 'cases.owner_id', 'cases.organisation', 'cases.markings'])
    .select((eb) => eb.selectFrom('case_members').select('case_members.role').whereRef('case_members.case_id', '=', 'cases.id').where('case_members.user_id', '=', ctx.actor.userId).as('member_role'))
    .where('cases.id', '=', caseId)
    .where(visibleCases(ctx))
    .executeTakeFirst();
  if (found === undefined) throw caseNotFound(caseId);
  const { member_role: role, ...row } = found;
  if (action === 'case.read' || isLocalOperator(ctx.actor)) return row;
  const supervises = ctx.actor.roles.includes('supervisor') && row.organisation === ctx.actor.organisation;
  // An observer on the team may read the case but change nothing.
  if (action === 'case.update' && ((role !== null && role !== 'observer') || supervises)) return row;
  if (action === 'case.manage-members' && (role === 'owner' || supervises)) return row;
  throw new Forbidden(`${action} on case ${caseId} needs its owner, a team member who is not an observer, or a supervisor of its organisation`);
}

/** The answer for a case that does not exist or may not be seen: the same in both cases. */
export function caseNotFound(caseId: string): NotFound {
  return new NotFound(`case ${caseId} not found`);
}

/**
 * Set-based: the statements the context may see, as a condition on `statements` joined with
 * `sources`. The source must allow the stated purpose, and every marking of the statement must be
 * held. Used inside every query that reads statements, so counts and facets obey it too.
 */
export function visibleStatements(ctx: Ctx): (eb: ExpressionBuilder<Database, 'statements' | 'sources'>) => Expression<SqlBool> {
  const purpose = ctx.purpose?.code ?? '';
  const compartments = ctx.actor.compartments;
  const operator = isLocalOperator(ctx.actor);
  return (eb) =>
    eb.and([
      sql<boolean>`${sql.val(purpose)} = any(${eb.ref('sources.allowed_purposes')})`,
      // The local operator works on the store itself and holds every marking.
      operator ? sql<boolean>`true` : sql<boolean>`${eb.ref('statements.markings')} <@ ${sql.val(compartments)}::text[]`,
    ]);
}
