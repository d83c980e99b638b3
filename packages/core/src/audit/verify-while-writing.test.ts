import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/create-db.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { generateCheckpointKey } from './merkle/index.js';
import { recordEvent } from './record-event.js';
import { checkpointAuditLog, verifyAuditLog } from './verify-log.js';

const key = generateCheckpointKey('casegraph-test');

/**
 * After the verifier's last page of events arrives, another connection appends an event (head and
 * event in one transaction, as every writer does) before the verifier reads the head: the moment a
 * busy server hits at random.
 */
class WriteAfterEventsRead implements KyselyPlugin {
  armed = false;
  constructor(private readonly write: () => Promise<void>) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const rows = args.result.rows;
    if (this.armed && rows.length > 0 && 'seq' in (rows[0] ?? {}) && 'action' in (rows[0] ?? {})) {
      this.armed = false;
      await this.write();
    }
    return args.result;
  }
}

// PostgreSQL only: the writer needs a second connection while the verifier's is busy, which the
// embedded store (one connection) cannot give.
describe.each(dialects().filter((d) => d === 'postgres'))('verifying the audit log while it is written, on %s', (dialect) => {
  let store: Store;

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => {
    await store.close();
  });

  it('reads the events and the head from one snapshot, so a write in between is no false alarm', async () => {
    const ctx = testContext(store, { purpose: { caseId: null, code: 'administration', justification: 'verify test' } });
    for (let i = 0; i < 20; i++) await recordEvent(ctx, store.db, { category: 'collection', action: `test.event-${i}` });
    await checkpointAuditLog(ctx, { signing: key });
    let written = 0;
    const plugin = new WriteAfterEventsRead(async () => {
      await recordEvent(ctx, store.db, { category: 'collection', action: 'test.concurrent' });
      written++;
    });
    plugin.armed = true;
    const report = await verifyAuditLog(store.db.withPlugin(plugin), { publicKey: key.publicKey });
    expect(written).toBe(1);
    expect(report.problems).toEqual([]);
    // The event written meanwhile is there and counts at the next verification.
    const after = await verifyAuditLog(store.db, { publicKey: key.publicKey });
    expect(after.problems).toEqual([]);
    expect(after.events).toBe(report.events + 1);
  });
});
