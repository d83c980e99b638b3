import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { NotFound } from '../errors.js';
import { commonSchema } from '../model/ftm.js';

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
  return runWithPurpose(ctx, { action: 'entity.view', category: 'consultation' }, async (tx) => {
    const rows = await tx.db
      .selectFrom('statements')
      .select(['id', 'schema', 'property', 'value', 'source_id', 'origin', 'first_seen', 'last_seen'])
      .where('entity_id', '=', id)
      .orderBy('property')
      .orderBy('value')
      .execute();
    if (rows.length === 0) throw new NotFound(`entity ${id} not found`);
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
