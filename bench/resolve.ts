// Entity resolution accuracy: FEBRL 3 imported through an FtM mapping and the demo dataset,
// each resolved without labels through the store, scored pairwise against its ground truth.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createContext, createDb, defaultConfig, exportClusters, generateDemo, importMapped, LOCAL_OPERATOR, loadDemo, parseMapping, registerSource, resolveEntities, type Ctx, type Store } from '@casegraph/core';
import { FEBRL_MAPPING } from '@casegraph/core/testing';
import { describeMachine, printTable } from './machine.js';

const FEBRL3 = fileURLToPath(new URL('../../shared/data/febrl3.csv', import.meta.url));

/** Pairwise precision, recall and F1 from counts: pairs in a predicted cluster, in a true entity, and in both. */
function pairwise(rows: Array<{ cluster: string; truth: string }>): { precision: number; recall: number; f1: number; records: number } {
  const pairs = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + (n * (n - 1)) / 2, 0);
  const count = (key: (r: { cluster: string; truth: string }) => string) => {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
    return counts;
  };
  const predicted = pairs(count((r) => r.cluster));
  const actual = pairs(count((r) => r.truth));
  const both = pairs(count((r) => `${r.cluster}\u0000${r.truth}`));
  const precision = predicted === 0 ? 1 : both / predicted;
  const recall = actual === 0 ? 1 : both / actual;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), records: rows.length };
}

async function withStore<T>(work: (store: Store, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'casegraph-bench-resolve-'));
  const store = await createDb({ dataDir: join(dir, 'store') });
  try {
    return await work(store, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function context(store: Store, purpose: Ctx['purpose']): Ctx {
  return createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig(), purpose });
}

/** `npm run bench -- resolve [--entities N]`: FEBRL 3, and a demo dataset of N entities (default 20,000). */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { entities: { type: 'string', default: '20000' } } });
  const entities = Number(values.entities);
  if (!Number.isInteger(entities) || entities < 1000) throw new Error('--entities must be a whole number of at least 1,000');
  if (!existsSync(FEBRL3)) throw new Error(`${FEBRL3} is missing: the FEBRL data comes with the shared data folder`);
  const table: Array<Array<string | number>> = [];

  await withStore(async (store, dir) => {
    const ctx = context(store, { caseId: null, code: 'administration', justification: 'resolution benchmark' });
    await registerSource(ctx, { id: 'febrl', name: 'FEBRL 3', legalBasis: 'Public benchmark', purposes: ['administration'] });
    const mappingPath = join(dir, 'febrl.yml');
    writeFileSync(mappingPath, FEBRL_MAPPING);
    await importMapped(ctx, { sourceId: 'febrl', mapping: parseMapping(FEBRL_MAPPING, { fileName: 'febrl.yml' }), mappingPath, dataFile: FEBRL3 });
    const started = Date.now();
    const summary = await resolveEntities(ctx, { threshold: 0.5 });
    const seconds = (Date.now() - started) / 1000;
    const rows = (await exportClusters(ctx)).map((r) => ({ cluster: r.clusterId, truth: /^rec-(\d+)-/.exec(r.recordId)?.[1] ?? r.recordId }));
    const score = pairwise(rows);
    table.push(['FEBRL 3', score.records, summary.pairs, score.precision.toFixed(4), score.recall.toFixed(4), score.f1.toFixed(4), seconds.toFixed(1)]);
  });

  await withStore(async (store, dir) => {
    const demoDir = join(dir, 'demo');
    process.stdout.write(`Generating and loading a demo dataset of ${entities.toLocaleString('en')} entities...\n`);
    await generateDemo({ entities, seed: 'bench-resolve', outDir: demoDir });
    const loaded = await loadDemo(context(store, null), { dir: demoDir });
    // Every demo source allows criminal investigation; resolution runs under the demo case.
    const ctx = context(store, { caseId: loaded.caseId, code: 'criminal-investigation', justification: 'resolution benchmark' });
    const started = Date.now();
    const summary = await resolveEntities(ctx, { threshold: 0.5 });
    const seconds = (Date.now() - started) / 1000;
    const truth = new Map<string, string>();
    for (const line of readFileSync(join(demoDir, 'ground-truth.csv'), 'utf8').trim().split(/\r?\n/).slice(1)) {
      const match = /^([^,]+),([^,]+),(.*)$/.exec(line);
      if (match === null) continue;
      const [, entity = '', source = '', record = ''] = match;
      truth.set(`${source}\u0000${record.replace(/^"(.*)"$/, '$1').replace(/""/g, '"')}`, entity);
    }
    const rows: Array<{ cluster: string; truth: string }> = [];
    let unmatched = 0;
    for (const r of await exportClusters(ctx)) {
      const entity = truth.get(`${r.source}\u0000${r.recordId}`);
      if (entity === undefined) unmatched++;
      else rows.push({ cluster: r.clusterId, truth: entity });
    }
    const score = pairwise(rows);
    table.push([`demo (${entities.toLocaleString('en')} entities)`, score.records, summary.pairs, score.precision.toFixed(4), score.recall.toFixed(4), score.f1.toFixed(4), seconds.toFixed(1)]);
    if (unmatched > 0) process.stdout.write(`${unmatched} resolved records had no ground-truth row and were left out of the score\n`);
  });

  process.stdout.write('\n');
  printTable(['data', 'records', 'candidate pairs', 'precision', 'recall', 'F1', 'resolve s'], table);
  process.stdout.write(`\npairwise over all record pairs; no labels used to fit; threshold 0.5\nmachine: ${describeMachine()}\n`);
}
