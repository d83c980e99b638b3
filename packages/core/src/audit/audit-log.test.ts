import {
  IdentifierNode,
  OperationNodeTransformer,
  sql,
  type InsertQueryNode,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { createCase } from '../cases/create-case.js';
import { getEntity } from '../entities/get-entity.js';
import { writeEntities } from '../entities/write-entities.js';
import { registerSource } from '../sources/register-source.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../context/context.js';
import type { Store } from '../store/create-db.js';
import type { Database } from '../store/schema.js';
import { prng } from '../test-support/prng.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { generateCheckpointKey } from './merkle/index.js';
import { listEvents, recordEvent } from './record-event.js';
import { checkpointAuditLog, verifyAuditLog } from './verify-log.js';

const TAMPERINGS = 1000;
const key = generateCheckpointKey('casegraph-test');
const keys = { signing: key };

class Rollback extends Error {}

/** Makes every append to the audit log fail, as a full disk or a lost connection would. */
class BreakAuditWrites implements KyselyPlugin {
  readonly #rename = new RenameAuditEvents();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    // The store's own append, called by name.
    if (node.kind === 'RawNode' && node.sqlFragments.some((text) => text.includes('audit_append('))) {
      return { ...node, sqlFragments: node.sqlFragments.map((text) => text.replace('audit_append(', 'audit_append_unreachable(')) };
    }
    return this.#rename.transformNode(node);
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** Sends every insert into the audit log, a statement's own or one of its common table expressions, to a table that does not exist. */
class RenameAuditEvents extends OperationNodeTransformer {
  protected override transformInsertQuery(node: InsertQueryNode, queryId?: QueryId): InsertQueryNode {
    const inserted = super.transformInsertQuery(node, queryId);
    if (inserted.into?.table.identifier.name !== 'audit_events') return inserted;
    return { ...inserted, into: { ...inserted.into, table: { ...inserted.into.table, identifier: IdentifierNode.create('audit_events_unreachable') } } };
  }
}

type Tampering = { name: string; apply: (db: Kysely<Database>) => Promise<unknown> };

describe.each(dialects())('the audit log on %s', (dialect) => {
  let store: Store;
  let ctx: Ctx;
  let exported: string;
  let total: number;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    ctx = testContext(store, { purpose: { caseId: null, code: 'administration', justification: 'audit test' } });
    for (let i = 0; i < 60; i++) {
      await recordEvent(ctx, store.db, {
        category: i % 3 === 0 ? 'consultation' : 'collection',
        action: `test.event-${i}`,
        objectIds: [`object-${i}`],
        subjectIds: i % 4 === 0 ? [`subject-${i}`] : [],
        detail: { n: i, nested: { b: 'x', a: [1, 2, i] } },
      });
      if (i === 19 || i === 39) await checkpointAuditLog(ctx, keys);
    }
    exported = (await checkpointAuditLog(ctx, keys)).note;
    total = (await listEvents(store.db, { limit: 10_000 })).length;
  });
  afterAll(async () => {
    await store.close();
  });

  it('numbers events 1..n without gaps, even with concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.db.transaction().execute((trx) => recordEvent(ctx, trx, { category: 'consultation', action: `test.concurrent-${i}` }))),
    );
    const events = await listEvents(store.db, { limit: 10_000 });
    expect(events.map((e) => Number(e.seq))).toEqual(events.map((_, i) => i + 1));
    // Times are kept to the millisecond, in UTC.
    expect(events[0]?.at.toISOString()).toMatch(/\.\d{3}Z$/);
    exported = (await checkpointAuditLog(ctx, keys)).note;
    total = events.length + 1;
  });

  it('an untouched log verifies against its stored checkpoints and the exported one', async () => {
    const report = await verifyAuditLog(store.db, { publicKey: key.publicKey, externalCheckpoints: [exported] });
    expect(report.problems).toEqual([]);
    expect(report.events).toBe(total);
    expect(report.checkpointsChecked).toBeGreaterThanOrEqual(4);
    expect(report.consistencyProofs).toBeGreaterThanOrEqual(3);
    expect(report.inclusionProofs).toBeGreaterThan(30);
  });

  it('an exported checkpoint signed by another key, or edited, is refused', async () => {
    const other = generateCheckpointKey('casegraph-test');
    const report = await verifyAuditLog(store.db, { publicKey: other.publicKey, externalCheckpoints: [exported] });
    expect(report.problems.some((p) => p.kind === 'signature')).toBe(true);
    const edited = exported.replace(/\n(\d+)\n/, (_, n: string) => `\n${Number(n) - 1}\n`);
    const second = await verifyAuditLog(store.db, { publicKey: key.publicKey, externalCheckpoints: [edited] });
    expect(second.problems.some((p) => p.kind === 'signature')).toBe(true);
  });

  it('when the audit event cannot be written, the operation fails, returns nothing and changes nothing', async () => {
    await registerSource(ctx, { id: 'registry', name: 'Registry', legalBasis: 'Order 9', purposes: ['administration'] });
    await writeEntities(ctx, { sourceId: 'registry', entities: [{ id: 'p-1', schema: 'Person', properties: { name: ['Mira Novak'] }, origin: 'R1' }] });
    const broken: Ctx = { ...ctx, db: store.db.withPlugin(new BreakAuditWrites()) };
    const casesBefore = await store.db.selectFrom('cases').select('id').execute();
    await expect(createCase(broken, { title: 'Never opened', purpose: 'fraud-audit' })).rejects.toThrow(/audit_(append|events)_unreachable/);
    expect(await store.db.selectFrom('cases').select('id').execute()).toEqual(casesBefore);
    await expect(getEntity(broken, 'p-1')).rejects.toThrow(/audit_(append|events)_unreachable/);
    const written = await writeEntities(broken, { sourceId: 'registry', entities: [{ id: 'p-2', schema: 'Person', properties: { name: ['Tomas Berg'] }, origin: 'R2' }] }).catch(() => 'failed');
    expect(written).toBe('failed');
    expect(await store.db.selectFrom('statements').select('id').where('entity_id', '=', 'p-2').execute()).toEqual([]);
  });

  it('the application role cannot update, delete or truncate audit events', async () => {
    await expect(sql`update audit_events set action = 'x' where seq = 1`.execute(store.db)).rejects.toThrow(/permission denied/);
    await expect(sql`delete from audit_events where seq = 1`.execute(store.db)).rejects.toThrow(/permission denied/);
    await expect(sql`truncate audit_events`.execute(store.db)).rejects.toThrow(/permission denied/);
    await expect(sql`delete from audit_checkpoints`.execute(store.db)).rejects.toThrow(/permission denied/);
  });

  it(`catches every one of ${TAMPERINGS} random tamperings of history`, async () => {
    const random = prng(9162);
    const pick = (n: number) => 1 + Math.floor(random() * n);
    const columns = ['at', 'actor_id', 'session_id', 'category', 'action', 'case_id', 'purpose', 'justification', 'object_ids', 'subject_ids', 'outcome', 'detail'];
    const kinds: Array<() => Tampering> = [
      () => {
        const seq = pick(total);
        const column = columns[Math.floor(random() * columns.length)] ?? 'action';
        const value: Record<string, string> = {
          at: `at + interval '${pick(100)} milliseconds'`,
          actor_id: `'intruder'`,
          session_id: `'forged-session'`,
          category: `'erasure'`,
          action: `action || '.x'`,
          case_id: `'C-1999-0001'`,
          purpose: `'journalistic-research'`,
          justification: `'edited afterwards'`,
          object_ids: `array_append(object_ids, 'planted')`,
          subject_ids: `array['someone-else']`,
          outcome: `case when outcome = 'success' then 'denied' else 'success' end`,
          detail: `detail || '{"edited": true}'::jsonb`,
        };
        return { name: `update ${column} of event ${seq}`, apply: (db) => sql.raw(`update audit_events set ${column} = ${value[column]} where seq = ${seq}`).execute(db) };
      },
      () => {
        const seq = pick(total);
        return { name: `delete event ${seq}`, apply: (db) => sql.raw(`delete from audit_events where seq = ${seq}`).execute(db) };
      },
      () => {
        const seq = pick(total);
        return {
          name: `delete event ${seq} and renumber the rest to hide the gap`,
          apply: async (db) => {
            await sql.raw(`delete from audit_events where seq = ${seq}`).execute(db);
            await sql.raw(`update audit_events set seq = -(seq - 1) where seq > ${seq}`).execute(db);
            await sql.raw(`update audit_events set seq = -seq where seq < 0`).execute(db);
          },
        };
      },
      () => {
        const a = pick(total);
        const b = a === total ? a - 1 : a + 1 + Math.floor(random() * (total - a));
        return {
          name: `swap events ${a} and ${b}`,
          apply: async (db) => {
            await sql.raw(`update audit_events set seq = -1 where seq = ${a}`).execute(db);
            await sql.raw(`update audit_events set seq = ${a} where seq = ${b}`).execute(db);
            await sql.raw(`update audit_events set seq = ${b} where seq = -1`).execute(db);
          },
        };
      },
      () => {
        const seq = pick(total);
        return {
          name: `insert a forged event before ${seq}`,
          apply: async (db) => {
            await sql.raw(`update audit_events set seq = -(seq + 1) where seq >= ${seq}`).execute(db);
            await sql.raw(`update audit_events set seq = -seq where seq < 0`).execute(db);
            await sql
              .raw(
                `insert into audit_events (seq, at, actor_id, category, action, outcome, detail)
                 select ${seq}, at, actor_id, category, 'forged', outcome, detail from audit_events where seq = ${seq + 1}`,
              )
              .execute(db);
          },
        };
      },
      () => {
        const keep = Math.floor(random() * (total - 1));
        return {
          name: `truncate history to ${keep} events and drop the checkpoints past it`,
          apply: async (db) => {
            await sql.raw(`delete from audit_events where seq > ${keep}`).execute(db);
            await sql.raw(`delete from audit_checkpoints where tree_size > ${keep}`).execute(db);
            await sql.raw(`delete from audit_head`).execute(db);
          },
        };
      },
      () => ({
        name: 'replace a stored checkpoint root',
        apply: (db) => sql.raw(`update audit_checkpoints set root_hash = md5(root_hash) where tree_size = (select min(tree_size) from audit_checkpoints)`).execute(db),
      }),
    ];
    const missed: string[] = [];
    const seen = new Map<string, number>();
    for (let i = 0; i < TAMPERINGS; i++) {
      const tampering = kinds[Math.floor(random() * kinds.length)]?.() as Tampering;
      const kind = tampering.name.split(' ').slice(0, 2).join(' ');
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      // Each tampering works on a copy of the log: a transaction, rolled back once verified.
      await store.db
        .transaction()
        .execute(async (trx) => {
          // The tamperer is the database owner, not the application role.
          await sql`reset role`.execute(trx);
          await tampering.apply(trx);
          const report = await verifyAuditLog(trx, { publicKey: key.publicKey, externalCheckpoints: [exported] });
          if (report.problems.length === 0) missed.push(tampering.name);
          throw new Rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        });
    }
    expect(missed).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(6);
    // The copies were thrown away: the log itself is intact.
    const report = await verifyAuditLog(store.db, { publicKey: key.publicKey, externalCheckpoints: [exported] });
    expect(report.problems).toEqual([]);
  }, 180_000);
});
