import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase } from '../cases/create-case.js';
import { createContext, type Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { getEntity } from '../entities/get-entity.js';
import { writeEntities } from '../entities/write-entities.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/create-db.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { AuditBatcher } from './audit-batch.js';
import { generateCheckpointKey } from './merkle/index.js';
import { eventRow } from './record-event.js';
import { checkpointAuditLog, verifyAuditLog } from './verify-log.js';

const key = generateCheckpointKey('casegraph-test');
const READS = 120;

// Only PostgreSQL batches: the embedded store has one connection, and appends in each transaction.
describe.each(dialects().filter((d) => d === 'postgres'))('batched audit appends on %s', (dialect) => {
  let store: Store;
  let batcher: AuditBatcher;
  let ctx: Ctx;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    if (store.auditBatch === undefined) throw new Error('a PostgreSQL store batches its audit appends');
    batcher = store.auditBatch;
    const operator = testContext(store);
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['criminal-investigation'] });
    const created = await createCase(operator, { title: 'Batch', purpose: 'criminal-investigation' });
    const purpose = { caseId: created.id, code: 'criminal-investigation', justification: 'checking batched audit' };
    await writeEntities(testContext(store, { purpose }), { sourceId: 'registry', entities: [{ id: 'p-1', schema: 'Person', origin: 'R1', properties: { name: ['Ilse Varga'] } }] });
    ctx = { ...testContext(store, { purpose }), auditBatch: batcher };
  });
  afterAll(async () => {
    await store.close();
  });

  it('many concurrent reads each land on the log through the batches, in order, and the log verifies', async () => {
    const before = { ...batcher.stats };
    const head = Number((await store.db.selectFrom('audit_head').select('size').executeTakeFirstOrThrow()).size);
    await Promise.all(Array.from({ length: READS }, () => getEntity(ctx, 'p-1')));
    const events = await store.db.selectFrom('audit_events').select(['seq', 'action', 'subject_ids']).where('seq', '>', String(head)).orderBy('seq').execute();
    expect(events.filter((e) => e.action === 'entity.view')).toHaveLength(READS);
    expect(events.every((e) => e.subject_ids.includes('p-1') || e.action !== 'entity.view')).toBe(true);
    expect(events.map((e) => Number(e.seq))).toEqual(Array.from({ length: events.length }, (_, i) => head + 1 + i));
    expect(batcher.stats.events - before.events).toBe(READS);
    await checkpointAuditLog(testContext(store), { signing: key });
    const report = await verifyAuditLog(store.db, { publicKey: key.publicKey });
    expect(report.problems).toEqual([]);
    expect(report.checkpointsChecked).toBeGreaterThan(0);
  });

  it('events given while a batch is being written go together into the next one', async () => {
    const before = { ...batcher.stats };
    const row = eventRow(ctx, { category: 'consultation', action: 'test.batched' });
    await Promise.all(Array.from({ length: READS }, () => batcher.append(row)));
    // The first starts a batch of its own at once; the rest were waiting when it ended.
    expect(batcher.stats.batches - before.batches).toBe(2);
    expect(await store.db.selectFrom('audit_events').select('seq').where('action', '=', 'test.batched').execute()).toHaveLength(READS);
  });

  it('a read is answered only once its event is committed: another connection sees it at once', async () => {
    const head = Number((await store.db.selectFrom('audit_head').select('size').executeTakeFirstOrThrow()).size);
    await getEntity(ctx, 'p-1');
    const seen = await store.db.selectFrom('audit_events').select('action').where('seq', '>', String(head)).execute();
    expect(seen.map((e) => e.action)).toEqual(['entity.view']);
  });

  it('work that only reads runs on one connection without a transaction of its own; other work keeps its transaction', async () => {
    // now() is when the transaction began: inside one every statement shares it; outside, each statement is its own.
    const starts = async (tx: Ctx) => {
      const one = await sql<{ pid: number; at: string }>`select pg_backend_pid() as pid, now()::text as at`.execute(tx.db);
      await sql`select pg_sleep(0.01)`.execute(tx.db);
      const two = await sql<{ pid: number; at: string }>`select pg_backend_pid() as pid, now()::text as at`.execute(tx.db);
      return { value: [one.rows[0], two.rows[0]] };
    };
    const before = { ...batcher.stats };
    const [a, b] = await runWithPurpose(ctx, { action: 'test.reads', category: 'consultation', readsOnly: true }, starts);
    expect(a?.pid).toBe(b?.pid);
    expect(a?.at).not.toBe(b?.at);
    const [c, d] = await runWithPurpose(ctx, { action: 'test.reads', category: 'consultation' }, starts);
    expect(c?.pid).toBe(d?.pid);
    expect(c?.at).toBe(d?.at);
    // Both events went through the batches and are in the log.
    expect(batcher.stats.events - before.events).toBe(2);
    expect(await store.db.selectFrom('audit_events').select('seq').where('action', '=', 'test.reads').execute()).toHaveLength(2);
  });

  it('when its batch cannot be written the read fails and nothing of it is logged', async () => {
    const closed = new AuditBatcher(store.db);
    await closed.close();
    const head = (await store.db.selectFrom('audit_head').select('size').executeTakeFirstOrThrow()).size;
    await expect(getEntity({ ...createContext({ db: store.db, actor: ctx.actor, config: ctx.config, purpose: ctx.purpose }), auditBatch: closed }, 'p-1')).rejects.toThrow(/audit log of this process is closed/);
    const events = await store.db.selectFrom('audit_events').select(['action', 'outcome']).where('seq', '>', head).execute();
    expect(events.some((e) => e.action === 'entity.view' && e.outcome === 'success')).toBe(false);
  });
});
