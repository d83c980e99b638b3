// Link-graph latency on PostgreSQL: a synthetic graph of N edges (default 10 million) written by
// SQL straight into statements, with a few very busy hubs, then a 2-hop neighbourhood from a hub
// and shortest paths between nodes 3 to 5 hops apart, through the core use cases.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createContext, createDb, defaultConfig, expandNode, findPaths, graphNeighbourhood, LOCAL_OPERATOR, registerSource, type Ctx, type Store } from '@casegraph/core';
import { describeMachine, printTable } from './machine.js';
import { freshPostgres } from './postgres.js';

const HUBS = 5;
// One edge in this many goes to a hub (each hub takes 1/HUB_EVERY of the edges, one in 200 each).
const HUB_EVERY = 200;
const PAIRS = 30;
const RUNS = 20;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** The SQL that writes the graph: nodes, then relationship entities (Ownership, Payment) and entity-valued properties. */
function generation(edges: number, nodes: number): Array<{ label: string; sql: string }> {
  const now = `'2026-01-01T00:00:00Z'::timestamptz`;
  const columns = 'id, entity_id, schema, property, prop_type, value, normalized, source_id, origin, first_seen, last_seen';
  // Half the edges are relationship entities (two statements each), half entity-valued properties (one statement).
  const entities = Math.floor(edges / 2);
  const properties = edges - entities;
  // Endpoints: one edge in HUB_EVERY has a hub (n1..n5) at its source end; the rest are spread by hashing the edge number.
  const source = (i: string) => `'n' || (case when ${i} % ${HUB_EVERY} < ${HUBS} then ${i} % ${HUB_EVERY} + 1 else 1 + (abs(hashint8((${i})::bigint)::bigint) % ${nodes}) end)`;
  const target = (i: string) => `'n' || (1 + (abs(hashint8((${i})::bigint + 1000000007)::bigint) % ${nodes}))`;
  return [
    {
      label: 'nodes',
      sql: `insert into statements (${columns})
        select md5('n' || i), 'n' || i, case when i % 3 = 0 then 'Person' else 'Company' end, 'name', 'name', 'Node ' || i, 'node ' || i, 'bench', 'n' || i, ${now}, ${now}
        from generate_series(1, ${nodes}) i`,
    },
    {
      label: 'relationship entities',
      sql: `insert into statements (${columns})
        select md5(e.id || p.property), e.id, e.schema, p.property, 'entity', p.value, p.value, 'bench', e.id, ${now}, ${now}
        from (select 'e' || i as id, case when i % 2 = 0 then 'Ownership' else 'Payment' end as schema, ${source('i')} as a, ${target('i')} as b
              from generate_series(1, ${entities}) i) e
        cross join lateral (values (case when e.schema = 'Ownership' then 'owner' else 'payer' end, e.a),
                                   (case when e.schema = 'Ownership' then 'asset' else 'beneficiary' end, e.b)) p(property, value)`,
    },
    {
      label: 'entity-valued properties',
      sql: `insert into statements (${columns})
        select md5('p' || i), ${source(`(i + ${entities})`)}, 'Company', 'parent', 'entity', ${target(`(i + ${entities})`)}, ${target(`(i + ${entities})`)}, 'bench', 'p' || i, ${now}, ${now}
        from generate_series(1, ${properties}) i`,
    },
  ];
}

/** Chains of 3 to 5 planted Ownership links between random nodes: pairs whose shortest path is at most that long. */
function plantedChains(nodes: number): { sql: string; pairs: Array<{ from: string; to: string; planted: number }> } {
  const now = `'2026-01-01T00:00:00Z'::timestamptz`;
  const values: string[] = [];
  const pairs: Array<{ from: string; to: string; planted: number }> = [];
  for (let j = 0; j < PAIRS; j++) {
    const length = 3 + (j % 3);
    // Well away from the hubs (n1..n5).
    const chain = Array.from({ length: length + 1 }, (_, k) => `n${HUBS + 1 + ((j * 7919 + k * 104729 + 17) % (nodes - HUBS - 1))}`);
    for (let k = 0; k < length; k++) {
      const id = `chain-${j}-${k}`;
      values.push(`(md5('${id}owner'), '${id}', 'Ownership', 'owner', 'entity', '${chain[k]}', '${chain[k]}', 'bench', '${id}', ${now}, ${now})`);
      values.push(`(md5('${id}asset'), '${id}', 'Ownership', 'asset', 'entity', '${chain[k + 1]}', '${chain[k + 1]}', 'bench', '${id}', ${now}, ${now})`);
    }
    pairs.push({ from: chain[0] ?? '', to: chain[length] ?? '', planted: length });
  }
  return { sql: `insert into statements (id, entity_id, schema, property, prop_type, value, normalized, source_id, origin, first_seen, last_seen) values ${values.join(',\n')}`, pairs };
}

/** Writes the graph with the statement indexes (all but the primary key, which the search index refers to) dropped, then builds them again and analyzes; answers the planted pairs. */
async function generate(client: pg.Client, edges: number, nodes: number): Promise<Array<{ from: string; to: string; planted: number }>> {
  await client.query(`set maintenance_work_mem = '512MB'`);
  await client.query('set synchronous_commit = off');
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `select indexname as name, indexdef as definition from pg_indexes where schemaname = current_schema() and tablename = 'statements' and indexname <> 'statements_pkey'`,
  );
  for (const index of indexes) await client.query(`drop index ${index.name}`);
  for (const step of generation(edges, nodes)) {
    const t = await timed(() => client.query(step.sql));
    process.stdout.write(`  ${step.label}: ${(t.ms / 1000).toFixed(1)} s\n`);
  }
  const chains = plantedChains(nodes);
  await client.query(chains.sql);
  const built = await timed(async () => {
    for (const index of indexes) await client.query(index.definition);
  });
  process.stdout.write(`  indexes (${indexes.map((index) => index.name).join(', ')}): ${(built.ms / 1000).toFixed(1)} s\n`);
  await client.query('analyze');
  return chains.pairs;
}

/**
 * A database kept between runs: with reuse, one a finished earlier run of this size left (its
 * migrations brought up to date); otherwise a new one, made empty and migrated.
 */
async function keptPostgres(url: string, name: string, reuse: boolean): Promise<{ store: Store; cleanup: () => Promise<void>; name: string; reused: boolean }> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  let exists: boolean;
  try {
    exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    if (exists && !reuse) await admin.query(`drop database ${name}`);
    if (!exists || !reuse) await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  const store = await createDb({ databaseUrl: target.toString() });
  let reused = false;
  if (exists && reuse) {
    const marker = await store.db.selectFrom('store_info').select('value').where('key', '=', 'bench.graph.edges').executeTakeFirst();
    if (marker === undefined) {
      await store.close();
      throw new Error(`database ${name} holds no finished graph: run again with --keep instead of --reuse`);
    }
    reused = true;
    process.stdout.write(`  reusing database ${name}\n`);
  }
  return { store, cleanup: async () => undefined, name, reused };
}

/** `npm run bench -- graph [--edges N] [--keep | --reuse] [--chart-only]`: needs DATABASE_URL (PostgreSQL); default 10,000,000 edges. --keep leaves the generated database in place, --reuse runs on one kept earlier (generating it if absent). The link chart's frame rate in Chromium follows (1,000 / 5,000 and 10,000 / 50,000 nodes / edges); --chart-only measures only that, with no database. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { edges: { type: 'string', default: '10000000' }, keep: { type: 'boolean', default: false }, reuse: { type: 'boolean', default: false }, 'chart-only': { type: 'boolean', default: false } } });
  // Loaded only when used: it brings a browser driver and the web build.
  const chartFrameRates = async (): Promise<void> => (await import('./graph/link-chart.js')).printLinkChartFrameRates();
  if (values['chart-only']) {
    await chartFrameRates();
    process.stdout.write(`\n${describeMachine()}\n`);
    return;
  }
  const edges = Number(values.edges);
  if (!Number.isInteger(edges) || edges < 10_000) throw new Error('--edges must be a whole number of at least 10,000');
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    process.stdout.write('bench graph: link-graph latency skipped, it needs PostgreSQL: set DATABASE_URL (the embedded store is not meant for graphs of millions of edges)\n');
    await chartFrameRates();
    process.stdout.write(`\n${describeMachine()}\n`);
    return;
  }
  const nodes = Math.max(1000, Math.floor(edges / 4));
  // --keep and --reuse work on a database named by the graph's size, left in place after the run.
  const kept = values.keep || values.reuse;
  const { store, cleanup, name, reused } = kept ? await keptPostgres(url, `casegraph_bench_graph_${edges}`, values.reuse) : { ...(await freshPostgres(url, 'graph')), name: `casegraph_bench_graph_${process.pid}`, reused: false };
  const figures: Array<Array<string | number>> = [];
  try {
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
    // Bulk load as the database's owner, with the statement indexes (but the primary key, which the search index refers to) built after the rows are in.
    const target = new URL(url);
    target.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: target.toString() });
    await client.connect();
    let generated: { ms: number; value: Array<{ from: string; to: string; planted: number }> };
    let rows: number;
    try {
      if (reused) generated = { ms: 0, value: plantedChains(nodes).pairs };
      else {
        await registerSource(operator, { id: 'bench', name: 'Synthetic graph', legalBasis: 'Benchmark', purposes: ['administration'] });
        generated = await timed(() => generate(client, edges, nodes));
        await client.query(`insert into store_info (key, value) values ('bench.graph.edges', $1)`, [String(edges)]);
      }
      rows = Number((await client.query<{ n: string }>('select count(*) as n from statements')).rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
    figures.push([
      'generation (rows, indexes, analyze)',
      reused ? 'reused' : `${(generated.ms / 1000).toFixed(1)} s`,
      `${rows.toLocaleString('en')} statements, ${nodes.toLocaleString('en')} nodes${kept ? `; database ${name} kept` : ''}`,
    ]);

    const ctx: Ctx = { ...operator, purpose: { caseId: null, code: 'administration', justification: 'graph benchmark' } };
    const hubExpand: number[] = [];
    const hubHood: number[] = [];
    let hoodNodes = 0;
    let hoodMore = 0;
    let hubEdges = 0;
    for (let r = 0; r < RUNS; r++) {
      const hub = `n${1 + (r % HUBS)}`;
      const expanded = await timed(() => expandNode(ctx, { id: hub, limit: 50 }));
      hubExpand.push(expanded.ms);
      hubEdges = expanded.value.total;
      const hood = await timed(() => graphNeighbourhood(ctx, { ids: [hub], hops: 2, limit: 500 }));
      hubHood.push(hood.ms);
      hoodNodes = hood.value.nodes.length;
      hoodMore = hood.value.more.notShown;
    }
    const ordinary: number[] = [];
    for (let r = 0; r < RUNS; r++) ordinary.push((await timed(() => graphNeighbourhood(ctx, { ids: [`n${1000 + r * 37}`], hops: 2, limit: 500 }))).ms);
    const pathTimes: number[] = [];
    const hopCounts = new Map<string, number>();
    let cappedSearches = 0;
    for (const pair of generated.value) {
      const found = await timed(() => findPaths(ctx, { from: pair.from, to: pair.to, maxHops: 6, limit: 5 }));
      const hops = found.value.hops;
      hopCounts.set(String(hops), (hopCounts.get(String(hops)) ?? 0) + 1);
      if (found.value.capped) cappedSearches++;
      if (hops !== null && hops >= 3 && hops <= 5) pathTimes.push(found.ms);
    }
    const line = (label: string, times: number[], note: string) => {
      const sorted = [...times].sort((a, b) => a - b);
      figures.push([label, `p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms`, note]);
    };
    line('expand a hub (1 hop, limit 50)', hubExpand, `${RUNS} runs over ${HUBS} hubs of ~${hubEdges.toLocaleString('en')} edges each`);
    line('2-hop neighbourhood of a hub (limit 500 nodes)', hubHood, `${hoodNodes} nodes shown, ${hoodMore.toLocaleString('en')} edges counted as "more"`);
    line('2-hop neighbourhood of an ordinary node (limit 500)', ordinary, `${RUNS} runs`);
    line('shortest paths, 3 to 5 hops apart (limit 5)', pathTimes, `${pathTimes.length} of ${generated.value.length} pairs; hops found: ${[...hopCounts].map(([h, n]) => `${h}×${n}`).join(', ')}; ${cappedSearches} hit the frontier cap`);
  } finally {
    await store.close();
    if (!kept) await cleanup();
  }
  process.stdout.write(`\nLink graph on PostgreSQL, ${edges.toLocaleString('en')} edges\n`);
  printTable(['figure', 'value', 'notes'], figures);
  await chartFrameRates();
  process.stdout.write(`\n${describeMachine()}\n`);
}
