import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { requireRole } from './require-role.js';
import type { Ctx, Role } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Conflict, Invalid } from '../errors.js';

/** The roles of the access model, in the order the UI lists them. */
export const ROLES: readonly Role[] = ['analyst', 'supervisor', 'oversight', 'administrator'];

/** A user account as others may see it (never the password hash). */
export interface UserSummary {
  id: string;
  username: string;
  displayName: string;
  organisation: string;
  roles: Role[];
  compartments: string[];
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

/**
 * Creates a local account with an Argon2id password hash (administrators only; audited).
 * @example await createUser(ctx, { username: 'a.analyst', displayName: 'A. Analyst', organisation: 'Unit 1', roles: ['analyst'], password: '...' })
 */
export async function createUser(
  ctx: Ctx,
  input: { username: string; displayName: string; organisation: string; roles: Role[]; compartments?: string[]; password: string },
): Promise<UserSummary> {
  const action = { action: 'user.create', category: 'alteration' } as const;
  await requireRole(ctx, action, ['administrator']);
  if (!USERNAME.test(input.username)) throw new Invalid('a username is 2-63 lower-case letters, digits, dots, dashes or underscores');
  if (input.roles.length === 0 || input.roles.some((r) => !ROLES.includes(r))) {
    throw new Invalid(`roles must be among ${ROLES.join(', ')}`);
  }
  if (input.password.length < 12) throw new Invalid('a password needs at least 12 characters');
  const passwordHash = await hash(input.password, { algorithm: 2 });
  return runAudited(ctx, action, async (tx) => {
    const taken = await tx.db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
    if (taken !== undefined) throw new Conflict(`user ${input.username} already exists`);
    // An organisation comes into being with its first user.
    await tx.db.insertInto('organisations').values({ id: input.organisation, name: input.organisation }).onConflict((oc) => oc.column('id').doNothing()).execute();
    const user: UserSummary = {
      id: randomUUID(),
      username: input.username,
      displayName: input.displayName,
      organisation: input.organisation,
      roles: input.roles,
      compartments: input.compartments ?? [],
    };
    await tx.db
      .insertInto('users')
      .values({
        id: user.id,
        username: user.username,
        display_name: user.displayName,
        organisation: user.organisation,
        roles: user.roles,
        compartments: user.compartments,
        password_hash: passwordHash,
      })
      .execute();
    return { value: user, objectIds: [user.id] };
  });
}
