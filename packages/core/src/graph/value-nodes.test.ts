import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase } from '../cases/create-case.js';
import type { Actor, Ctx } from '../context/context.js';
import { writeEntities, type SourcedEntity } from '../entities/write-entities.js';
import { NotFound } from '../errors.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/index.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { expandNode, findPaths } from './index.js';

const MARKING = 'LE-ONLY';
const SHARED_PHONE = 'value:phone:+442079460018';
const OTHER_PHONE = 'value:phone:+442079460999';

// Synthetic people who share a phone number and an address, written differently by each source.
const REGISTRY: SourcedEntity[] = [
  { id: 'p-ines', schema: 'Person', origin: 'R1', properties: { name: ['Ines Marlowe'], phone: ['+44 20 7946 0018'], address: ['12 Harbour St, Flat 3, Portcastle'] } },
  { id: 'p-oskar', schema: 'Person', origin: 'R2', properties: { name: ['Oskar Brandvold'], phone: ['020 7946 0018'], address: ['12 Harbour Street, Flat 3, Portcastle'] } },
  { id: 'call-1', schema: 'Call', origin: 'R3', properties: { callerNumber: ['020 7946 0018'], receiverNumber: ['020 7946 0999'], date: ['2025-02-03'] } },
];
const RESTRICTED: SourcedEntity[] = [
  { id: 'p-hidden', schema: 'Person', origin: 'X1', properties: { name: ['Veil Person'], phone: ['+442079460018'] } },
  { id: 'p-callee', schema: 'Person', origin: 'X2', properties: { name: ['Callee Hidden'], phone: ['+44 20 7946 0999'] } },
];
// A source that may not be combined with others: its records never meet another's through a value.
const APART: SourcedEntity[] = [{ id: 'p-apart', schema: 'Person', origin: 'A1', properties: { name: ['Apart Person'], phone: ['+44 20 7946 0018'] } }];

describe.each(dialects())('shared values in the link graph, on %s', (dialect) => {
  let store: Store;
  let plain: Ctx;
  let marked: Ctx;
  const actor = (userId: string, compartments: string[]): Actor => ({ userId, sessionId: null, organisation: 'unit-1', roles: ['analyst'], compartments });
  const neighbours = async (ctx: Ctx, id: string, types?: string[]) =>
    (await expandNode(ctx, { id, ...(types ? { types } : {}) })).nodes
      .map((n) => n.id)
      .filter((n) => n !== id)
      .sort();

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    const [plainId, markedId] = [randomUUID(), randomUUID()];
    await store.db.insertInto('organisations').values({ id: 'unit-1', name: 'Unit 1' }).execute();
    for (const [id, username, compartments] of [[plainId, 'plain', []], [markedId, 'marked', [MARKING]]] as const) {
      await store.db.insertInto('users').values({ id, username, display_name: username, organisation: 'unit-1', roles: ['analyst'], compartments: [...compartments], password_hash: null }).execute();
    }
    const caseId = (await createCase(testContext(store, { actor: actor(plainId, []) }), { title: 'Shared line', purpose: 'fraud-audit' })).id;
    await store.db.insertInto('case_members').values({ case_id: caseId, user_id: markedId, role: 'investigator', added_at: new Date(), added_by: plainId }).execute();
    const purpose = { caseId, code: 'fraud-audit', justification: 'who shares the line' };
    plain = testContext(store, { actor: actor(plainId, []), purpose });
    marked = testContext(store, { actor: actor(markedId, [MARKING]), purpose });
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Public register', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'restricted', name: 'Restricted', legalBasis: 'Order 7', purposes: ['fraud-audit'], markings: [MARKING] });
    await registerSource(operator, { id: 'apart', name: 'Kept apart', legalBasis: 'Order 8', purposes: ['fraud-audit'], mayCombine: false });
    const writer = testContext(store, { purpose });
    await writeEntities(writer, { sourceId: 'registry', entities: REGISTRY });
    await writeEntities(writer, { sourceId: 'restricted', entities: RESTRICTED });
    await writeEntities(writer, { sourceId: 'apart', entities: APART });
  });
  afterAll(async () => {
    await store.close();
  });

  it('a phone number and an address written differently by two records are one node each, joining them', async () => {
    const around = await neighbours(plain, 'p-ines');
    expect(around).toContain(SHARED_PHONE);
    const address = around.find((id) => id.startsWith('value:address:'));
    expect(address).toBeDefined();
    expect(await neighbours(plain, address ?? '')).toEqual(['p-ines', 'p-oskar']);
    const phone = await expandNode(plain, { id: SHARED_PHONE, types: ['phone'] });
    expect(phone.node).toMatchObject({ id: SHARED_PHONE, schema: 'Phone' });
    expect(phone.nodes.map((n) => n.id).filter((id) => id !== SHARED_PHONE).sort()).toEqual(['p-ines', 'p-oskar']);
  });

  it('a call runs between the numbers it names, so the people behind two numbers are three hops apart', async () => {
    expect(await neighbours(marked, SHARED_PHONE, ['Call'])).toEqual([OTHER_PHONE]);
    const { paths, hops } = await findPaths(marked, { from: 'p-ines', to: 'p-callee' });
    expect(hops).toBe(3);
    expect(paths[0]?.nodes.map((n) => n.id)).toEqual(['p-ines', SHARED_PHONE, OTHER_PHONE, 'p-callee']);
  });

  it('records the caller may not see, and records of sources that may not be combined, never join a shared value', async () => {
    const plainView = await expandNode(plain, { id: SHARED_PHONE });
    expect(plainView.nodes.map((n) => n.id)).not.toContain('p-hidden');
    expect(plainView.nodes.map((n) => n.id)).not.toContain('p-apart');
    expect(JSON.stringify(plainView)).not.toMatch(/Veil Person|Apart Person/);
    // Not counted in "N more" either: two holders and one call are all there is.
    expect(plainView.total).toBe(3);
    expect((await expandNode(marked, { id: SHARED_PHONE })).nodes.map((n) => n.id)).toContain('p-hidden');
    expect(await neighbours(plain, 'p-apart')).toEqual([]);
    // The callee's number is a node (the call names it) but the person behind it is not, for this caller.
    expect(await neighbours(plain, OTHER_PHONE)).toEqual([SHARED_PHONE]);
    await expect(findPaths(plain, { from: 'p-ines', to: 'p-callee' })).rejects.toThrow(NotFound);
  });

  it('a value nobody the caller may see holds answers as an unknown entity', async () => {
    await expect(expandNode(plain, { id: 'value:phone:+449999000000' })).rejects.toThrow(new NotFound('entity value:phone:+449999000000 not found'));
    await expect(expandNode(plain, { id: 'value:phone:+442079460999-not' })).rejects.toThrow(NotFound);
  });
});
