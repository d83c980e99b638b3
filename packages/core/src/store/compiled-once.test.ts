import { sql, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, openTestStore } from '../test-support/test-store.js';
import { compiledOnce } from './compiled-once.js';
import type { Store } from './index.js';

describe.each(dialects())('statements compiled once, on %s', (dialect) => {
  let store: Store;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    await store.db.insertInto('organisations').values([
      { id: 'unit-1', name: 'Unit 1' },
      { id: 'unit-2', name: 'Unit 2' },
      { id: 'unit-3', name: 'Unit 3' },
    ]).execute();
  }, 120_000);
  afterAll(async () => {
    await store.close();
  });

  it('answers each call with its own values, as the query built anew would', async () => {
    let builds = 0;
    const byId = compiledOnce((db, v: { id: string; names: string[] }) => {
      builds++;
      return db.selectFrom('organisations').select(['id', 'name']).where('id', '=', v.id).where(sql<boolean>`name = any(${sql.val(v.names)}::text[])`);
    });
    for (const [id, names] of [['unit-1', ['Unit 1']], ['unit-2', ['Unit 2', 'Unit 9']], ['unit-3', ['Unit 1']], ['unit-9', ['Unit 9']]] as const) {
      const built = await store.db.selectFrom('organisations').select(['id', 'name']).where('id', '=', id).where(sql<boolean>`name = any(${sql.val([...names])}::text[])`).execute();
      expect(await byId(store.db, { id, names: [...names] })).toEqual(built);
    }
    expect(await byId(store.db, { id: 'unit-2', names: ['Unit 2'] })).toEqual([{ id: 'unit-2', name: 'Unit 2' }]);
    expect(builds).toBe(1);
  });

  it('keeps one statement per shape, each with its own text', async () => {
    const shapes: string[] = [];
    const listed = compiledOnce((db, v: { after: string }, shape: { descending: boolean }) => {
      shapes.push(JSON.stringify(shape));
      return db
        .selectFrom('organisations')
        .select('id')
        .where('id', '>', v.after)
        .orderBy('id', shape.descending ? 'desc' : 'asc');
    });
    const ids = async (after: string, descending: boolean) => (await listed(store.db, { after }, { descending })).map((row) => row.id);
    expect(await ids('unit-1', false)).toEqual(['unit-2', 'unit-3']);
    expect(await ids('unit-1', true)).toEqual(['unit-3', 'unit-2']);
    expect(await ids('unit-0', true)).toEqual(['unit-3', 'unit-2', 'unit-1']);
    expect(await ids('unit-2', false)).toEqual(['unit-3']);
    expect(shapes).toEqual(['{"descending":false}', '{"descending":true}']);
  });

  it('refuses a builder that turns a value into text, and lets a shape leave values out', async () => {
    // Turned into text, one call's value would be part of every call's statement.
    const spread = compiledOnce((db, v: { ids: string[] }) => db.selectFrom('organisations').select('id').where('id', 'in', [`${String(v.ids)}`]));
    await expect(spread(store.db, { ids: ['unit-1'] })).rejects.toThrow('a statement compiled once must use ids as a value only');
    const some = compiledOnce((db, v: { id: string; name: string }, shape: { named: boolean }) => {
      const query = db.selectFrom('organisations').select('id').where('id', '=', v.id);
      return shape.named ? query.where('name', '=', v.name) : query;
    });
    expect(await some(store.db, { id: 'unit-1', name: 'Unit 2' }, { named: false })).toEqual([{ id: 'unit-1' }]);
    expect(await some(store.db, { id: 'unit-1', name: 'Unit 2' }, { named: true })).toEqual([]);
  });

  it('builds the query each time for a database with plugins, which see it as built', async () => {
    const seen: string[] = [];
    const recorder: KyselyPlugin = {
      transformQuery: (args) => {
        seen.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const byId = compiledOnce((db, v: { id: string }) => db.selectFrom('organisations').select('name').where('id', '=', v.id));
    expect(await byId(store.db, { id: 'unit-1' })).toEqual([{ name: 'Unit 1' }]);
    expect(await byId(store.db.withPlugin(recorder), { id: 'unit-2' })).toEqual([{ name: 'Unit 2' }]);
    expect(await byId(store.db.withPlugin(recorder), { id: 'unit-3' })).toEqual([{ name: 'Unit 3' }]);
    expect(seen).toEqual(['SelectQueryNode', 'SelectQueryNode']);
  });

  it('runs inside the caller\'s transaction', async () => {
    const byId = compiledOnce((db, v: { id: string }) => db.selectFrom('organisations').select('name').where('id', '=', v.id));
    await store.db.transaction().execute(async (trx) => {
      await trx.insertInto('organisations').values({ id: 'unit-4', name: 'Unit 4' }).execute();
      expect(await byId(trx, { id: 'unit-4' })).toEqual([{ name: 'Unit 4' }]);
      await trx.deleteFrom('organisations').where('id', '=', 'unit-4').execute();
    });
    expect(await byId(store.db, { id: 'unit-4' })).toEqual([]);
  });
});
