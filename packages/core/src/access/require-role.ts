import { recordDenial, type AuditedAction } from '../context/purpose.js';
import type { Ctx, Role } from '../context/context.js';
import { Forbidden } from '../errors.js';

/** Refuses (and records the refusal) unless the actor holds one of the roles. */
export async function requireRole(ctx: Ctx, action: AuditedAction, roles: Role[]): Promise<void> {
  if (ctx.actor.roles.some((role) => roles.includes(role))) return;
  const error = new Forbidden(`${action.action} needs the role ${roles.join(' or ')}`);
  await recordDenial(ctx, action, error);
  throw error;
}
