// Relevance of the consolidated search over the demo data: a labelled set of queries about
// synthetic people (typos, nicknames, swapped names, initials, other scripts, address and phone
// variants) built from the generator's ground truth, with recall at 10, mean reciprocal rank and
// latency per kind of query. It reports; it asserts nothing.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createContext, createDb, defaultConfig, generateDemo, loadDemo, LOCAL_OPERATOR, sealTerms, searchEntities, type Ctx, type SearchHit, type Store } from '@casegraph/core';
import { describeMachine, printTable } from './machine.js';
import { freshPostgres } from './postgres.js';
import { readDemoPeople, type DemoPerson } from './search-quality/demo-people.js';
import { buildLabelledQueries, QUERY_KINDS, type LabelledQuery } from './search-quality/labelled-queries.js';
import { readNicknames } from './search-quality/name-forms.js';

const MIN_QUERIES = 150;
// Results asked for per query: recall counts the first 10, reciprocal ranks count to here.
const DEPTH = 100;
// Every demo source allows this purpose; the demo case is opened under it.
const PURPOSE = 'criminal-investigation';
const NICKNAMES = new URL('../packages/core/data/nicknames.csv', import.meta.url);

/** What one query gave. */
interface Outcome {
  query: LabelledQuery;
  /** 1-based rank of the first of the person's entities, null when not in the first DEPTH. */
  rank: number | null;
  /** The person came after results of the very same score: ties are ordered by entity id. */
  tied: boolean;
  ms: number;
  first: SearchHit | null;
  total: number;
  error: string | null;
}

/**
 * `npm run bench -- search-quality [--entities N] [--seed S] [--per-kind N] [--stores pglite,postgres]
 * [--fielded] [--write-queries FILE] [--misses N]`.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      entities: { type: 'string', default: '20000' },
      seed: { type: 'string', default: 'search-quality' },
      'per-kind': { type: 'string', default: '25' },
      stores: { type: 'string', default: 'pglite' },
      fielded: { type: 'boolean', default: false },
      'write-queries': { type: 'string' },
      misses: { type: 'string', default: '5' },
    },
  });
  const entities = Number(values.entities);
  if (!Number.isInteger(entities) || entities < 1000) throw new Error('--entities must be a whole number of at least 1,000');
  const perKind = Number(values['per-kind']);
  if (!Number.isInteger(perKind) || perKind < 1) throw new Error('--per-kind must be a whole number above 0');
  const misses = Number(values.misses);
  if (!Number.isInteger(misses) || misses < 0) throw new Error('--misses must be a whole number');
  const wanted = new Set(values.stores.split(','));
  for (const name of wanted) if (name !== 'pglite' && name !== 'postgres') throw new Error(`--stores: unknown store "${name}" (pglite, postgres)`);

  const began = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'casegraph-bench-search-quality-'));
  try {
    const dir = join(work, 'demo');
    let started = Date.now();
    const manifest = await generateDemo({ entities, seed: values.seed, outDir: dir });
    const records = manifest.sources.reduce((sum, s) => sum + s.records, 0);
    process.stdout.write(`Generated ${entities.toLocaleString('en')} entities (${records.toLocaleString('en')} records, seed "${values.seed}") in ${seconds(started)} s\n`);

    const stores: Array<[string, () => Promise<{ store: Store; cleanup: () => Promise<void> }>]> = [];
    if (wanted.has('pglite')) stores.push(['PGlite (embedded)', async () => ({ store: await createDb({ dataDir: join(work, 'store') }), cleanup: async () => undefined })]);
    const url = process.env.DATABASE_URL;
    if (wanted.has('postgres')) {
      if (url === undefined || url === '') process.stdout.write('PostgreSQL skipped: DATABASE_URL is not set\n');
      else stores.push(['PostgreSQL', () => freshPostgres(url, 'search_quality')]);
    }
    const keys = { termsKey: randomBytes(32).toString('base64') };
    const seal = (terms: string) => sealTerms(keys, terms);
    let labelled: { queries: LabelledQuery[]; people: Map<string, DemoPerson> } | null = null;
    for (const [label, open] of stores) {
      const { store, cleanup } = await open();
      try {
        const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
        started = Date.now();
        const loaded = await loadDemo(operator, { dir });
        process.stdout.write(`${label}: loaded ${loaded.records.toLocaleString('en')} records (${loaded.statements.toLocaleString('en')} statements) in ${seconds(started)} s\n`);
        const ctx: Ctx = { ...operator, purpose: { caseId: loaded.caseId, code: PURPOSE, justification: 'relevance benchmark' } };
        if (labelled === null) {
          started = Date.now();
          labelled = await labelQueries(ctx, dir, { seed: values.seed, perKind, fielded: values.fielded, writeTo: values['write-queries'] });
          process.stdout.write(`Labelled ${labelled.queries.length} queries in ${seconds(started)} s\n`);
        }
        started = Date.now();
        const outcomes = await runQueries(ctx, labelled.queries, seal);
        process.stdout.write(`${label}: ran ${outcomes.length} queries in ${seconds(started)} s\n\n`);
        report(label, outcomes, labelled.people, misses);
      } finally {
        await store.close();
        await cleanup();
      }
    }
    process.stdout.write(`\nmachine: ${describeMachine()}\ntotal: ${seconds(began)} s\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function labelQueries(
  ctx: Ctx,
  dir: string,
  options: { seed: string; perKind: number; fielded: boolean; writeTo: string | undefined },
): Promise<{ queries: LabelledQuery[]; people: Map<string, DemoPerson> }> {
  const people = await readDemoPeople(ctx, dir);
  const queries = buildLabelledQueries(people, { seed: options.seed, perKind: options.perKind, fielded: options.fielded, nicknames: readNicknames(NICKNAMES) });
  const visible = people.filter((p) => p.entityIds.length > 0);
  process.stdout.write(`People in the ground truth: ${people.length.toLocaleString('en')}, with records the search may show: ${visible.length.toLocaleString('en')} (${visible.reduce((n, p) => n + p.entityIds.length, 0).toLocaleString('en')} entities)\n`);
  if (options.writeTo !== undefined) {
    writeFileSync(options.writeTo, queries.map((q) => JSON.stringify(q)).join('\n') + '\n');
    process.stdout.write(`Wrote the labelled set to ${options.writeTo}\n`);
  }
  if (queries.length < MIN_QUERIES) {
    const counts = QUERY_KINDS.map((kind) => `${kind} ${queries.filter((q) => q.kind === kind).length}`).join(', ');
    throw new Error(`only ${queries.length} labelled queries could be built (${counts}); at least ${MIN_QUERIES} are needed: try more --entities or --per-kind`);
  }
  return { queries, people: new Map(people.map((p) => [p.id, p])) };
}

async function runQueries(ctx: Ctx, queries: readonly LabelledQuery[], seal: (terms: string) => string): Promise<Outcome[]> {
  // Warm the caches (nickname table, query plans) so the first timings are not a cold start.
  for (const query of queries.slice(0, 5)) await searchEntities(ctx, { query: query.query, limit: 10 }, seal).catch(() => undefined);
  const outcomes: Outcome[] = [];
  for (const query of queries) {
    const expected = new Set(query.expected);
    const started = performance.now();
    try {
      const page = await searchEntities(ctx, { query: query.query, limit: DEPTH }, seal);
      const ms = performance.now() - started;
      const index = page.results.findIndex((hit) => expected.has(hit.id));
      const first = page.results[0] ?? null;
      const tied = index > 0 && page.results[index]?.score === first?.score;
      outcomes.push({ query, rank: index < 0 ? null : index + 1, tied, ms, first, total: page.total, error: null });
    } catch (error) {
      outcomes.push({ query, rank: null, tied: false, ms: performance.now() - started, first: null, total: 0, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}

function report(label: string, outcomes: readonly Outcome[], people: ReadonlyMap<string, DemoPerson>, misses: number): void {
  const row = (name: string, group: readonly Outcome[]) => {
    const times = group.map((o) => o.ms).sort((a, b) => a - b);
    const recall = group.filter((o) => o.rank !== null && o.rank <= 10).length / group.length;
    const mrr = group.reduce((sum, o) => sum + (o.rank === null ? 0 : 1 / o.rank), 0) / group.length;
    const tied = group.filter((o) => o.tied).length;
    return [name, group.length, recall.toFixed(3), mrr.toFixed(3), tied, quantile(times, 0.5).toFixed(1), quantile(times, 0.95).toFixed(1)];
  };
  const rows = QUERY_KINDS.map((kind) => [kind, outcomes.filter((o) => o.query.kind === kind)] as const)
    .filter(([, group]) => group.length > 0)
    .map(([kind, group]) => row(kind, group));
  rows.push(row('all', outcomes));
  process.stdout.write(`${label}: reciprocal ranks count to rank ${DEPTH}; "tied" counts queries whose person scored as high as the first result yet came later\n`);
  printTable(['kind', 'queries', 'recall@10', 'MRR', 'tied', 'median ms', 'p95 ms'], rows);
  if (misses === 0) return;
  process.stdout.write(`\nWorst misses (lowest reciprocal rank, at most ${misses} per kind):\n`);
  for (const kind of QUERY_KINDS) {
    const worst = outcomes
      .filter((o) => o.query.kind === kind && o.rank !== 1)
      .sort((a, b) => (b.rank ?? Infinity) - (a.rank ?? Infinity))
      .slice(0, misses);
    process.stdout.write(`${kind}: ${worst.length === 0 ? 'every query found its person first' : ''}\n`);
    for (const o of worst) process.stdout.write(describeMiss(o, people.get(o.query.person)));
  }
}

function describeMiss(o: Outcome, person: DemoPerson | undefined): string {
  const where = o.error !== null ? `refused: ${o.error}` : o.rank === null ? `not in the first ${DEPTH} of ${o.total}` : `rank ${o.rank} of ${o.total}${o.tied ? ', tied with the first' : ''}`;
  const lines = [`  ${JSON.stringify(o.query.query)} (${o.query.variant}): ${where}`];
  if (o.first !== null) {
    const match = o.first.matches[0];
    const why = match === undefined ? '' : `, ${match.how} on ${match.property}: ${match.detail}`;
    lines.push(`    first: ${JSON.stringify(o.first.caption)} ${o.first.schema} [${o.first.sources.join(', ')}] score ${o.first.score}${why}`);
  }
  if (person !== undefined) {
    const stored = o.query.kind === 'address' ? person.addresses : o.query.kind === 'phone' ? person.phones : person.names;
    lines.push(`    wanted ${person.id}: ${stored.slice(0, 4).map((v) => JSON.stringify(v)).join(', ')}${stored.length > 4 ? ', ...' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}
