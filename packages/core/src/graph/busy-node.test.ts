import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase } from '../cases/create-case.js';
import type { Ctx } from '../context/context.js';
import { writeEntities } from '../entities/write-entities.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/index.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { COUNT_CAP, expandNode } from './index.js';

// A switchboard number that more records hold than the graph counts exactly.
const HOLDERS = COUNT_CAP + 50;
const SWITCHBOARD = 'value:phone:+442079460500';

describe.each(dialects())('a very busy node, on %s', (dialect) => {
  let store: Store;
  let ctx: Ctx;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    const caseId = (await createCase(operator, { title: 'Switchboard', purpose: 'fraud-audit' })).id;
    ctx = testContext(store, { purpose: { caseId, code: 'fraud-audit', justification: 'who uses the switchboard' } });
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Public register', purposes: ['fraud-audit'] });
    const entities = Array.from({ length: HOLDERS }, (_, i) => ({ id: `p-${i}`, schema: 'Person', origin: `R${i}`, properties: { name: [`Caller ${i}`], phone: ['+44 20 7946 0500'] } }));
    await writeEntities(ctx, { sourceId: 'registry', entities });
  }, 120_000);
  afterAll(async () => {
    await store.close();
  });

  it('counts exactly up to the cap, then says the counts are lower bounds', async () => {
    const page = await expandNode(ctx, { id: SWITCHBOARD, limit: 50 });
    expect(page.edges).toHaveLength(50);
    expect(page.more.capped).toBe(true);
    expect(page.total).toBeGreaterThan(COUNT_CAP);
    expect(page.total).toBeLessThanOrEqual(HOLDERS);
    expect(page.more.notShown).toBe(page.total - 50);
    // An ordinary node's counts are exact and say so.
    const one = await expandNode(ctx, { id: 'p-7' });
    expect(one.more.capped).toBeUndefined();
    expect(one.total).toBe(1);
  });
});
