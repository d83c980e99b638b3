import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { defaultConfig, type CoreConfig } from '../config/config.js';
import { createContext, LOCAL_OPERATOR, type Actor, type Ctx, type Purpose } from '../context/context.js';
import { createDb, type Store } from '../store/create-db.js';
import { copyTemplateDatabase, dropDatabase } from './postgres-databases.js';
import './provided-context.js';

/** The stores every database test runs against: PGlite always, PostgreSQL when DATABASE_URL is set. */
export type Dialect = 'pglite' | 'postgres';

/** The dialects of this run. */
export function dialects(): Dialect[] {
  return inject('postgresTemplate') === null ? ['pglite'] : ['pglite', 'postgres'];
}

/** A migrated, empty store of the given dialect; close() removes it. */
export async function openTestStore(dialect: Dialect): Promise<Store> {
  if (dialect === 'pglite') {
    const template = readFileSync(inject('pgliteTemplate'));
    return createDb({ loadDataDir: new Blob([template]) });
  }
  const url = process.env.DATABASE_URL;
  const template = inject('postgresTemplate');
  if (url === undefined || template === null) throw new Error('PostgreSQL tests need DATABASE_URL');
  const copy = await copyTemplateDatabase(url, template);
  const store = await createDb({ databaseUrl: copy.url, poolSize: 4 });
  return {
    ...store,
    close: async () => {
      await store.close();
      await dropDatabase(url, copy.name);
    },
  };
}

/** A fixed clock for tests that check times. */
export const FIXED_NOW = new Date('2026-03-01T10:00:00.000Z');

/** A context on a test store acting as the given actor (the local operator by default). */
export function testContext(store: Store, options: { actor?: Actor; purpose?: Purpose; config?: CoreConfig } = {}): Ctx {
  return createContext({
    db: store.db,
    actor: options.actor ?? LOCAL_OPERATOR,
    config: options.config ?? defaultConfig(),
    purpose: options.purpose ?? null,
    now: () => FIXED_NOW,
  });
}
