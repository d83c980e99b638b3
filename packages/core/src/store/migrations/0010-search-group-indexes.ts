import { sql, type Kysely } from 'kysely';
import { fillSearchWords } from '../../search/search-words.js';
import type { Database } from '../schema.js';

/**
 * The search index by group: each property-type group has its own terms index, and names and
 * addresses their own trigram index, in place of one of each over every group. A name search
 * reads the posting lists of names only, not of every address and text that holds the same word,
 * and a word common in one group (a street name) costs nothing in another. The exact groups
 * (identifiers, phones, emails) share one, as each of their values has a single term.
 *
 * And the words of names, each once, with a trigram index: a misspelled query word finds the
 * words spelled like it there (thousands of rows) rather than in every name of the store.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const group of ['name', 'address', 'text']) {
    await sql`create index if not exists ${sql.id(`search_values_${group}_terms`)} on search_values using gin (terms) where grp = ${sql.lit(group)}`.execute(db);
  }
  await sql`create index if not exists search_values_exact_terms on search_values using gin (terms) where grp in ('identifier', 'phone', 'email')`.execute(db);
  for (const group of ['name', 'address']) {
    await sql`create index if not exists ${sql.id(`search_values_${group}_key`)} on search_values using gin (key gin_trgm_ops) where grp = ${sql.lit(group)}`.execute(db);
  }
  await sql`drop index if exists search_values_terms`.execute(db);
  await sql`drop index if exists search_values_key`.execute(db);
  await sql`create table if not exists search_words (word text not null)`.execute(db);
  await sql`create index if not exists search_words_word on search_words (word)`.execute(db);
  await sql`create index if not exists search_words_spelling on search_words using gin (word gin_trgm_ops)`.execute(db);
  await fillSearchWords(db as unknown as Kysely<Database>);
}
