// Loads a generated demo dataset into the embedded store and, when DATABASE_URL is set, into
// PostgreSQL, and prints statements per second for each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createContext, createDb, defaultConfig, generateDemo, loadDemo, LOCAL_OPERATOR, type Store } from '@casegraph/core';
import { describeMachine, printTable } from './machine.js';
import { freshPostgres } from './postgres.js';

/** Runs the ingest benchmark: `npm run bench -- ingest [--entities N] [--seed S] [--stores pglite,postgres]`. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { entities: { type: 'string', default: '50000' }, seed: { type: 'string', default: 'bench' }, stores: { type: 'string', default: 'pglite,postgres' } },
  });
  const wanted = new Set(values.stores.split(','));
  for (const name of wanted) if (name !== 'pglite' && name !== 'postgres') throw new Error(`--stores: unknown store "${name}" (pglite, postgres)`);
  const entities = Number(values.entities);
  if (!Number.isInteger(entities) || entities <= 0) throw new Error('--entities must be a whole number above 0');
  const work = mkdtempSync(join(tmpdir(), 'casegraph-bench-'));
  try {
    const dir = join(work, 'demo');
    let started = Date.now();
    const manifest = await generateDemo({ entities, seed: values.seed, outDir: dir });
    const records = manifest.sources.reduce((sum, s) => sum + s.records, 0);
    process.stdout.write(`Generated ${entities.toLocaleString('en')} entities (${records.toLocaleString('en')} records) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const rows: Array<Array<string | number>> = [];
    const stores: Array<[string, () => Promise<{ store: Store; cleanup: () => Promise<void> }>]> = [];
    if (wanted.has('pglite')) {
      stores.push(['PGlite (embedded)', async () => ({ store: await createDb({ dataDir: join(work, 'store') }), cleanup: async () => undefined })]);
    }
    const url = process.env.DATABASE_URL;
    if (wanted.has('postgres') && url !== undefined && url !== '') stores.push(['PostgreSQL', () => freshPostgres(url, 'ingest')]);
    if (stores.length === 0) throw new Error('no store to load: --stores lists pglite and/or postgres (postgres needs DATABASE_URL)');
    for (const [label, open] of stores) {
      const { store, cleanup } = await open();
      try {
        const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
        started = Date.now();
        const result = await loadDemo(ctx, { dir, onProgress: () => undefined });
        const seconds = (Date.now() - started) / 1000;
        const { rows: count } = await sql<{ n: string }>`select count(*)::text as n from statements`.execute(store.db);
        const statements = Number(count[0]?.n);
        const version = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(store.db);
        rows.push([`${label} ${version.rows[0]?.v ?? ''}`, entities, result.records, statements, seconds.toFixed(1), Math.round(statements / seconds)]);
        process.stdout.write(`${label}: ${statements.toLocaleString('en')} statements in ${seconds.toFixed(1)} s\n`);
      } finally {
        await store.close();
        await cleanup();
      }
    }
    process.stdout.write('\n');
    printTable(['store', 'entities', 'records', 'statements', 'seconds', 'statements/s'], rows);
    process.stdout.write(`\nmachine: ${describeMachine()}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
