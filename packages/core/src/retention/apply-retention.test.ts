import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import { createCase } from '../cases/create-case.js';
import { writeEntities } from '../entities/write-entities.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/create-db.js';
import { dialects, FIXED_NOW, openTestStore, testContext } from '../test-support/test-store.js';
import { applyRetention } from './apply-retention.js';

describe.each(dialects())('retention on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    await registerSource(operator, { id: 'short', name: 'Short-lived', legalBasis: 'Order 3', purposes: ['administration'], retentionDays: 10 });
    await registerSource(operator, { id: 'held', name: 'Under hold', legalBasis: 'Order 4', purposes: ['administration'], retentionDays: 10 });
    await registerSource(operator, { id: 'long', name: 'Long-lived', legalBasis: 'Order 5', purposes: ['administration'], retentionDays: 3650 });
    const admin = testContext(store, { purpose: { caseId: null, code: 'administration', justification: 'fixture' } });
    for (const source of ['short', 'held', 'long']) {
      await writeEntities(admin, { sourceId: source, entities: [{ id: `${source}-1`, schema: 'Person', properties: { name: [`Secret Name ${source}`] }, origin: 'K1' }] });
    }
    await store.db.insertInto('legal_holds').values({ id: 'hold-1', scope: 'source', target_id: 'held', reason: 'litigation 22/14', placed_by: 'local-operator', placed_at: FIXED_NOW }).execute();
    const old = await createCase(operator, { title: 'Closed long ago', purpose: 'fraud-audit' });
    const kept = await createCase(operator, { title: 'Closed long ago, on hold', purpose: 'fraud-audit' });
    await store.db.updateTable('cases').set({ retention_until: '2026-03-05' }).where('id', 'in', [old.id, kept.id]).execute();
    await store.db.updateTable('cases').set({ legal_hold: true }).where('id', '=', kept.id).execute();
  });
  afterAll(async () => {
    await store.close();
  });

  it('erases what has passed its date unless held, and records only counts', async () => {
    const nothingYet = await applyRetention(testContext(store));
    expect(nothingYet).toEqual({ statements: 0, cases: 0, heldStatements: 0, heldCases: 0 });
    const later = { ...testContext(store), now: () => new Date(FIXED_NOW.getTime() + 30 * 86_400_000) };
    const result = await applyRetention(later);
    expect(result).toEqual({ statements: 1, cases: 1, heldStatements: 1, heldCases: 1 });
    const { rows } = await sql<{ source_id: string }>`select source_id from statements order by source_id`.execute(store.db);
    expect(rows.map((r) => r.source_id)).toEqual(['held', 'long']);
    const cases = await store.db.selectFrom('cases').select('title').execute();
    expect(cases.map((c) => c.title)).toEqual(['Closed long ago, on hold']);
    const erasures = await listEvents(store.db, { action: 'retention.apply' });
    expect(erasures.at(-1)).toMatchObject({ category: 'erasure', outcome: 'success' });
    expect(JSON.stringify(erasures)).not.toContain('Secret Name');
    expect(JSON.stringify(erasures.at(-1)?.detail)).not.toMatch(/short-1|Closed long ago/);
  });
});
