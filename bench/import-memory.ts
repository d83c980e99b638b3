// Imports N rows (10 million by default) of a synthetic phone-subscriber register through
// `casegraph import`, run as its own process, and samples that process's resident memory
// throughout: the import streams, so memory must stay under a fixed budget whatever N is.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createContext, defaultConfig, LOCAL_OPERATOR, registerSource, type Store, createDb } from '@casegraph/core';
import { describeMachine, printTable } from './machine.js';
import { freshPostgres } from './postgres.js';

const MAPPING = `
subscribers:
  queries:
    - entities:
        subscriber:
          schema: Person
          keys: [subscriber_id]
          properties:
            name: { columns: [first_name, last_name], join: " " }
            phone: { column: phone }
`;

const FIRST = ['Aino', 'Bram', 'Cosima', 'Dries', 'Elif', 'Fenna', 'Gideon', 'Hester', 'Ilka', 'Joris', 'Kirsi', 'Lotte', 'Mats', 'Nienke', 'Oskar', 'Pilar'];
const LAST = ['Aaltonen', 'Brouwer', 'Castell', 'Dekker', 'Eskola', 'Fontaine', 'Groen', 'Halonen', 'Ibsen', 'Jansen', 'Korhonen', 'Lindqvist', 'Maes', 'Nyberg', 'Oosting', 'Peeters'];

/** Writes the register as CSV, streaming; every value comes from the row number, so a run is repeatable. */
async function writeRegister(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('subscriber_id,first_name,last_name,phone\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const h = Math.imul(i + 1, 2654435761) >>> 0;
    chunk += `S${i},${FIRST[h % 16]},${LAST[(h >>> 4) % 16]},+44 7700 ${String(h % 1_000_000).padStart(6, '0')}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** Resident memory of a process from /proc, in bytes, or null once it has gone. */
function residentBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** `npm run bench -- import-memory [--rows N] [--store postgres|pglite] [--budget-mb M]`. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { rows: { type: 'string', default: '10000000' }, store: { type: 'string', default: 'postgres' }, 'budget-mb': { type: 'string', default: '384' } } });
  const rows = Number(values.rows);
  const budget = Number(values['budget-mb']) * 2 ** 20;
  if (!Number.isInteger(rows) || rows < 1000) throw new Error('--rows must be a whole number of at least 1,000');
  const work = mkdtempSync(join(tmpdir(), 'casegraph-bench-import-memory-'));
  let store: Store | undefined;
  let cleanup = async () => undefined as void;
  try {
    const csv = join(work, 'subscribers.csv');
    const mapping = join(work, 'subscribers.yml');
    writeFileSync(mapping, MAPPING);
    process.stdout.write(`Writing ${rows.toLocaleString('en')} subscriber rows...\n`);
    await writeRegister(csv, rows);
    let storeArgs: string[];
    if (values.store === 'pglite') {
      storeArgs = ['--data', join(work, 'store')];
      store = await createDb({ dataDir: join(work, 'store') });
    } else {
      const url = process.env.DATABASE_URL;
      if (url === undefined || url === '') throw new Error('--store postgres needs DATABASE_URL');
      const fresh = await freshPostgres(url, 'memory');
      store = fresh.store;
      cleanup = fresh.cleanup;
      const target = new URL(url);
      target.pathname = `/casegraph_bench_memory_${process.pid}`;
      storeArgs = ['--database-url', target.toString()];
    }
    const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
    await registerSource(ctx, { id: 'subscribers', name: 'Phone subscribers', legalBasis: 'Benchmark', purposes: ['administration'] });
    // The embedded store is one process's at a time: the import opens it itself.
    await store.close();
    store = undefined;

    const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'bin', 'casegraph.js');
    const started = Date.now();
    const child = spawn(process.execPath, [cli, 'import', ...storeArgs, '--source', 'subscribers', '--mapping', mapping, csv], { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.length > 100_000) stderr = stderr.slice(-50_000);
    });
    const samples: Array<{ at: number; rss: number }> = [];
    const sampler = setInterval(() => {
      const rss = child.pid === undefined ? null : residentBytes(child.pid);
      if (rss !== null) samples.push({ at: (Date.now() - started) / 1000, rss });
    }, 500);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    if (code !== 0) throw new Error(`the import exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
    const summary = stderr.trim().split('\n').filter((l) => l.startsWith('Imported')).at(-1) ?? '';
    const peak = Math.max(...samples.map((s) => s.rss));
    // Memory at each tenth of the run: flat when the import streams.
    const tenths = Array.from({ length: 10 }, (_, i) => samples[Math.min(samples.length - 1, Math.floor(((i + 1) / 10) * samples.length) - 1)]?.rss ?? 0);
    process.stdout.write(`${summary}\n\n`);
    printTable(
      ['store', 'rows', 'seconds', 'rows/s', 'peak RSS MB', 'budget MB', 'RSS by tenth of the run, MB'],
      [[values.store ?? '', rows, seconds.toFixed(0), Math.round(rows / seconds), Math.round(peak / 2 ** 20), Math.round(budget / 2 ** 20), tenths.map((b) => Math.round(b / 2 ** 20)).join(' ')]],
    );
    process.stdout.write(`\nmachine: ${describeMachine()}\n`);
    if (peak > budget) throw new Error(`peak resident memory ${Math.round(peak / 2 ** 20)} MB is over the ${Math.round(budget / 2 ** 20)} MB budget`);
  } finally {
    await store?.close();
    await cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}
