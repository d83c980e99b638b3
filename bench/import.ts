// Imports the demo company registry (CSV through its FtM mapping) and prints rows per second and
// the process's peak memory, for PGlite and, when DATABASE_URL is set, PostgreSQL.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createContext, createDb, defaultConfig, generateDemo, importMapped, LOCAL_OPERATOR, parseMapping, registerSource, type Store } from '@casegraph/core';
import { describeMachine, printTable } from './machine.js';
import { freshPostgres } from './postgres.js';

/** `npm run bench -- import [--rows N] [--stores pglite,postgres]`: about N rows of the company registry. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { rows: { type: 'string', default: '1000000' }, stores: { type: 'string', default: 'pglite,postgres' } } });
  const wantedRows = Number(values.rows);
  if (!Number.isInteger(wantedRows) || wantedRows < 1000) throw new Error('--rows must be a whole number of at least 1,000');
  const wanted = new Set(values.stores.split(','));
  const work = mkdtempSync(join(tmpdir(), 'casegraph-bench-import-'));
  try {
    // The company registry holds about 0.48 rows per demo entity.
    const entities = Math.ceil(wantedRows / 0.48);
    const dir = join(work, 'demo');
    const manifest = await generateDemo({ entities, seed: 'bench-import', outDir: dir });
    const registry = manifest.sources.find((s) => s.id === 'company-registry');
    if (registry === undefined) throw new Error('the demo has no company registry');
    const mappingPath = join(dir, registry.mapping);
    const mapping = parseMapping(readFileSync(mappingPath, 'utf8'), { fileName: registry.mapping });
    process.stdout.write(`Company registry: ${registry.records.toLocaleString('en')} rows in ${registry.files.length} CSV files\n`);
    const rows: Array<Array<string | number>> = [];
    const stores: Array<[string, () => Promise<{ store: Store; cleanup: () => Promise<void> }>]> = [];
    if (wanted.has('pglite')) stores.push(['PGlite (embedded)', async () => ({ store: await createDb({ dataDir: join(work, 'store') }), cleanup: async () => undefined })]);
    const url = process.env.DATABASE_URL;
    if (wanted.has('postgres') && url !== undefined && url !== '') stores.push(['PostgreSQL', () => freshPostgres(url, 'import')]);
    for (const [label, open] of stores) {
      const { store, cleanup } = await open();
      try {
        const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig(), purpose: { caseId: null, code: 'administration', justification: 'benchmark' } });
        await registerSource(ctx, { id: 'company-registry', name: 'Company registry', legalBasis: 'Benchmark', purposes: ['administration'] });
        global.gc?.();
        const baseline = process.memoryUsage().rss;
        let peak = baseline;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
        const started = Date.now();
        const summary = await importMapped(ctx, { sourceId: 'company-registry', mapping, mappingPath });
        const seconds = (Date.now() - started) / 1000;
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        rows.push([label, summary.rows, summary.inserted, seconds.toFixed(1), Math.round(summary.rows / seconds), Math.round(peak / 2 ** 20), Math.round(baseline / 2 ** 20)]);
        process.stdout.write(`${label}: ${summary.rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s, peak RSS ${Math.round(peak / 2 ** 20)} MB\n`);
      } finally {
        await store.close();
        await cleanup();
      }
    }
    process.stdout.write('\n');
    printTable(['store', 'rows', 'statements', 'seconds', 'rows/s', 'peak RSS MB', 'RSS before MB'], rows);
    process.stdout.write(`\nmachine: ${describeMachine()}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
