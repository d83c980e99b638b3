import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb } from '../store/create-db.js';

/** The migrated database every PostgreSQL test database is copied from. */
export const TEMPLATE_DB = `casegraph_test_template_${process.pid}`;

/** The same server URL pointing at another database. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs work on a connection of its own to the server (or database) the URL names. */
export async function withServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates and migrates the template database; returns its name. */
export async function createTemplateDatabase(url: string): Promise<string> {
  await withServer(url, async (client) => {
    await client.query(`drop database if exists ${TEMPLATE_DB}`);
    await client.query(`create database ${TEMPLATE_DB}`);
  });
  const store = await createDb({ databaseUrl: databaseUrl(url, TEMPLATE_DB), poolSize: 1 });
  await store.close();
  return TEMPLATE_DB;
}

/** Copies the template into a fresh database for one test; returns its URL. */
export async function copyTemplateDatabase(url: string, template: string): Promise<{ url: string; name: string }> {
  const name = `casegraph_t_${randomBytes(6).toString('hex')}`;
  // Two copies of one template at the same instant can clash ("being accessed by other users").
  for (let attempt = 0; ; attempt++) {
    try {
      await withServer(url, (client) => client.query(`create database ${name} template ${template}`));
      return { url: databaseUrl(url, name), name };
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
}

/**
 * Drops a test database, ending any connection still open to it. A closed pool's backends can
 * linger for a moment, and ending those of the application role needs rights the test user
 * lacks (PostgreSQL answers 42501), so the drop waits for them and tries again.
 */
export async function dropDatabase(url: string, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await withServer(url, (client) => client.query(`drop database if exists ${name} with (force)`));
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 50 || (code !== '42501' && code !== '55006')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
