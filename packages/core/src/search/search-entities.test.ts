import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTerms, sealTerms } from '../audit/keys.js';
import type { Actor, Ctx } from '../context/context.js';
import { writeEntities } from '../entities/write-entities.js';
import { getEntity } from '../entities/get-entity.js';
import { createCase } from '../cases/create-case.js';
import { decideUnlock, requestUnlock } from '../access/sensitive.js';
import { Forbidden, Invalid, PurposeRequired } from '../errors.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/index.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { searchEntities, type SearchResult } from './search-entities.js';
import { judgePair } from '../resolution/judgments.js';

const keys = { termsKey: randomBytes(32).toString('base64') };
const seal = (terms: string) => sealTerms(keys, terms);

const analyst: Actor = { userId: 'u-analyst', sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
const purpose = { caseId: null, code: 'administration', justification: 'checking the harbour lead' };

describe.each(dialects())('consolidated search on %s', (dialect) => {
  let store: Store;
  let ctx: Ctx;
  const search = (query: string, extra: { cursor?: string | null; limit?: number } = {}, as: Ctx = ctx): Promise<SearchResult> => searchEntities(as, { query, ...extra }, seal);
  const ids = (result: SearchResult) => result.results.map((r) => r.id);

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['administration'] });
    await registerSource(operator, { id: 'intel', name: 'Intelligence', legalBasis: 'Order 2', purposes: ['administration'], markings: ['LE-ONLY'] });
    await registerSource(operator, { id: 'port-authority', name: 'Other purpose', legalBasis: 'Order 3', purposes: ['fraud-audit'] });
    const write = testContext(store, { purpose });
    await writeEntities(write, {
      sourceId: 'registry',
      entities: [
        { id: 'p-robert', schema: 'Person', origin: 'R1', properties: { name: ['Robert Smith'], birthDate: ['1978-05-14'], address: ['Flat 3, 12 Harbour Street, Portsmouth PO1 2AB'], phone: ['+44 20 7946 0018'], email: ['rob.smith@example.org'], idNumber: ['AB 123 456 C'], country: ['gb'] } },
        { id: 'p-roberta', schema: 'Person', origin: 'R2', properties: { name: ['Roberta Smithers'], birthDate: ['1991-02-01'] } },
        { id: 'p-margaret', schema: 'Person', origin: 'R3', properties: { name: ['Margaret Okafor'], birthDate: ['1980-07-30'], address: ['12 Harbour St #5, Portsmouth'] } },
        { id: 'p-dmitri', schema: 'Person', origin: 'R4', properties: { name: ['Dmitri Volkov'], birthDate: ['1969-01-09'] } },
        { id: 'p-ilse', schema: 'Person', origin: 'R5', properties: { name: ['Ilse Brandt'], description: ['Tattoo of an anchor on the left forearm'] } },
        { id: 'p-minor', schema: 'Person', origin: 'R6', properties: { name: ['Robert Smith'], birthDate: ['2015-03-03'] } },
        { id: 'c-harbour', schema: 'Company', origin: 'R7', properties: { name: ['Harbour Trading Ltd'], address: ['12 Harbour Street, Portsmouth'], jurisdiction: ['gb'] } },
        { id: 'v-van', schema: 'Vehicle', origin: 'R8', properties: { registrationNumber: ['KX19 ABC'], model: ['Transit'] } },
        { id: 'p-other-street', schema: 'Person', origin: 'R9', properties: { name: ['Tobias Quill'], address: ['14 Harbour Street, Portsmouth'] } },
      ],
    });
    await writeEntities(write, { sourceId: 'intel', entities: [{ id: 'p-smythe', schema: 'Person', origin: 'X1', properties: { name: ['Robert Smythe'], religion: ['Example faith'] } }] });
    const fraudCase = await createCase(operator, { title: 'Quay invoices', purpose: 'fraud-audit' });
    await writeEntities(testContext(store, { purpose: { caseId: fraudCase.id, code: 'fraud-audit', justification: 'loading the fraud extract' } }), {
      sourceId: 'port-authority',
      entities: [{ id: 'p-tax', schema: 'Person', origin: 'T1', properties: { name: ['Robert Smith Jones'] } }],
    });
    expect(await store.db.selectFrom('statements').select('id').where('entity_id', '=', 'p-tax').execute()).toHaveLength(1);
    ctx = testContext(store, { actor: analyst, purpose });
  });
  afterAll(async () => {
    await store.close();
  });

  it('a misspelled name finds its person first and says it was spelled differently', async () => {
    const result = await search('Robret Smith');
    expect(ids(result)[0]).toBe('p-robert');
    expect(result.results[0]?.matches[0]).toMatchObject({ property: 'name', value: 'Robert Smith', source: 'registry' });
    // "Robret" is both a likely typo and sounds the same; either explanation is right.
    expect(['typo', 'phonetic']).toContain(result.results[0]?.matches[0]?.how);
  });

  it('nicknames, initials, swapped names and names in another script find the person', async () => {
    expect((await search('Bob Smith')).results[0]).toMatchObject({ id: 'p-robert', matches: [expect.objectContaining({ how: 'nickname' })] });
    expect(ids(await search('R. Smith'))).toContain('p-robert');
    expect((await search('Smith, Robert')).results[0]).toMatchObject({ id: 'p-robert', matches: [expect.objectContaining({ how: 'token-order' })] });
    expect(ids(await search('Дмитрий Волков'))[0]).toBe('p-dmitri');
    expect(ids(await search('Peggy Okafor'))[0]).toBe('p-margaret');
  });

  it('one address query finds people and companies alike; the same unit ranks above another unit, above another building', async () => {
    const result = await search('address:"12 Harbour St, Apt 3, Portsmouth"');
    const order = ids(result);
    expect(order[0]).toBe('p-robert');
    expect(order).toContain('c-harbour');
    expect(order.indexOf('p-margaret')).toBeGreaterThan(order.indexOf('p-robert'));
    if (order.includes('p-other-street')) expect(order.indexOf('p-other-street')).toBeGreaterThan(order.indexOf('p-margaret'));
    expect(new Set(result.results.map((r) => r.schema))).toEqual(new Set(['Person', 'Company']));
  });

  it('phones in any format, emails, plates and identifiers match once normalised', async () => {
    expect(ids(await search('020 7946 0018'))).toEqual(['p-robert']);
    expect(ids(await search('phone:"(020) 7946-0018"'))).toEqual(['p-robert']);
    expect(ids(await search('ROB.SMITH@EXAMPLE.ORG'))).toEqual(['p-robert']);
    expect(ids(await search('kx19abc'))).toEqual(['v-van']);
    expect(ids(await search('id:ab123456c'))).toEqual(['p-robert']);
  });

  it('words of free text find the record that holds them', async () => {
    const result = await search('anchor tattoo');
    expect(result.results[0]).toMatchObject({ id: 'p-ilse', matches: [expect.objectContaining({ property: 'description', how: 'words' })] });
  });

  it('filters by schema, source and birth date, and facets by schema, source and country', async () => {
    expect(ids(await search('Robert Smith born:1978'))).toEqual(['p-robert']);
    expect(ids(await search('Robert Smith born:1990..1995'))).toEqual(['p-roberta']);
    expect(ids(await search('harbour schema:Company'))).toEqual(['c-harbour']);
    const facets = (await search('harbour')).facets;
    expect(facets.schema).toEqual(expect.arrayContaining([{ value: 'Company', count: 1 }]));
    expect(facets.source).toEqual([{ value: 'registry', count: expect.any(Number) as number }]);
    expect(facets.country).toEqual(expect.arrayContaining([{ value: 'gb', count: 2 }]));
  });

  it('a record the caller may not see never appears: not in results, totals or facets; nor a minor without an unlock', async () => {
    const result = await search('Robert Smith');
    expect(ids(result)).not.toContain('p-smythe');
    expect(ids(result)).not.toContain('p-tax');
    expect(ids(result)).not.toContain('p-minor');
    expect(result.facets.source.map((f) => f.value)).toEqual(['registry']);
    const marked = await search('Robert Smythe', {}, testContext(store, { actor: { ...analyst, compartments: ['LE-ONLY'] }, purpose }));
    expect(ids(marked)[0]).toBe('p-smythe');
    expect(marked.facets.source.map((f) => f.value)).toContain('intel');
    // The same query without the marking: one fewer in the total, and nothing of it anywhere.
    const unmarked = await search('Robert Smythe');
    expect(unmarked.total).toBe(marked.total - 1);
    expect(JSON.stringify(unmarked)).not.toMatch(/p-smythe|"intel"/);
    // Special categories are never searched.
    expect((await search('Example faith', {}, testContext(store, { actor: { ...analyst, compartments: ['LE-ONLY'] }, purpose }))).total).toBe(0);
  });

  it('pages with a cursor, refuses a cursor of another query, and pages past the window need approval', async () => {
    const first = await search('harbour', { limit: 1 });
    expect(first.results).toHaveLength(1);
    expect(first.next).not.toBeNull();
    const second = await search('harbour', { limit: 1, cursor: first.next });
    expect(ids(second)[0]).not.toBe(ids(first)[0]);
    await expect(search('Margaret', { cursor: first.next })).rejects.toThrow(/belongs to another query/);
    await expect(search('Margaret', { cursor: 'garbage' })).rejects.toThrow(Invalid);
    const far = Buffer.from(`200.${'x'.repeat(12)}`).toString('base64url');
    await expect(search('Margaret', { cursor: far })).rejects.toThrow();
    await expect(search('Margaret', { limit: 1, cursor: Buffer.from(`199.${(await import('node:crypto')).createHash('sha256').update('Margaret').digest('base64url').slice(0, 12)}`).toString('base64url') })).resolves.toBeDefined();
    await expect(search('Margaret', { limit: 2, cursor: Buffer.from(`199.${(await import('node:crypto')).createHash('sha256').update('Margaret').digest('base64url').slice(0, 12)}`).toString('base64url') })).rejects.toThrow(Forbidden);
  });

  it('a supervisor other than the requester can unlock results past the window for one case', async () => {
    const people: Record<'asker' | 'boss', Actor> = {
      asker: { userId: 'u-asker', sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] },
      boss: { userId: 'u-boss', sessionId: null, organisation: 'local', roles: ['supervisor'], compartments: [] },
    };
    for (const actor of Object.values(people)) {
      await store.db.insertInto('users').values({ id: actor.userId, username: actor.userId, display_name: actor.userId, organisation: 'local', roles: actor.roles, compartments: [], password_hash: null }).execute();
    }
    const theCase = await createCase(testContext(store, { actor: people.asker }), { title: 'Wide sweep of the quay', purpose: 'fraud-audit' });
    const asker = testContext(store, { actor: people.asker, purpose: { caseId: theCase.id, code: 'fraud-audit', justification: 'all the quay companies' } });
    const deep = { limit: 2, cursor: Buffer.from(`199.${createHash('sha256').update('harbour').digest('base64url').slice(0, 12)}`).toString('base64url') };
    await expect(search('harbour', deep, asker)).rejects.toThrow(/need a supervisor's approval/);
    const unlock = await requestUnlock(asker, { caseId: theCase.id, categories: ['bulk-results'], reason: 'the sweep of every company at the quay was ordered by the court', hours: 2 });
    await store.db.insertInto('case_members').values({ case_id: theCase.id, user_id: people.boss.userId, role: 'member', added_at: new Date(), added_by: people.asker.userId }).execute();
    await decideUnlock(testContext(store, { actor: people.boss }), { unlockId: unlock.id, approve: true });
    await expect(search('harbour', deep, asker)).resolves.toMatchObject({ results: [] });
    const denials = await store.db.selectFrom('audit_events').select('outcome').where('action', '=', 'search').where('actor_id', '=', people.asker.userId).execute();
    expect(denials.map((d) => d.outcome)).toEqual(['denied', 'success']);
  });

  it('empty and match-everything searches are refused before any query', async () => {
    for (const query of ['', '   ', '*', 'a', 'schema:Person', 'source:registry born:1978', '%%']) {
      await expect(search(query), JSON.stringify(query)).rejects.toThrow(Invalid);
    }
    await expect(searchEntities(testContext(store), { query: 'Robert Smith' }, seal)).rejects.toThrow(PurposeRequired);
  });

  it('each search is a consultation event with its terms sealed and the entities shown as subjects', async () => {
    await search('Robret Smith');
    const event = await store.db.selectFrom('audit_events').selectAll().where('action', '=', 'search').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(event).toMatchObject({ category: 'consultation', outcome: 'success', purpose: 'administration', justification: 'checking the harbour lead' });
    expect(event.subject_ids[0]).toBe('p-robert');
    expect(JSON.stringify(event)).not.toContain('Robret');
    expect(openTerms(keys, event.sealed_terms ?? '')).toBe('Robret Smith');
  });

  it('records resolution found to be the same person are one result, under the canonical id, with every record and source', async () => {
    await writeEntities(testContext(store, { purpose }), { sourceId: 'registry', entities: [{ id: 'p-rob-dup', schema: 'Person', origin: 'R10', properties: { name: ['SMITH, Robert'], birthDate: ['1978-05-14'], phone: ['020 7946 0018'] } }] });
    const before = await search('Robert Smith born:1978');
    expect(ids(before).sort()).toEqual(['p-rob-dup', 'p-robert']);
    await judgePair(testContext(store, { purpose }), { a: 'p-robert', b: 'p-rob-dup', verdict: 'positive', reason: 'same phone and birth date' });
    const after = await search('Robert Smith born:1978');
    expect(after.total).toBe(1);
    expect(after.results[0]).toMatchObject({ id: 'p-rob-dup', entities: ['p-rob-dup', 'p-robert'] });
    expect(after.results[0]?.properties.name?.sort()).toEqual(['Robert Smith', 'SMITH, Robert']);
    // Either record's profile is the cluster's, under the canonical id.
    const profile = await getEntity(ctx, 'p-robert');
    expect(profile).toMatchObject({ id: 'p-rob-dup', records: ['p-rob-dup', 'p-robert'] });
    expect(profile.properties.name?.map((v) => v.value).sort()).toEqual(['Robert Smith', 'SMITH, Robert']);
  });
});
