import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { indexValue } from './index-terms.js';
import { addSearchWords } from './search-words.js';

/** A stored statement as the search index needs it. */
export interface IndexableStatement {
  id: string;
  entityId: string;
  sourceId: string;
  property: string;
  propType: string;
  value: string;
}

/**
 * Adds statements to the search index in one round trip, inside the caller's transaction, so a
 * statement and its terms commit together; statements already indexed are left as they are.
 */
export async function indexStatements(db: Kysely<Database>, statements: readonly IndexableStatement[], options: { words?: boolean } = {}): Promise<number> {
  const rows: Array<{ id: string; entityId: string; sourceId: string; grp: string; key: string; terms: string }> = [];
  const words = new Set<string>();
  for (const s of statements) {
    const indexed = indexValue(s.property, s.propType, s.value);
    if (indexed?.grp === 'name') for (const term of indexed.terms) if (term.startsWith('t:')) words.add(term.slice(2));
    // Terms travel as one JSON array per row: unnest cannot take an array of arrays of uneven length.
    if (indexed !== null) rows.push({ id: s.id, entityId: s.entityId, sourceId: s.sourceId, grp: indexed.grp, key: indexed.key, terms: JSON.stringify(indexed.terms) });
  }
  if (rows.length === 0) return 0;
  const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
  const result = await sql`
    insert into search_values (statement_id, entity_id, source_id, grp, key, terms)
    select u.id, u.entity_id, u.source_id, u.grp, u.key, array(select jsonb_array_elements_text(u.terms::jsonb))
    from unnest(${column('id')}::text[], ${column('entityId')}::text[], ${column('sourceId')}::text[], ${column('grp')}::text[],
                ${column('key')}::text[], ${column('terms')}::text[]) as u(id, entity_id, source_id, grp, key, terms)
    on conflict (statement_id) do nothing`.execute(db);
  // A store upgraded from before the words of names were kept gets them from its migration.
  if (options.words !== false) await addSearchWords(db, words);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Indexes every statement that is not in the search index yet, in batches (a store made before
 * the index existed, or one whose index was rebuilt); returns how many statements were indexed.
 */
export async function reindexSearch(db: Kysely<Database>, options: { batch?: number; onProgress?: (done: number) => void; words?: boolean } = {}): Promise<number> {
  const batch = options.batch ?? 5000;
  let done = 0;
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('statements')
      .leftJoin('search_values', 'search_values.statement_id', 'statements.id')
      .select(['statements.id', 'statements.entity_id', 'statements.source_id', 'statements.property', 'statements.prop_type', 'statements.value'])
      .where('search_values.statement_id', 'is', null)
      .where('statements.id', '>', after)
      .where('statements.prop_type', 'in', ['name', 'address', 'identifier', 'iban', 'phone', 'email', 'text', 'string'])
      .orderBy('statements.id')
      .limit(batch)
      .execute();
    if (rows.length === 0) return done;
    const batchRows = rows.map((r) => ({ id: r.id, entityId: r.entity_id, sourceId: r.source_id, property: r.property, propType: r.prop_type, value: r.value }));
    // Inside a migration the whole backfill is one transaction; otherwise each batch is its own.
    const words = { words: options.words ?? true };
    if (db.isTransaction) await indexStatements(db, batchRows, words);
    else await db.transaction().execute((trx) => indexStatements(trx, batchRows, words));
    done += rows.length;
    after = rows[rows.length - 1]?.id ?? after;
    options.onProgress?.(done);
  }
}
