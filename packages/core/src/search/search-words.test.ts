import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealTerms } from '../audit/keys.js';
import type { Actor, Ctx } from '../context/context.js';
import { writeEntities } from '../entities/write-entities.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/index.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { searchEntities } from './search-entities.js';
import { closeSpellings, tidySearchWords } from './search-words.js';

const keys = { termsKey: randomBytes(32).toString('base64') };
const analyst: Actor = { userId: 'u-analyst', sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
const purpose = { caseId: null, code: 'administration', justification: 'checking close spellings' };

describe.each(dialects())('close spellings through the words of names on %s', (dialect) => {
  let store: Store;
  let ctx: Ctx;
  const words = async () => (await store.db.selectFrom('search_words').select('word').orderBy('word').execute()).map((r) => r.word);

  beforeAll(async () => {
    store = await openTestStore(dialect);
    await registerSource(testContext(store), { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['administration'] });
    await writeEntities(testContext(store, { purpose }), {
      sourceId: 'registry',
      entities: [
        { id: 'p-amira', schema: 'Person', origin: 'R1', properties: { name: ['Amira Hamdan'] } },
        // Sounds like "Amita" (both AMT): found by sound, so spellings of the whole name are never compared.
        { id: 'p-ahmad', schema: 'Person', origin: 'R2', properties: { name: ['Ahmad Hamdan'] } },
        { id: 'p-zorvath', schema: 'Person', origin: 'R3', properties: { name: ['Quillon Zorvath'] } },
      ],
    });
    ctx = testContext(store, { actor: analyst, purpose });
  });
  afterAll(async () => {
    await store.close();
  });

  it('keeps each word of a written name once', async () => {
    expect(await words()).toEqual(['ahmad', 'amira', 'hamdan', 'quillon', 'zorvath']);
  });

  it('a misspelled word is met by the stored word spelled like it, though another name sounds like it', async () => {
    expect(await closeSpellings(store.db, ['amita', 'hamdan'])).toEqual(new Map([['amita', ['amira']]]));
    const result = await searchEntities(ctx, { query: 'Amita Hamdan' }, (t) => sealTerms(keys, t));
    const ids = result.results.map((hit) => hit.id);
    expect(ids).toContain('p-ahmad');
    expect(ids).toContain('p-amira');
    const amira = result.results.find((hit) => hit.id === 'p-amira');
    expect(amira?.matches[0]?.how).toBe('typo');
  });

  it('housekeeping removes repeated words and words no name holds any more', async () => {
    // Two writers adding the same new word at once each add it: neither waits for the other.
    await sql`insert into search_words (word) values ('amira')`.execute(store.db);
    await store.db.deleteFrom('statements').where('entity_id', '=', 'p-zorvath').execute();
    expect(await tidySearchWords(store.db)).toEqual({ repeats: 1, unheld: 2 });
    expect(await words()).toEqual(['ahmad', 'amira', 'hamdan']);
    expect((await closeSpellings(store.db, ['zorvat'])).size).toBe(0);
  });
});
