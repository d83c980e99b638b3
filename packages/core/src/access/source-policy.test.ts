import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase } from '../cases/create-case.js';
import type { Actor, Ctx } from '../context/context.js';
import { getEntity } from '../entities/get-entity.js';
import { writeEntities } from '../entities/write-entities.js';
import { NotFound } from '../errors.js';
import { exportFtm } from '../ingest/export-ftm.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/create-db.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';

/** One person known to four sources with different sharing rules. */
describe.each(dialects())('source policies on each statement, on %s', (dialect) => {
  let store: Store;
  let fraudCase: string;
  let crimeCase: string;
  const actor = (compartments: string[]): Actor => ({ userId: analystId, sessionId: null, organisation: 'local', roles: ['analyst'], compartments });
  let analystId = '';
  const view = (caseId: string, code: string, compartments: string[] = []): Ctx =>
    ({ ...testContext(store, { actor: actor(compartments), purpose: { caseId, code, justification: 'policy test' } }) });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    analystId = randomUUID();
    await store.db.insertInto('users').values({ id: analystId, username: 'ana', display_name: 'Ana', organisation: 'local', roles: ['analyst'], compartments: [], password_hash: null }).execute();
    const operator = testContext(store);
    fraudCase = (await createCase({ ...operator, actor: actor([]) }, { title: 'Tender fraud', purpose: 'fraud-audit' })).id;
    crimeCase = (await createCase({ ...operator, actor: actor([]) }, { title: 'Port assault', purpose: 'criminal-investigation' })).id;
    const both = ['fraud-audit', 'criminal-investigation'];
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Public', purposes: both });
    await registerSource(operator, { id: 'bank', name: 'Bank records', legalBasis: 'Order 2', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'intel', name: 'Intelligence', legalBasis: 'Order 3', purposes: both, markings: ['LE-ONLY'] });
    await registerSource(operator, { id: 'tips', name: 'Tip line', legalBasis: 'Order 4', purposes: both, mayCombine: false });
    const write = (sourceId: string, properties: Record<string, string[]>) =>
      writeEntities(testContext(store, { purpose: { caseId: fraudCase, code: 'fraud-audit', justification: 'fixture' } }), { sourceId, entities: [{ id: 'p-1', schema: 'Person', properties, origin: sourceId }] });
    await write('registry', { name: ['Mira Novak'] });
    await write('bank', { email: ['mira@example.org'] });
    await write('intel', { notes: ['seen at the port'] });
    await write('tips', { phone: ['+44 20 7946 0018'] });
    await writeEntities(testContext(store, { purpose: { caseId: fraudCase, code: 'fraud-audit', justification: 'fixture' } }), {
      sourceId: 'tips',
      entities: [{ id: 'p-2', schema: 'Person', properties: { name: ['Only A Tip'] }, origin: 'T2' }],
    });
  });
  afterAll(async () => {
    await store.close();
  });

  it('shows each statement only under a purpose its source allows', async () => {
    expect(Object.keys((await getEntity(view(fraudCase, 'fraud-audit'), 'p-1')).properties).sort()).toEqual(['email', 'name']);
    expect(Object.keys((await getEntity(view(crimeCase, 'criminal-investigation'), 'p-1')).properties).sort()).toEqual(['name']);
  });

  it('shows a marked statement only to a holder of every marking', async () => {
    const held = await getEntity(view(crimeCase, 'criminal-investigation', ['LE-ONLY']), 'p-1');
    expect(Object.keys(held.properties).sort()).toEqual(['name', 'notes']);
    expect(held.sources).toEqual(['intel', 'registry']);
  });

  it('keeps a source that may not be combined out of an entity other sources describe, but shows it alone', async () => {
    const combined = await getEntity(view(fraudCase, 'fraud-audit'), 'p-1');
    expect(combined.sources).not.toContain('tips');
    expect((await getEntity(view(fraudCase, 'fraud-audit'), 'p-2')).properties.name?.[0]?.value).toBe('Only A Tip');
  });

  it('an entity with nothing the caller may see answers as one that does not exist', async () => {
    await writeEntities(testContext(store, { purpose: { caseId: fraudCase, code: 'fraud-audit', justification: 'fixture' } }), {
      sourceId: 'bank',
      entities: [{ id: 'p-3', schema: 'Person', properties: { name: ['Bank Only'] }, origin: 'B3' }],
    });
    const hidden = await getEntity(view(crimeCase, 'criminal-investigation'), 'p-3').catch((e: Error) => e);
    const missing = await getEntity(view(crimeCase, 'criminal-investigation'), 'p-404').catch((e: Error) => e);
    expect(hidden).toBeInstanceOf(NotFound);
    expect((hidden as Error).message.replace('p-3', 'X')).toBe((missing as Error).message.replace('p-404', 'X'));
  });

  it('exports obey the same rules: only what the caller may see is written', async () => {
    const lines: string[] = [];
    await exportFtm(view(crimeCase, 'criminal-investigation'), { write: (line) => void lines.push(line) });
    const entities = lines.map((line) => JSON.parse(line) as { id: string; properties: Record<string, string[]> });
    const person = entities.find((e) => e.id === 'p-1');
    expect(Object.keys(person?.properties ?? {})).toEqual(['name']);
    expect(entities.map((e) => e.id)).not.toContain('p-3');
    const marked: string[] = [];
    await exportFtm(view(crimeCase, 'criminal-investigation', ['LE-ONLY']), { write: (line) => void marked.push(line) });
    expect(marked.join('')).toContain('seen at the port');
    expect(lines.join('')).not.toContain('seen at the port');
  });
});
