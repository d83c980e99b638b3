import { sql, type Kysely, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../context/context.js';
import type { Store } from '../store/create-db.js';
import type { Database } from '../store/schema.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { auditLogStatus } from './audit-status.js';
import { generateCheckpointKey, signCheckpoint } from './merkle/index.js';
import { recordEvent } from './record-event.js';
import { CHECKPOINT_ORIGIN, checkpointAuditLog, verifyAuditLog } from './verify-log.js';

const key = generateCheckpointKey('casegraph-test');
const keys = { signing: key };

class Rollback extends Error {}

/** Counts the rows every query brings back, to show how much an answer read. */
class CountRows implements KyselyPlugin {
  rows = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.rows += args.result.rows.length;
    return args.result;
  }
}

/** Runs `check` on a copy of the store changed by `tamper` as the database owner, then throws the copy away. */
async function onTamperedCopy<T>(db: Kysely<Database>, tamper: (trx: Kysely<Database>) => Promise<unknown>, check: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      await sql`reset role`.execute(trx);
      await tamper(trx);
      result = await check(trx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return result as T;
}

describe.each(dialects())('the audit log status on %s', (dialect) => {
  let store: Store;
  let ctx: Ctx;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    ctx = testContext(store, { purpose: { caseId: null, code: 'administration', justification: 'audit status test' } });
  });
  afterAll(async () => {
    await store.close();
  });

  const status = (scope: 'head' | 'full', db: Kysely<Database> = store.db) => auditLogStatus(db, { publicKey: key.publicKey, scope, now: () => new Date('2026-05-04T10:00:00Z') });

  it('answers an empty log, then one with events and checkpoints, saying what it checked', async () => {
    const empty = await status('head');
    expect(empty).toMatchObject({ scope: 'head', verified: true, events: 0, checkpointsChecked: 0, newestCheckpoint: null, eventsSinceCheckpoint: 0, problems: [] });
    expect(empty.root).toBe((await verifyAuditLog(store.db, { publicKey: key.publicKey })).root);

    for (let i = 0; i < 30; i++) await recordEvent(ctx, store.db, { category: 'consultation', action: `test.status-${i}`, subjectIds: [`subject-${i}`] });
    const checkpoint = await checkpointAuditLog(ctx, keys);
    for (let i = 0; i < 5; i++) await recordEvent(ctx, store.db, { category: 'consultation', action: `test.after-${i}` });

    const head = await status('head');
    const full = await verifyAuditLog(store.db, { publicKey: key.publicKey });
    expect(head.problems).toEqual([]);
    expect(head).toMatchObject({ scope: 'head', verified: true, events: 36, root: full.root, checkpointsChecked: 1, eventsSinceCheckpoint: 5, consistencyProofs: 0, inclusionProofs: 0 });
    expect(head.newestCheckpoint?.treeSize).toBe(checkpoint.treeSize);
    expect(head.checkedAt.toISOString()).toBe('2026-05-04T10:00:00.000Z');
    expect(head.summary).toMatch(/not recomputed/);

    const whole = await status('full');
    expect(whole).toMatchObject({ scope: 'full', verified: true, events: 36, root: full.root, checkpointsChecked: 1, eventsSinceCheckpoint: 5 });
    expect(whole.inclusionProofs).toBeGreaterThan(0);
    expect(whole.summary).toMatch(/recomputed from all 36 events/);
  });

  it('the head answer reads one event row however long the log; the full answer reads them all', async () => {
    for (let i = 0; i < 200; i++) await recordEvent(ctx, store.db, { category: 'consultation', action: `test.long-${i}` });
    const counter = new CountRows();
    const head = await status('head', store.db.withPlugin(counter));
    const headRows = counter.rows;
    counter.rows = 0;
    const full = await status('full', store.db.withPlugin(counter));
    // The head answer: the head, the newest event and the checkpoints (1 + 1 + 1 + 1 rows).
    expect(headRows).toBeLessThanOrEqual(6);
    expect(counter.rows).toBeGreaterThanOrEqual(full.events);
    expect(head.events).toBe(full.events);
  });

  it('sees truncated history, a head out of step and a forged checkpoint without reading the events', async () => {
    const { events } = await status('head');
    const truncated = await onTamperedCopy(store.db, (db) => sql.raw(`delete from audit_events where seq > ${events - 3}`).execute(db), (db) => status('head', db));
    expect(truncated.verified).toBe(false);
    expect(truncated.problems.map((p) => p.kind)).toContain('truncated');

    const headBehind = await onTamperedCopy(store.db, (db) => sql.raw(`update audit_head set size = size - 1`).execute(db), (db) => status('head', db));
    expect(headBehind.verified).toBe(false);
    expect(headBehind.problems.map((p) => p.kind)).toContain('head');

    const forged = await onTamperedCopy(store.db, (db) => sql.raw(`update audit_checkpoints set root_hash = md5(root_hash)`).execute(db), (db) => status('head', db));
    expect(forged.verified).toBe(false);
    expect(forged.problems.map((p) => p.kind)).toContain('checkpoint');

    const otherKey = await auditLogStatus(store.db, { publicKey: generateCheckpointKey('casegraph-test').publicKey });
    expect(otherKey.verified).toBe(false);
    expect(otherKey.problems.map((p) => p.kind)).toContain('signature');
  });

  it('an event changed in place passes the head answer, which says it did not recompute, and fails the full one', async () => {
    const [head, full] = await onTamperedCopy(
      store.db,
      (db) => sql.raw(`update audit_events set action = action || '.edited' where seq = 3`).execute(db),
      async (db) => [await status('head', db), await status('full', db)] as const,
    );
    expect(head.verified).toBe(true);
    expect(head.scope).toBe('head');
    expect(head.summary).toMatch(/events themselves were not recomputed/);
    expect(full.verified).toBe(false);
    expect(full.problems.map((p) => p.kind)).toContain('leaf');
    // The copy was thrown away: the log itself verifies.
    expect((await status('full')).verified).toBe(true);
  });

  it('a checkpoint at the head size signed over another root is a problem for the head answer', async () => {
    const checkpoint = await checkpointAuditLog(ctx, keys);
    const forged = await onTamperedCopy(
      store.db,
      async (db) => {
        // Sign a different root at the head's own size, as a key holder rewriting history would.
        const note = signCheckpoint(key, { origin: CHECKPOINT_ORIGIN, treeSize: checkpoint.treeSize, rootHash: Buffer.alloc(32, 7) });
        await sql`update audit_checkpoints set note = ${note}, root_hash = ${Buffer.alloc(32, 7).toString('base64')} where tree_size = ${String(checkpoint.treeSize)}`.execute(db);
      },
      (db) => status('head', db),
    );
    expect(forged.verified).toBe(false);
    expect(forged.problems.map((p) => p.kind)).toContain('leaf');
  });
});
