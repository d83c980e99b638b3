import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/create-db.js';
import { prng } from '../test-support/prng.js';
import { dialects, openTestStore } from '../test-support/test-store.js';
import { appendInOneStatement, appendLeaves, eventLeafHash, readEventsInOrder, type AuditRow } from './leaf.js';
import { generateCheckpointKey, MerkleFrontier } from './merkle/index.js';
import { verifyAuditLog } from './verify-log.js';

const key = generateCheckpointKey('casegraph-test');

// Text a leaf's JSON must carry exactly: quotes, backslashes, line breaks, accents, scripts and emoji.
const AWKWARD = ['plain', 'quote " and \\ backslash', 'line\nbreak\ttab', 'Zoë Ångström', 'Даниил', '名前', '🙂 emoji', '</script>', "it's", ''];

function randomEvent(random: () => number, i: number): Omit<AuditRow, 'seq'> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const maybe = <T>(value: T): T | null => (random() < 0.3 ? null : value);
  return {
    at: new Date(Date.UTC(2026, 11, 1, 9, 0, 0, Math.floor(random() * 86_400_000))),
    actor_id: pick(['u-ana', 'u-sam', 'local-operator']),
    session_id: maybe(`s-${i}`),
    category: pick(['consultation', 'alteration', 'denial']),
    action: pick(['search', 'entity.view', 'case.note']),
    case_id: maybe('C-2026-0001'),
    purpose: maybe('fraud-audit'),
    justification: maybe(pick(AWKWARD)),
    object_ids: Array.from({ length: Math.floor(random() * 4) }, () => pick(AWKWARD)),
    subject_ids: Array.from({ length: Math.floor(random() * 3) }, (_, n) => `p-${i}-${n}`),
    outcome: pick(['success', 'denied', 'failed']),
    detail: { z: pick(AWKWARD), a: { nested: [1, 2.5, true, null, pick(AWKWARD)] }, count: i, ...(random() < 0.5 ? { missing: undefined } : {}) },
    sealed_terms: maybe(pick(AWKWARD)),
  };
}

describe.each(dialects())("the store's one-statement audit append on %s", (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => {
    await store.close();
  });

  it('numbers, hashes and stores events exactly as the application would: the head matches a tree rebuilt from the rows, and the log verifies', async () => {
    const random = prng(42);
    const before = Number((await store.db.selectFrom('audit_head').select('size').executeTakeFirst())?.size ?? 0);
    let appended = 0;
    // Batches of every size from one to a few dozen, so the frontier carries through many shapes;
    // the first, in a transaction, makes the head of the new store.
    for (let batch = 0; batch < 40; batch++) {
      const events = Array.from({ length: 1 + Math.floor(random() * 30) }, (_, i) => randomEvent(random, appended + i));
      const seqs = batch % 2 === 1 ? await appendInOneStatement(store.db, events) : await store.db.transaction().execute((trx) => appendLeaves(trx, events));
      expect(seqs).toEqual(events.map((_, i) => String(before + appended + i + 1)));
      appended += events.length;
    }
    const rebuilt = new MerkleFrontier();
    const rows: AuditRow[] = [];
    for await (const row of readEventsInOrder(store.db)) {
      rebuilt.append(eventLeafHash(row));
      rows.push(row);
    }
    expect(rows.length).toBe(before + appended);
    const head = await store.db.selectFrom('audit_head').select(['size', 'frontier']).executeTakeFirstOrThrow();
    expect(Number(head.size)).toBe(before + appended);
    expect(head.frontier).toEqual(rebuilt.toJSON());
    // What was stored is what was sent: the awkward text came through unchanged.
    expect(rows.some((row) => row.justification === 'quote " and \\ backslash')).toBe(true);
    expect((await verifyAuditLog(store.db, { publicKey: key.publicKey })).problems).toEqual([]);
  });

  it('files the subjects of each event in their index as it is written, with no queue that some later append would have to merge while holding the head', async () => {
    const index = await sql<{ options: string[] | null }>`select reloptions as options from pg_class where relname = 'audit_events_subjects'`.execute(store.db);
    expect(index.rows[0]?.options ?? []).toContain('fastupdate=off');
    const rows = Array.from({ length: 50 }, (_, i) => randomEvent(prng(99), 10_000 + i)).map((event, i) => ({ ...event, subject_ids: [`lookup-${i}`, 'lookup-shared'] }));
    await appendLeaves(store.db, rows);
    const found = await sql<{ n: string }>`select count(*) as n from audit_events where subject_ids @> array['lookup-shared']`.execute(store.db);
    expect(Number(found.rows[0]?.n)).toBe(50);
  });

  it('a store without a head has none made by the one statement: it answers null and writes nothing', async () => {
    await store.db.transaction().execute(async (trx) => {
      await sql`reset role`.execute(trx);
      const events = await trx.selectFrom('audit_events').select(sql<string>`count(*)::text`.as('n')).executeTakeFirstOrThrow();
      await sql`delete from audit_head`.execute(trx);
      expect(await appendInOneStatement(trx, [randomEvent(prng(7), 0)])).toBeNull();
      expect((await trx.selectFrom('audit_events').select(sql<string>`count(*)::text`.as('n')).executeTakeFirstOrThrow()).n).toBe(events.n);
      // The transactional append makes the head from the stored events, then appends.
      const [seq] = await appendLeaves(trx, [randomEvent(prng(8), 1)]);
      expect(Number(seq)).toBe(Number(events.n) + 1);
      expect((await verifyAuditLog(trx, { publicKey: key.publicKey })).problems).toEqual([]);
      // Put back as it was.
      throw new Error('rollback');
    }).catch((error: unknown) => {
      if (!(error instanceof Error) || error.message !== 'rollback') throw error;
    });
  });
});
