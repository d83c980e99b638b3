import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { NotFound } from '../errors.js';
import { commonSchema } from '../model/ftm.js';
import { visibleStatements } from '../access/authorize.js';
import { readableStatements, type ReadAccess } from '../access/read-access.js';
import { mayBeMinor, sensitiveStatementsFilter, unlockedCategories, type SensitiveCategory } from '../access/sensitive.js';

/** One value of an entity with where it came from. */
export interface EntityValue {
  value: string;
  source: string;
  origin: string;
  firstSeen: Date;
  lastSeen: Date;
  statementId: string;
}

/** An entity assembled from its statements. */
export interface Entity {
  id: string;
  schema: string;
  properties: Record<string, EntityValue[]>;
  sources: string[];
  /** The records (entity ids) it is made of, when resolution found several to be the same. */
  records?: string[];
}

/**
 * The id a cluster shows under: its canonical id when the caller may see that record, else the
 * smallest id among those it may see, so a hidden record's id never leaks through its cluster.
 */
export function shownId(canonical: string, visibleMembers: readonly Entity[]): string {
  if (visibleMembers.some((m) => m.id === canonical)) return canonical;
  return visibleMembers.map((m) => m.id).sort()[0] ?? canonical;
}

/** The records of one cluster seen as one entity: every value with its own source, the most specific schema they share. */
export function mergeEntities(id: string, members: readonly Entity[]): Entity {
  const only = members.length === 1 ? members[0] : undefined;
  if (only !== undefined && only.id === id) return only;
  const properties: Entity['properties'] = {};
  let schema: string | null = null;
  for (const member of members) {
    schema = schema === null ? member.schema : (commonSchema(schema, member.schema) ?? schema);
    for (const [name, values] of Object.entries(member.properties)) (properties[name] ??= []).push(...values);
  }
  return { id, schema: schema ?? 'Thing', properties, sources: [...new Set(members.flatMap((m) => m.sources))].sort(), records: members.map((m) => m.id).sort() };
}

/** The statement columns an entity is assembled from. */
const STATEMENT_COLUMNS = [
  'statements.id',
  'statements.entity_id',
  'statements.schema',
  'statements.property',
  'statements.value',
  'statements.source_id',
  'statements.origin',
  'statements.first_seen',
  'statements.last_seen',
] as const;

async function visibleStatementsOf(tx: Ctx, unlocked: ReadonlySet<SensitiveCategory>, ids: readonly string[], sourceIds: readonly string[] | undefined) {
  let query = tx.db
    .selectFrom('statements')
    .innerJoin('sources', 'sources.id', 'statements.source_id')
    .select([...STATEMENT_COLUMNS, 'sources.may_combine'])
    .where('statements.entity_id', 'in', [...ids])
    .where(visibleStatements(tx))
    .where(sensitiveStatementsFilter(unlocked));
  if (sourceIds !== undefined) query = query.where('statements.source_id', 'in', [...sourceIds]);
  return query.orderBy('statements.entity_id').orderBy('statements.property').orderBy('statements.value').execute();
}

/** The same rows read where the decision says (a read replica), the decision made on the primary filtering them. */
async function readableStatementsOf(access: ReadAccess, ids: readonly string[], sourceIds: readonly string[] | undefined) {
  let query = access.db
    .selectFrom('statements')
    .select([...STATEMENT_COLUMNS])
    .where('statements.entity_id', 'in', [...ids])
    .where(readableStatements(access));
  if (sourceIds !== undefined) query = query.where('statements.source_id', 'in', [...sourceIds]);
  const rows = await query.orderBy('statements.entity_id').orderBy('statements.property').orderBy('statements.value').execute();
  return rows.map((row) => ({ ...row, may_combine: access.combinable.has(row.source_id) }));
}

/**
 * The entities with these ids as the context may see them, assembled from their statements:
 * statements must pass the source policies and sensitive-category rules; a source that may not
 * be combined with others shows only when it is an entity's only source; people who may be under
 * 18 are left out unless unlocked. Entities with nothing visible are absent from the answer.
 * Runs inside the caller's audited transaction; with `access` (decided there by decideReads) the
 * statements are read where it says, a read replica for search and graph results.
 */
export async function assembleVisibleEntities(tx: Ctx, ids: readonly string[], options: { sourceIds?: readonly string[]; access?: ReadAccess } = {}): Promise<Entity[]> {
  if (ids.length === 0) return [];
  const unlocked = options.access?.unlocked ?? (await unlockedCategories(tx));
  const all = options.access !== undefined ? await readableStatementsOf(options.access, ids, options.sourceIds) : await visibleStatementsOf(tx, unlocked, ids, options.sourceIds);
  const byEntity = new Map<string, typeof all>();
  for (const row of all) {
    const list = byEntity.get(row.entity_id);
    if (list === undefined) byEntity.set(row.entity_id, [row]);
    else list.push(row);
  }
  const entities: Entity[] = [];
  for (const id of ids) {
    const visible = byEntity.get(id) ?? [];
    // A source that may not be combined with others shows only when it is the entity's only source.
    const combinable = visible.filter((row) => row.may_combine);
    const rows = combinable.length > 0 ? combinable : visible.filter((row) => row.source_id === visible[0]?.source_id);
    if (rows.length === 0) continue;
    // Records of people who may be under 18 stay hidden, whole, unless unlocked for the case.
    if (!unlocked.has('minors') && rows.some((row) => row.property === 'birthDate' && mayBeMinor(row.value, tx.now()))) continue;
    let schema: string | null = null;
    const properties: Record<string, EntityValue[]> = {};
    const sources = new Set<string>();
    for (const row of rows) {
      schema = schema === null ? row.schema : (commonSchema(schema, row.schema) ?? schema);
      sources.add(row.source_id);
      (properties[row.property] ??= []).push({
        value: row.value,
        source: row.source_id,
        origin: row.origin,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
        statementId: row.id,
      });
    }
    entities.push({ id, schema: schema ?? 'Thing', properties, sources: [...sources].sort() });
  }
  return entities;
}

/**
 * Assembles an entity from all its statements (consultation; purpose-bound).
 * @example const person = await getEntity(withPurpose(ctx, purpose), 'a1b2...');
 */
export async function getEntity(ctx: Ctx, id: string): Promise<Entity> {
  return runWithPurpose(ctx, { action: 'entity.view', category: 'consultation', subjectIds: [id], readsOnly: true }, async (tx) => {
    const [entity] = await assembleVisibleEntities(tx, [id]);
    if (entity === undefined) throw new NotFound(`entity ${id} not found`);
    // A resolved record shows as its whole cluster, under the canonical id, with what the caller may see of each record.
    const cluster = await tx.db.selectFrom('entity_clusters').select('cluster_id').where('entity_id', '=', id).executeTakeFirst();
    if (cluster === undefined) return { value: entity, subjectIds: [id] };
    const memberIds = (await tx.db.selectFrom('entity_clusters').select('entity_id').where('cluster_id', '=', cluster.cluster_id).execute()).map((row) => row.entity_id);
    const members = await assembleVisibleEntities(tx, memberIds);
    if (members.length === 1) return { value: entity, subjectIds: [id] };
    return { value: mergeEntities(shownId(cluster.cluster_id, members), members), subjectIds: members.map((m) => m.id) };
  });
}
