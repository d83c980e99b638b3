import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { NotFound } from '../errors.js';
import { commonSchema } from '../model/ftm.js';
import { visibleStatements } from '../access/authorize.js';
import { mayBeMinor, sensitiveStatementsFilter, unlockedCategories } from '../access/sensitive.js';

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
}

/**
 * Assembles an entity from all its statements (consultation; purpose-bound).
 * @example const person = await getEntity(withPurpose(ctx, purpose), 'a1b2...');
 */
export async function getEntity(ctx: Ctx, id: string): Promise<Entity> {
  return runWithPurpose(ctx, { action: 'entity.view', category: 'consultation', subjectIds: [id] }, async (tx) => {
    const unlocked = await unlockedCategories(tx);
    const visible = await tx.db
      .selectFrom('statements')
      .innerJoin('sources', 'sources.id', 'statements.source_id')
      .select([
        'statements.id',
        'statements.schema',
        'statements.property',
        'statements.value',
        'statements.source_id',
        'statements.origin',
        'statements.first_seen',
        'statements.last_seen',
        'sources.may_combine',
      ])
      .where('statements.entity_id', '=', id)
      .where(visibleStatements(tx))
      .where(sensitiveStatementsFilter(unlocked))
      .orderBy('statements.property')
      .orderBy('statements.value')
      .execute();
    // A source that may not be combined with others shows only when it is the entity's only source.
    const combinable = visible.filter((row) => row.may_combine);
    const rows = combinable.length > 0 ? combinable : visible.filter((row) => row.source_id === visible[0]?.source_id);
    if (rows.length === 0) throw new NotFound(`entity ${id} not found`);
    // Records of people who may be under 18 stay hidden, whole, unless unlocked for the case.
    const minor = rows.some((row) => row.property === 'birthDate' && mayBeMinor(row.value, ctx.now()));
    if (minor && !unlocked.has('minors')) throw new NotFound(`entity ${id} not found`);
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
    return { value: { id, schema: schema ?? 'Thing', properties, sources: [...sources].sort() }, subjectIds: [id] };
  });
}
