import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Ctx } from '../context/context.js';
import { LOCAL_OPERATOR } from '../context/context.js';
import type { Database } from '../store/schema.js';
import { checkedCase } from './case-reads.js';
import { IDENTITY_CATEGORIES, SPECIAL_CATEGORY_PROPERTIES, unlockedCategories, type SensitiveCategory } from './sensitive.js';

/**
 * What the caller may read under the stated purpose, decided on the primary inside the caller's
 * transaction, and where the statements are read. Heavy reads (search candidates, graph edges)
 * may run on a read replica that lags the primary: they get this decision as literal values, so a
 * changed source policy, a revoked compartment or an expired unlock counts at once, whatever the
 * replica has replayed.
 */
export interface ReadAccess {
  /** Where the statements are read: the read replica when asked for and the deployment has one, else the transaction. */
  db: Kysely<Database>;
  /** The sensitive categories unlocked for the stated case. */
  unlocked: ReadonlySet<SensitiveCategory>;
  /** Sources that allow the purpose, less those holding witness or informant identities still locked. */
  sources: readonly string[];
  /** Those of them that may be combined with other sources. */
  combinable: ReadonlySet<string>;
  /** The markings the caller holds; null for the local operator, who holds every one. */
  compartments: readonly string[] | null;
}

/**
 * Decides on the primary (the context's transaction) which statements the caller may read, and
 * answers where to read them: on `tx.readDb` when `replica` is asked for and the deployment has
 * one, else on the transaction itself.
 * @example const access = await decideReads(tx, { replica: true }); query.where(readableStatements(access))
 */
export async function decideReads(tx: Ctx, options: { replica?: boolean } = {}): Promise<ReadAccess> {
  // The transaction's case check read the unlocks and the sources already, when there is a case.
  const checked = checkedCase(tx);
  const unlocked = checked?.unlocked ?? (await unlockedCategories(tx));
  const purpose = tx.purpose?.code ?? '';
  const hidden: readonly string[] = IDENTITY_CATEGORIES.filter((category) => !unlocked.has(category));
  const rows =
    checked?.sources ??
    (await tx.db
      .selectFrom('sources')
      .select(['id', 'may_combine', 'sensitive_categories'])
      .where(sql<boolean>`${purpose} = any(allowed_purposes)`)
      .orderBy('id')
      .execute());
  const readable = rows.filter((row) => !row.sensitive_categories.some((category) => hidden.includes(category)));
  return {
    db: options.replica === true ? (tx.readDb ?? tx.db) : tx.db,
    unlocked,
    sources: readable.map((row) => row.id),
    combinable: new Set(readable.filter((row) => row.may_combine).map((row) => row.id)),
    compartments: tx.actor.userId === LOCAL_OPERATOR.userId ? null : [...tx.actor.compartments],
  };
}

/**
 * SQL: the statement (as `statements`) is one the decision lets the caller read: its source is
 * among the readable ones, the caller holds all its markings, and it is no special-category
 * property unless that is unlocked. The same rule as visibleStatements with
 * sensitiveStatementsFilter, without reading `sources` where the query runs.
 */
export function readableStatements(access: ReadAccess, options: { combinableOnly?: boolean } = {}): RawBuilder<boolean> {
  const sources = options.combinableOnly === true ? [...access.combinable] : [...access.sources];
  if (sources.length === 0) return sql<boolean>`false`;
  const conditions: Array<RawBuilder<boolean>> = [sql<boolean>`statements.source_id = any(${sql.val(sources)}::text[])`];
  if (access.compartments !== null) conditions.push(sql<boolean>`statements.markings <@ ${sql.val([...access.compartments])}::text[]`);
  if (!access.unlocked.has('special-category')) conditions.push(sql<boolean>`statements.property <> all(${sql.val([...SPECIAL_CATEGORY_PROPERTIES])}::text[])`);
  return sql<boolean>`(${sql.join(conditions, sql` and `)})`;
}
