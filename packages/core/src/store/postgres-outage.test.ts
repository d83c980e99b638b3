import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgCluster, findPgBin, type PgCluster } from '../test-support/pg-cluster.js';
import { createDb, type Store } from './create-db.js';
import { storeUnavailableFrom } from './connection-lost.js';

const withPostgres = process.env.DATABASE_URL !== undefined && findPgBin() !== undefined;

describe.skipIf(!withPostgres)('a PostgreSQL store whose server is killed', () => {
  let work: string;
  let cluster: PgCluster;
  let store: Store;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'casegraph-outage-'));
    chmodSync(work, 0o755);
    cluster = await createPgCluster(join(work, 'cluster'));
    store = await createDb({ databaseUrl: cluster.url, poolSize: 2 });
  });
  afterAll(async () => {
    await store.close().catch(() => undefined);
    await cluster.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it('keeps the process alive when the server dies between two queries of a transaction, reports the store unavailable, and works again once it is back', async () => {
    const transaction = store.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      // The connection is held, with no query running, when the postmaster is killed: its
      // backend's farewell arrives as an error event on a connection the pool has lent out.
      await cluster.kill();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sql`select 2`.execute(trx);
    });
    const failure = await transaction.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(storeUnavailableFrom(failure)?.code).toBe('store-unavailable');
    const whileDown = await sql`select 1`.execute(store.db).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(storeUnavailableFrom(whileDown)?.message).toMatch(/database cannot be reached/);
    await cluster.start();
    const back = await sql<{ n: number }>`select 3 as n`.execute(store.db);
    expect(back.rows[0]?.n).toBe(3);
  });

  it('does not take an ordinary error for an outage', () => {
    expect(storeUnavailableFrom(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBeUndefined();
    expect(storeUnavailableFrom('connection terminated')).toBeUndefined();
  });
});
