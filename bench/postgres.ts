import pg from 'pg';
import { createDb, type Store } from '@casegraph/core';

/** Runs work on a connection of its own to the server (or database) the URL names. */
export async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The connection string of another database on the same server. */
export function databaseUrl(url: string, name: string): string {
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

/** A new, empty, migrated database on the server DATABASE_URL names; cleanup drops it. */
export async function freshPostgres(url: string, label: string): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const name = `casegraph_bench_${label}_${process.pid}`;
  const run = (statement: string) => onServer(url, (client) => client.query(statement)).then(() => undefined);
  await run(`drop database if exists ${name}`);
  await run(`create database ${name}`);
  const store = await createDb({ databaseUrl: databaseUrl(url, name) });
  return { store, cleanup: () => run(`drop database if exists ${name}`) };
}
