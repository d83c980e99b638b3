import { sql, type Kysely } from 'kysely';
import { reindexSearch } from '../../search/index-statements.js';
import type { Database } from '../schema.js';

/**
 * The consolidated search index: one row per searchable statement (names, addresses,
 * identifiers, phones, emails, free text), holding its property-type group, the normalised key
 * trigram similarity compares, and the terms exact lookups meet (tokens, phonetic codes, nickname
 * groups, consonant skeletons, house numbers, postcodes, E.164 phones...), each prefixed by its
 * kind. Rows go with their statement: erasing a statement erases its terms.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table search_values (
      statement_id text primary key references statements(id) on delete cascade,
      entity_id text not null,
      source_id text not null,
      grp text not null,
      key text not null,
      terms text[] not null
    )`.execute(db);
  await sql`create index search_values_terms on search_values using gin (terms)`.execute(db);
  await sql`create index search_values_key on search_values using gin (key gin_trgm_ops)`.execute(db);
  await sql`create index search_values_entity on search_values (entity_id)`.execute(db);
  // A store made before the index: its statements are indexed here, in the migration's
  // transaction, so an upgrade interrupted halfway starts again whole.
  await reindexSearch(db as unknown as Kysely<Database>, { words: false });
}
