import { createDb, type Store } from '@casegraph/core';
import { databaseUrl, withServer as onServer } from '@casegraph/core/testing';

// The test support's own helpers: a connection of its own for some work, another database's URL.
export { databaseUrl, onServer };

/** A new, empty, migrated database on the server DATABASE_URL names; cleanup drops it. */
export async function freshPostgres(url: string, label: string): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const name = `casegraph_bench_${label}_${process.pid}`;
  const run = (statement: string) => onServer(url, (client) => client.query(statement)).then(() => undefined);
  await run(`drop database if exists ${name}`);
  await run(`create database ${name}`);
  const store = await createDb({ databaseUrl: databaseUrl(url, name) });
  return { store, cleanup: () => run(`drop database if exists ${name}`) };
}
