import { sql } from 'kysely';
import type { Ctx } from '../context/context.js';
import { visibleCases } from './authorize.js';
import type { SensitiveCategory } from './sensitive.js';

/** A source's terms as a read decision weighs them. */
export interface SourceTerms {
  id: string;
  may_combine: boolean;
  sensitive_categories: string[];
}

/**
 * The case of a purpose-bound transaction as it was checked, with what decides its reads: the
 * sensitive categories unlocked for it and the sources that allow the purpose. Read in one query
 * with the case check, so a read decision later in the transaction costs no query of its own.
 */
export interface CaseReads {
  caseId: string;
  purpose: string;
  status: string;
  unlocked: ReadonlySet<SensitiveCategory>;
  sources: readonly SourceTerms[];
}

// By transaction: what its case check read. Nothing in a purpose-bound transaction changes unlocks or source terms.
const checked = new WeakMap<object, CaseReads>();

/**
 * The stated case as the caller may see it (undefined when they may not, or it does not exist),
 * with its unlocks and the purpose's sources, remembered for the rest of the transaction.
 */
export async function readCase(ctx: Ctx, caseId: string): Promise<CaseReads | undefined> {
  const purpose = ctx.purpose?.code ?? '';
  const row = await ctx.db
    .selectFrom('cases')
    .select(['id', 'status'])
    .select([
      sql<string[]>`coalesce((select array_agg(distinct category) from sensitive_unlocks u cross join unnest(u.categories) as category
        where u.case_id = cases.id and u.status = 'approved' and u.expires_at > ${ctx.now()}), '{}')`.as('unlocked'),
      sql<SourceTerms[]>`coalesce((select json_agg(json_build_object('id', s.id, 'may_combine', s.may_combine, 'sensitive_categories', s.sensitive_categories) order by s.id)
        from sources s where ${purpose} = any(s.allowed_purposes)), '[]')`.as('sources'),
    ])
    .where('id', '=', caseId)
    .where(visibleCases(ctx))
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const reads: CaseReads = { caseId, purpose, status: row.status, unlocked: new Set(row.unlocked as SensitiveCategory[]), sources: row.sources };
  checked.set(ctx.db, reads);
  return reads;
}

/** What the transaction's case check read, when it checked the case and purpose the context states. */
export function checkedCase(ctx: Ctx): CaseReads | undefined {
  const reads = checked.get(ctx.db);
  const purpose = ctx.purpose;
  if (reads === undefined || purpose === null || reads.caseId !== purpose.caseId || reads.purpose !== purpose.code) return undefined;
  return reads;
}
