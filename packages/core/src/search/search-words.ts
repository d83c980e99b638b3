import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { spelledAlike } from './score.js';

// Words shorter than this are not compared by spelling: one letter changed makes another name.
const MIN_WORD = 3;
// Close spellings looked up per word of a query, closest first.
const SPELLINGS_PER_WORD = 20;

/**
 * The words of names in the search index, each once, so a query word misspelled ("Amita" for
 * "Amira") can be met by the words spelled like it: a trigram lookup in a table of thousands of
 * words instead of every name in the store. Words are added with the names that hold them, in
 * the same transaction, without a unique key (so concurrent writers never wait on each other);
 * housekeeping removes repeats and words no name holds any more (`tidySearchWords`).
 */
export async function addSearchWords(db: Kysely<Database>, words: Iterable<string>): Promise<void> {
  const wanted = [...new Set([...words].filter((w) => w.length >= MIN_WORD))].sort();
  if (wanted.length === 0) return;
  await sql`
    insert into search_words (word)
    select w from unnest(${wanted}::text[]) as u(w)
    where not exists (select 1 from search_words s where s.word = u.w)`.execute(db);
}

/** The words of names in the store spelled like each query word (one edit, or close by Jaro-Winkler), itself left out. */
export async function closeSpellings(db: Kysely<Database>, tokens: readonly string[]): Promise<Map<string, string[]>> {
  const asked = [...new Set(tokens.filter((t) => t.length >= MIN_WORD))];
  const found = new Map<string, string[]>();
  if (asked.length === 0) return found;
  const rows = await sql<{ token: string; word: string }>`
    select q.token, w.word
    from unnest(${asked}::text[]) as q(token)
    cross join lateral (
      select distinct s.word, similarity(s.word, q.token) as closeness from search_words s
      where s.word % q.token and s.word <> q.token
      order by closeness desc, s.word limit ${SPELLINGS_PER_WORD * 2}
    ) w`.execute(db);
  for (const row of rows.rows) {
    if (!spelledAlike(row.token, row.word)) continue;
    const list = found.get(row.token) ?? [];
    if (list.length < SPELLINGS_PER_WORD) list.push(row.word);
    found.set(row.token, list);
  }
  return found;
}

/**
 * Housekeeping: removes repeated words (two writers adding the same new word at once) and words
 * no name in the index holds any more (after an erasure or retention). Answers how many went.
 */
export async function tidySearchWords(db: Kysely<Database>): Promise<{ repeats: number; unheld: number }> {
  const repeats = await sql`delete from search_words a using search_words b where a.word = b.word and a.ctid > b.ctid`.execute(db);
  const unheld = await sql`
    delete from search_words w
    where not exists (select 1 from search_values v where v.grp = 'name' and v.terms @> array['t:' || w.word])`.execute(db);
  return { repeats: Number(repeats.numAffectedRows ?? 0), unheld: Number(unheld.numAffectedRows ?? 0) };
}

/** Every word of names in the index, for a store made before the table (a migration's backfill). */
export async function fillSearchWords(db: Kysely<Database>): Promise<void> {
  await sql`
    insert into search_words (word)
    select distinct substr(t, 3) from search_values, unnest(terms) as t
    where grp = 'name' and t like 't:%' and length(t) >= ${MIN_WORD + 2}`.execute(db);
}
