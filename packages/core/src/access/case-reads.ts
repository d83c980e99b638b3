import { sql, type Kysely } from 'kysely';
import type { Actor, Ctx } from '../context/context.js';
import type { Database } from '../store/schema.js';
import { compiledOnce } from '../store/compiled-once.js';
import { caseRoutes, visibleCasesOf, type CaseRoutes } from './authorize.js';
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
 * The case check: the case if the actor may see it, its status, the sensitive categories unlocked
 * for it and the sources that allow the purpose. The actor is given as values (or placeholders) or
 * as columns of an outer query (the session's lookup reads the check with it).
 */
export function caseCheckQuery(
  db: Pick<Kysely<Database>, 'selectFrom'>,
  v: { caseId: unknown; now: unknown; purpose: unknown },
  actor: { userId: unknown; organisation: unknown; compartments: unknown },
  routes: CaseRoutes,
) {
  return db
    .selectFrom('cases')
    .select(['cases.id', 'cases.status'])
    .select([
      sql<string[]>`coalesce((select array_agg(distinct category) from sensitive_unlocks u cross join unnest(u.categories) as category
        where u.case_id = cases.id and u.status = 'approved' and u.expires_at > ${v.now}), '{}')`.as('unlocked'),
      sql<SourceTerms[]>`coalesce((select json_agg(json_build_object('id', s.id, 'may_combine', s.may_combine, 'sensitive_categories', s.sensitive_categories) order by s.id)
        from sources s where ${v.purpose} = any(s.allowed_purposes)), '[]')`.as('sources'),
    ])
    .where(sql<boolean>`cases.id = ${v.caseId}`)
    .where(visibleCasesOf(actor, routes));
}

// Sent for every purpose-bound request the session's lookup did not check: compiled once for each way of seeing cases.
const caseWithReads = compiledOnce(
  (db, v: { caseId: string; now: Date; purpose: string; userId: string; organisation: string; compartments: string[] }, routes: CaseRoutes) =>
    caseCheckQuery(db, v, v, routes),
);

/** A case check's row as the query reads it. */
export interface CaseCheckRow {
  status: string;
  unlocked: string[];
  sources: SourceTerms[];
}

// By actor (one per request): the case check the session's lookup read for the request's purpose, until a case check takes it.
const checkedWithSession = new WeakMap<Actor, { caseId: string; purpose: string; row: CaseCheckRow | undefined }>();

/** Keeps the case check read with the session of this request's actor, for the request's first case check. */
export function rememberCaseCheck(actor: Actor, caseId: string, purpose: string, row: CaseCheckRow | undefined): void {
  checkedWithSession.set(actor, { caseId, purpose, row });
}

/**
 * The stated case as the caller may see it (undefined when they may not, or it does not exist),
 * with its unlocks and the purpose's sources, remembered for the rest of the transaction.
 */
export async function readCase(ctx: Ctx, caseId: string): Promise<CaseReads | undefined> {
  const purpose = ctx.purpose?.code ?? '';
  const early = checkedWithSession.get(ctx.actor);
  if (early !== undefined) checkedWithSession.delete(ctx.actor);
  let row: CaseCheckRow | undefined;
  if (early !== undefined && early.caseId === caseId && early.purpose === purpose) row = early.row;
  else {
    const { userId, organisation, compartments } = ctx.actor;
    [row] = await caseWithReads(ctx.db, { caseId, now: ctx.now(), purpose, userId, organisation, compartments: [...compartments] }, caseRoutes(ctx));
  }
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
