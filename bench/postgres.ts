import pg from 'pg';
import { createDb, type Store } from '@casegraph/core';

/** A new, empty, migrated database on the server DATABASE_URL names; cleanup drops it. */
export async function freshPostgres(url: string, label: string): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const name = `casegraph_bench_${label}_${process.pid}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`drop database if exists ${name}`);
  await run(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const store = await createDb({ databaseUrl: target.toString() });
  return { store, cleanup: () => run(`drop database if exists ${name}`) };
}
