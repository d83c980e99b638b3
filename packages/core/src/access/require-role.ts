import { recordDenial, type AuditedAction } from '../context/purpose.js';
import { LOCAL_OPERATOR, type Ctx, type Role } from '../context/context.js';
import { Forbidden } from '../errors.js';

/**
 * Refuses (and records the refusal) unless the actor holds one of the roles. The local operator,
 * who works on the store itself from the command line, holds them all.
 */
export async function requireRole(ctx: Ctx, action: AuditedAction, roles: Role[]): Promise<void> {
  if (ctx.actor.roles.some((role) => roles.includes(role))) return;
  if (ctx.actor.userId === LOCAL_OPERATOR.userId) return;
  const error = new Forbidden(`${action.action} needs the role ${roles.join(' or ')}`);
  await recordDenial(ctx, action, error);
  throw error;
}
