import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../audit/record-event.js';
import { Invalid } from '../errors.js';
import type { Store } from '../store/create-db.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { DEMO_SOURCE_IDS, type DemoManifest, generateDemo } from './index.js';
import { type DemoLoadResult, loadDemo } from './load-demo.js';

const ENTITIES = 600;
let dir: string;
let manifest: DemoManifest;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'casegraph-demo-load-'));
  manifest = await generateDemo({ entities: ENTITIES, seed: 'load-test', outDir: dir });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function count(store: Store, query: ReturnType<typeof sql<{ n: string }>>): Promise<number> {
  const { rows } = await query.execute(store.db);
  return Number(rows[0]?.n);
}

describe.each(dialects())('demo load on %s', (dialect) => {
  let store: Store;
  let first: DemoLoadResult;
  const progress: Array<{ done: number; total: number }> = [];

  beforeAll(async () => {
    store = await openTestStore(dialect);
    first = await loadDemo(testContext(store), { dir, onProgress: (p) => progress.push(p) });
  });
  afterAll(async () => {
    await store.close();
  });

  it('registers all six sources with the policies their files state', async () => {
    const sources = await store.db.selectFrom('sources').select(['id', 'allowed_purposes', 'may_combine']).orderBy('id').execute();
    expect(sources.map((s) => s.id)).toEqual([...DEMO_SOURCE_IDS].sort());
    expect(first.sources).toBe(6);
    for (const source of sources) expect(source.allowed_purposes.length).toBeGreaterThan(0);
  });

  it('imports every generated row of every source, with none refused', async () => {
    const generated = manifest.sources.reduce((sum, s) => sum + s.records, 0);
    expect(first.records).toBe(generated);
    expect(first.failedRows).toBe(0);
    expect(await count(store, sql`select count(*)::text as n from statements`)).toBe(first.statements);
    const perSource = await store.db
      .selectFrom('statements')
      .select(['source_id', sql<string>`count(distinct entity_id)::text`.as('n')])
      .groupBy('source_id')
      .execute();
    expect(perSource.map((r) => r.source_id).sort()).toEqual([...DEMO_SOURCE_IDS].sort());
    for (const row of perSource) expect(Number(row.n)).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ done: generated, total: generated });
  });

  it('creates one demo user per role with a password that is stored only as an Argon2id hash', async () => {
    expect(first.users.map((u) => u.role).sort()).toEqual(['administrator', 'analyst', 'oversight', 'supervisor']);
    expect(new Set(first.users.map((u) => u.password)).size).toBe(4);
    const rows = await store.db.selectFrom('users').select(['username', 'password_hash', 'roles']).where('id', '!=', 'local-operator').execute();
    expect(rows).toHaveLength(4);
    for (const user of first.users) {
      const row = rows.find((r) => r.username === user.username);
      expect(row?.roles).toEqual([user.role]);
      expect(row?.password_hash).toMatch(/^\$argon2id\$/);
      expect(row?.password_hash).not.toContain(user.password);
    }
  });

  it('opens the demo case and records the import under the administration purpose by the local operator', async () => {
    expect(first.caseId).toMatch(/^C-\d{4}-\d{4}$/);
    const batches = await listEvents(store.db, { action: 'import.batch', limit: 100_000 });
    expect(batches.length).toBeGreaterThanOrEqual(6);
    for (const event of batches) {
      expect(event).toMatchObject({ actor_id: 'local-operator', purpose: 'administration', outcome: 'success' });
    }
  });

  it('loading again adds no statement, no user and no second case', async () => {
    const statementsBefore = await count(store, sql`select count(*)::text as n from statements`);
    const again = await loadDemo(testContext(store), { dir });
    expect(again.users).toEqual([]);
    expect(again.caseId).toBe(first.caseId);
    expect(await count(store, sql`select count(*)::text as n from statements`)).toBe(statementsBefore);
    expect(await count(store, sql`select count(*)::text as n from cases`)).toBe(1);
  });

  it('a folder without a manifest is refused with the path and leaves the store as it was', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'casegraph-demo-empty-'));
    try {
      await writeFile(join(empty, 'manifest.json'), '{not json');
      const before = await count(store, sql`select count(*)::text as n from audit_events`);
      await expect(loadDemo(testContext(store), { dir: empty })).rejects.toThrow(Invalid);
      await expect(loadDemo(testContext(store), { dir: empty })).rejects.toThrow(/manifest\.json is missing or not JSON/);
      expect(await count(store, sql`select count(*)::text as n from audit_events`)).toBe(before);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
