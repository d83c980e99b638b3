import { createHash } from 'node:crypto';
import { indexStatements } from '../search/index-statements.js';
import { sql } from 'kysely';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { Invalid } from '../errors.js';
import { getSource, type Source } from '../sources/register-source.js';
import { checkEntity, describeProblem, type EntityInput } from './check-entity.js';

/** An entity from one source record; `origin` is that record's key values. */
export interface SourcedEntity extends EntityInput {
  origin: string;
}

/** What a write changed. */
export interface WriteSummary {
  entities: number;
  statements: number;
  /** Statements that did not exist before (the rest only moved last_seen). */
  inserted: number;
}

/**
 * The id of a statement: the same source, entity, property and value always give the same id,
 * so importing a record twice adds nothing.
 */
export function statementId(sourceId: string, entityId: string, property: string, value: string): string {
  return createHash('sha1').update(`${sourceId}\u001f${entityId}\u001f${property}\u001f${value}`).digest('hex');
}

/**
 * Stores entities from a registered source as statements (collection; purpose-bound).
 * Every entity is checked first: one bad value rejects the whole call and stores nothing.
 * @example await writeEntities(ctx, { sourceId: 'company-registry', entities: [{ id: 'c1', schema: 'Company', properties: { name: ['Northgate Ltd'] }, origin: '0001' }] })
 */
export async function writeEntities(ctx: Ctx, input: { sourceId: string; entities: SourcedEntity[] }): Promise<WriteSummary> {
  return runWithPurpose(ctx, { action: 'entities.write', category: 'collection' }, async (tx) => {
    const source = await getSource(tx.db, input.sourceId);
    const summary = await insertStatements(tx, source, input.entities);
    return {
      value: summary,
      objectIds: [source.id],
      subjectIds: input.entities.length <= 100 ? input.entities.map((e) => e.id) : [],
      detail: { source: source.id, ...summary },
    };
  });
}

/** Inserts checked statements in set-based batches; used by writeEntities and the importers. */
export async function insertStatements(ctx: Ctx, source: Source, entities: SourcedEntity[]): Promise<WriteSummary> {
  const now = ctx.now();
  const retentionUntil =
    source.retentionDays === null ? null : new Date(now.getTime() + source.retentionDays * 86_400_000).toISOString().slice(0, 10);
  const rows = new Map<string, StatementRow>();
  for (const entity of entities) {
    const { values, problems } = checkEntity(entity);
    const first = problems[0];
    if (first !== undefined) throw new Invalid(describeProblem(first), { problems });
    if (typeof entity.origin !== 'string' || entity.origin === '') {
      throw new Invalid(`entity ${entity.id}: the origin (key values of its source record) is missing`);
    }
    for (const v of values) {
      const id = statementId(source.id, entity.id, v.property, v.value);
      rows.set(id, { id, entityId: entity.id, schema: entity.schema, origin: entity.origin, ...v });
    }
  }
  let inserted = 0;
  const all = [...rows.values()];
  for (let i = 0; i < all.length; i += BATCH) {
    inserted += await upsertBatch(ctx, source, all.slice(i, i + BATCH), now, retentionUntil);
  }
  return { entities: entities.length, statements: all.length, inserted };
}

interface StatementRow {
  id: string;
  entityId: string;
  schema: string;
  property: string;
  propType: string;
  value: string;
  normalized: string | null;
  origin: string;
}

const BATCH = 2000;

/** One round trip per batch whatever its size: rows travel as arrays and are unnested in SQL. */
async function upsertBatch(
  ctx: Ctx,
  source: Source,
  batch: StatementRow[],
  now: Date,
  retentionUntil: string | null,
): Promise<number> {
  const column = <K extends keyof StatementRow>(key: K) => batch.map((row) => row[key]);
  const result = await sql<{ id: string; inserted: boolean }>`
    insert into statements (id, entity_id, schema, property, prop_type, value, normalized, source_id, origin,
                            first_seen, last_seen, markings, retention_until)
    select u.id, u.entity_id, u.schema, u.property, u.prop_type, u.value, u.normalized, ${source.id}, u.origin,
           ${now}, ${now}, ${source.markings}::text[], ${retentionUntil}::date
    from unnest(${column('id')}::text[], ${column('entityId')}::text[], ${column('schema')}::text[],
                ${column('property')}::text[], ${column('propType')}::text[], ${column('value')}::text[],
                ${column('normalized')}::text[], ${column('origin')}::text[])
         as u(id, entity_id, schema, property, prop_type, value, normalized, origin)
    on conflict (id) do update set last_seen = greatest(statements.last_seen, excluded.last_seen)
    returning id, (xmax = 0) as inserted`.execute(ctx.db);
  const inserted = new Set(result.rows.filter((row) => row.inserted).map((row) => row.id));
  // New statements enter the search index in the same transaction; seen ones are indexed already.
  await indexStatements(ctx.db, batch.filter((row) => inserted.has(row.id)).map((row) => ({ ...row, sourceId: source.id })));
  return inserted.size;
}
