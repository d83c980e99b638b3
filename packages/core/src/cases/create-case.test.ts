import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import type { Store } from '../store/create-db.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { createCase } from './create-case.js';

describe.each(dialects())('cases on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => {
    await store.close();
  });

  it('numbers cases per year without gaps, even when created at once', async () => {
    const ctx = testContext(store);
    const created = await Promise.all(
      ['Harbour payments', 'Northgate tenders', 'Fleet leasing', 'Grant claims'].map((title) => createCase(ctx, { title })),
    );
    expect(created.map((c) => c.id).sort()).toEqual(['C-2026-0001', 'C-2026-0002', 'C-2026-0003', 'C-2026-0004']);
    expect(created[0]).toMatchObject({ status: 'open', purpose: 'criminal-investigation', ownerId: 'local-operator' });
    const events = await listEvents(store.db, { action: 'case.create' });
    expect(events.map((e) => e.object_ids[0]).sort()).toEqual(created.map((c) => c.id).sort());
  });

  it('refuses an empty title, an over-long title and an unknown purpose', async () => {
    const ctx = testContext(store);
    await expect(createCase(ctx, { title: '   ' })).rejects.toThrow(/needs a title/);
    await expect(createCase(ctx, { title: 'x'.repeat(301) })).rejects.toThrow(/at most 300/);
    await expect(createCase(ctx, { title: 'Ok', purpose: 'gossip' })).rejects.toThrow(/unknown purpose "gossip"/);
    const count = await store.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(4);
  });
});
