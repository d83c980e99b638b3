import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealTerms } from '../audit/keys.js';
import type { Actor, Ctx } from '../context/context.js';
import { writeEntities } from '../entities/write-entities.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/index.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { searchEntities } from './search-entities.js';

const keys = { termsKey: randomBytes(32).toString('base64') };
const analyst: Actor = { userId: 'u-analyst', sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
const purpose = { caseId: null, code: 'administration', justification: 'checking the candidate window' };
// More records sharing the word than the candidates one group of the index considers (1,500).
const SHARING = 1_600;

describe.each(dialects())('the candidate window of a search on %s', (dialect) => {
  let store: Store;
  let ctx: Ctx;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['administration'] });
    const write = testContext(store, { purpose });
    await writeEntities(write, {
      sourceId: 'registry',
      entities: [
        ...Array.from({ length: SHARING }, (_, i) => ({ id: `p-${i}`, schema: 'Person', origin: `R${i}`, properties: { name: [`Quenby Harrowgate ${i}`] } })),
        // Close in spelling: it shares the sound and consonants of the word, not the word itself.
        { id: 'p-typo', schema: 'Person', origin: 'T1', properties: { name: ['Harrowgata'] } },
        { id: 'p-phone', schema: 'Person', origin: 'T2', properties: { name: ['Ysolde Marchbank'], phone: ['+44 20 7946 0018'] } },
      ],
    });
    ctx = testContext(store, { actor: analyst, purpose });
  });
  afterAll(async () => {
    await store.close();
  });

  it('when more values share a word than the window holds, the window is full and says so, and a value sharing fewer of the terms is left out', async () => {
    const result = await searchEntities(ctx, { query: 'name:Harrowgate', limit: 100 }, (t) => sealTerms(keys, t));
    expect(result.truncated).toBe(true);
    expect(result.results.map((hit) => hit.id)).not.toContain('p-typo');
    expect(result.results.every((hit) => hit.caption.includes('Harrowgate'))).toBe(true);
  });

  it('the value sharing every term ranks first, above the many close in spelling', async () => {
    const result = await searchEntities(ctx, { query: 'name:Harrowgata' }, (t) => sealTerms(keys, t));
    expect(result.results[0]?.id).toBe('p-typo');
    expect(result.total).toBeGreaterThan(1);
  });

  it('a misspelled name is still found when few values share its words', async () => {
    const result = await searchEntities(ctx, { query: 'name:Marchbonk Ysolda' }, (t) => sealTerms(keys, t));
    expect(result.results.map((hit) => hit.id)).toContain('p-phone');
  });

  it('a phone number in a free search finds its holder first', async () => {
    const result = await searchEntities(ctx, { query: '020 7946 0018' }, (t) => sealTerms(keys, t));
    expect(result.results[0]?.id).toBe('p-phone');
  });
});
