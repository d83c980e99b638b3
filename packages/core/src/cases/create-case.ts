import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Invalid } from '../errors.js';
import { rolesFor } from '../access/authorize.js';
import { requireRole } from '../access/require-role.js';

/** A case as created. */
export interface CaseSummary {
  id: string;
  title: string;
  status: string;
  purpose: string;
  ownerId: string;
  createdAt: Date;
}

/**
 * Opens a new case owned by the actor and numbers it C-YYYY-NNNN (audited).
 * @example const c = await createCase(ctx, { title: 'Northgate procurement fraud', purpose: 'fraud-audit' });
 */
export async function createCase(ctx: Ctx, input: { title: string; purpose?: string; markings?: string[] }): Promise<CaseSummary> {
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (title === '') throw new Invalid('a case needs a title');
  if (title.length > 300) throw new Invalid('a case title may be at most 300 characters');
  const purposes = ctx.config.purposes.filter((p) => p.caseRequired);
  const purpose = input.purpose ?? purposes[0]?.code;
  if (purpose === undefined || !ctx.config.purposes.some((p) => p.code === purpose)) {
    throw new Invalid(`unknown purpose "${String(purpose)}" (known: ${ctx.config.purposes.map((p) => p.code).join(', ')})`);
  }
  const action = { action: 'case.create', category: 'alteration' } as const;
  await requireRole(ctx, action, [...rolesFor('case.create')]);
  return runAudited(ctx, action, async (tx) => {
    const now = ctx.now();
    const year = now.getUTCFullYear();
    const counter = await tx.db
      .insertInto('case_counters')
      .values({ year, last_number: 1 })
      .onConflict((oc) => oc.column('year').doUpdateSet((eb) => ({ last_number: eb('case_counters.last_number', '+', 1) })))
      .returning('last_number')
      .executeTakeFirstOrThrow();
    const id = `C-${year}-${String(counter.last_number).padStart(4, '0')}`;
    await tx.db
      .insertInto('cases')
      .values({
        id,
        year,
        number: counter.last_number,
        title,
        status: 'open',
        purpose,
        owner_id: ctx.actor.userId,
        organisation: ctx.actor.organisation,
        markings: input.markings ?? [],
        updated_at: now,
      })
      .execute();
    await tx.db.insertInto('case_members').values({ case_id: id, user_id: ctx.actor.userId, role: 'owner', added_at: now, added_by: ctx.actor.userId }).execute();
    return {
      value: { id, title, status: 'open', purpose, ownerId: ctx.actor.userId, createdAt: now },
      objectIds: [id],
    };
  });
}
