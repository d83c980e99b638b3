// Load: 10,000 signed-in analysts, each holding a live-update stream open, while a mixed
// workload (search, profile, expand, case update) runs at a fixed rate against N entities
// (default 10 million) on PostgreSQL, served by `casegraph serve --workers N`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadShape, prepareLoadStore } from './load/fill.js';
import { openLiveStreams, type LiveStreams } from './load/live.js';
import { cpuSince, memoryOf, readProcesses, type Reading } from './load/processes.js';
import { drawLoadTargets, openLoadSessions } from './load/sessions.js';
import { verifyLoadStore } from './load/verify.js';
import { MIX, onlyMix, OPERATIONS, percentile, runWorkload, type Operation, type OperationFigures } from './load/workload.js';
import { describeMachine, machinePace, pageCacheGiB, printTable } from './machine.js';

const CLI = fileURLToPath(new URL('../packages/cli/bin/casegraph.js', import.meta.url));
const CLI_FROM_SOURCE = ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL('./load/serve-from-source.ts', import.meta.url))];

function wholeNumber(text: string | undefined, name: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min.toLocaleString('en')}`);
  return n;
}

/**
 * `npm run bench -- load [--entities N] [--reuse] [--fill-only] [--sessions N] [--rate R] [--duration S] [--warmup S] [--workers W] [--no-live] [--from-source] [--only OPERATION] [--cpu-profile DIR]`:
 * needs DATABASE_URL (PostgreSQL). The store of N entities is made once in its own database
 * and kept; --reuse runs on it again. The server is the built CLI (`npm run build` first), or
 * with --from-source the TypeScript sources. --only runs one operation of the mix alone, to see
 * what each costs. --cpu-profile writes the server's processor profiles (one `.cpuprofile` per
 * process, readable in Chrome's DevTools) into DIR when it stops. The last line gives the
 * machine's pace (machinePace) and page cache just before the measured run: on a shared machine
 * only runs at about the same pace compare.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      entities: { type: 'string', default: '10000000' },
      reuse: { type: 'boolean', default: false },
      'fill-only': { type: 'boolean', default: false },
      users: { type: 'string', default: '10000' },
      team: { type: 'string', default: '10' },
      sessions: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '500' },
      duration: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '15' },
      workers: { type: 'string', default: '2' },
      'no-live': { type: 'boolean', default: false },
      'from-source': { type: 'boolean', default: false },
      only: { type: 'string' },
      'cpu-profile': { type: 'string' },
    },
  });
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') throw new Error('bench load needs PostgreSQL: set DATABASE_URL');
  const shape = loadShape(wholeNumber(values.entities, 'entities', 10_000), wholeNumber(values.users, 'users', 1), wholeNumber(values.team, 'team', 1));
  process.stderr.write(`Store of ${shape.entities.toLocaleString('en')} entities (${shape.people.toLocaleString('en')} people, ${shape.companies.toLocaleString('en')} companies, ${shape.relationships.toLocaleString('en')} relationships)\n`);
  const fillStarted = Date.now();
  const target = await prepareLoadStore(url, shape, { reuse: values.reuse });
  const fillSeconds = (Date.now() - fillStarted) / 1000;
  process.stderr.write(`  ${await verifyLoadStore(target, shape)}\n`);
  if (values['fill-only']) {
    process.stdout.write(`store ready in ${fillSeconds.toFixed(0)} s\n`);
    return;
  }
  const sessionCount = wholeNumber(values.sessions, 'sessions', 1);
  const rate = wholeNumber(values.rate, 'rate', 1);
  const seconds = wholeNumber(values.duration, 'duration', 1);
  const warmup = wholeNumber(values.warmup, 'warmup', 0);
  const workers = wholeNumber(values.workers, 'workers', 1);
  const mix = values.only === undefined ? MIX : onlyMix(values.only);
  const work = mkdtempSync(join(tmpdir(), 'casegraph-bench-load-'));
  const sessions = await openLoadSessions(target, sessionCount, join(work, 'sessions.json'));
  const targets = await drawLoadTargets(target, shape, 5000);
  const server = await startServe(target, workers, join(work, 'keys.json'), values['from-source'], values['cpu-profile']);
  // Ten thousand analysts are ten thousand browsers, each with its connection to one worker: the
  // generator's pooled connections take turns (first in, first out) rather than the most recent
  // few carrying every request, which would put nearly all of them on one worker.
  const requestAgent = new http.Agent({ keepAlive: true, maxSockets: 512, scheduling: 'fifo' });
  const streamAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  let live: LiveStreams | null = null;
  try {
    process.stderr.write(`  server: casegraph serve --workers ${workers} at ${server.base.href} (pid ${server.child.pid ?? '?'})\n`);
    if (!values['no-live']) {
      const opening = performance.now();
      live = await openLiveStreams(server.base, sessions, { parallel: 100, agent: streamAgent });
      process.stderr.write(`  ${live.opened.toLocaleString('en')} live streams open in ${((performance.now() - opening) / 1000).toFixed(1)} s${live.failed.size > 0 ? `; failed: ${[...live.failed].map(([k, n]) => `${k}×${n}`).join(', ')}` : ''}\n`);
    }
    if (warmup > 0) {
      process.stderr.write(`  warm-up: ${warmup} s at ${rate} requests/s\n`);
      await runWorkload(server.base, sessions, targets, { rate, seconds: warmup, agent: requestAgent, live: null, mix });
    }
    // The machine's pace now, before the counts start (the loop holds this process for about a second).
    const pace = machinePace();
    const cache = pageCacheGiB();
    // Notices that waited behind the loop are read before the counts start.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (live !== null) live.caseDeliveries = { received: 0, expected: 0 };
    if (live !== null) live.deliveryMs.length = 0;
    process.stderr.write(`  measuring: ${seconds} s at ${rate} requests/s\n`);
    const loadBefore = loadavg()[0] ?? 0;
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const before = readProcesses(server.child.pid ?? 0);
    const peaks = { workers: 0, postgres: 0, generator: 0 };
    const sampler = setInterval(() => notePeaks(peaks, readProcesses(server.child.pid ?? 0)), 2000);
    const measured = await runWorkload(server.base, sessions, targets, { rate, seconds, agent: requestAgent, live, mix });
    clearInterval(sampler);
    const after = readProcesses(server.child.pid ?? 0);
    notePeaks(peaks, after);
    lag.disable();
    // Events of the last updates are still on their way.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    report({ shape, sessions: sessionCount, rate, seconds, workers, measured, live, before, after, peaks, lag, loadBefore, mix, pace, cache });
  } finally {
    live?.closeAll();
    requestAgent.destroy();
    streamAgent.destroy();
    await stopServe(server.child);
    rmSync(work, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts the built CLI's `casegraph serve` on the store and waits until it answers. */
async function startServe(target: string, workers: number, keys: string, fromSource: boolean, profileDir?: string): Promise<{ child: ChildProcess; base: URL }> {
  const port = await freePort();
  const args = [...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]), ...(fromSource ? CLI_FROM_SOURCE : [CLI]), 'serve', '--database-url', target, '--host', '127.0.0.1', '--port', String(port)];
  if (workers > 1) args.push('--workers', String(workers));
  const child = spawn(process.execPath, args, { env: { ...process.env, CASEGRAPH_KEYS: keys }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = new URL(`http://127.0.0.1:${port}`);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`casegraph serve stopped with code ${child.exitCode}: ${output.trim().slice(-800)}`);
    const healthy = await fetch(new URL('/api/health', base)).then((r) => r.ok, () => false);
    if (healthy) {
      // With several workers, wait until every one of them answers.
      const seen = new Set<string>();
      for (let i = 0; i < 50 && seen.size < workers; i++) seen.add((await fetch(new URL('/api/health', base))).headers.get('x-casegraph-worker') ?? '1');
      return { child, base };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  child.kill('SIGTERM');
  throw new Error(`casegraph serve did not answer within 120 s: ${output.trim().slice(-800)}`);
}

async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function notePeaks(peaks: { workers: number; postgres: number; generator: number }, reading: Reading): void {
  peaks.workers = Math.max(peaks.workers, ...[...reading.workers.values()].map((w) => w.rss), reading.workers.size === 0 ? (reading.primary?.rss ?? 0) : 0);
  peaks.postgres = Math.max(peaks.postgres, memoryOf(reading.postgres).pss);
  peaks.generator = Math.max(peaks.generator, reading.generator.rss);
}

const MB = 2 ** 20;
const ms = (n: number) => (Number.isNaN(n) ? '-' : `${n.toFixed(0)} ms`);

function report(run: {
  shape: { entities: number };
  sessions: number;
  rate: number;
  seconds: number;
  workers: number;
  measured: { figures: Map<string, OperationFigures>; sent: number; lateStarts: number };
  live: LiveStreams | null;
  before: Reading;
  after: Reading;
  peaks: { workers: number; postgres: number; generator: number };
  lag: { percentile(p: number): number; max: number };
  loadBefore: number;
  mix: Record<Operation, number>;
  /** machinePace() just before the measured run, in ms, and the page cache then (GiB). */
  pace: number;
  cache: number | null;
}): void {
  const { measured, live, before, after } = run;
  const wall = (after.at - before.at) / 1000;
  process.stdout.write(
    `\nLoad on PostgreSQL: ${run.shape.entities.toLocaleString('en')} entities, ${run.sessions.toLocaleString('en')} signed-in sessions, ${run.rate} requests/s for ${run.seconds} s, casegraph serve --workers ${run.workers}\n\n`,
  );
  const rows: Array<Array<string | number>> = [];
  const all: number[] = [];
  let errors = 0;
  for (const operation of OPERATIONS) {
    const f = measured.figures.get(operation);
    if (f === undefined || run.mix[operation] === 0) continue;
    const sorted = [...f.latencies].sort((a, b) => a - b);
    all.push(...sorted);
    const failed = [...f.errors.values()].reduce((a, b) => a + b, 0);
    errors += failed;
    rows.push([`${operation} (${Math.round(run.mix[operation] * 100)}%)`, sorted.length, ms(percentile(sorted, 50)), ms(percentile(sorted, 95)), ms(percentile(sorted, 99)), ms(sorted.at(-1) ?? Number.NaN), failed === 0 ? '0' : [...f.errors].map(([k, n]) => `${k}×${n}`).join(' ')]);
  }
  all.sort((a, b) => a - b);
  rows.push(['all', all.length, ms(percentile(all, 50)), ms(percentile(all, 95)), ms(percentile(all, 99)), ms(all.at(-1) ?? Number.NaN), errors]);
  printTable(['operation', 'requests', 'p50', 'p95', 'p99', 'max', 'errors'], rows);
  process.stdout.write(`${measured.sent.toLocaleString('en')} requests sent (${(all.length / wall).toFixed(0)}/s answered over ${wall.toFixed(0)} s); ${measured.lateStarts} started more than 5 ms late\n`);
  const workerCounts = new Map<string, number>();
  for (const f of measured.figures.values()) for (const [w, n] of f.byWorker) workerCounts.set(w, (workerCounts.get(w) ?? 0) + n);
  process.stdout.write(`requests by worker: ${[...workerCounts].map(([w, n]) => `${w}: ${n.toLocaleString('en')}`).join(', ')}\n`);
  if (live !== null) {
    const delivery = [...live.deliveryMs].sort((a, b) => a - b);
    process.stdout.write('\n');
    printTable(
      ['live streams', 'value'],
      [
        ['held at the end / opened', `${live.held().toLocaleString('en')} / ${live.opened.toLocaleString('en')}`],
        ['failed to open', live.failed.size === 0 ? '0' : [...live.failed].map(([k, n]) => `${k}×${n}`).join(' ')],
        ['dropped during the run', live.dropped],
        ['by worker', [...live.byWorker].map(([w, n]) => `${w}: ${n.toLocaleString('en')}`).join(', ')],
        ['events received', [...live.events].map(([k, n]) => `${k} ${n.toLocaleString('en')}`).join(', ') || '0'],
        ['case-changed deliveries / expected', `${live.caseDeliveries.received.toLocaleString('en')} / ${live.caseDeliveries.expected.toLocaleString('en')} (every open stream of the case's team, per update)`],
        ['delivery after the update started', `p50 ${ms(percentile(delivery, 50))}, p99 ${ms(percentile(delivery, 99))}`],
      ],
    );
  }
  const cpu = (seconds: number) => `${((seconds / wall) * 100).toFixed(0)}%`;
  const memoryRows: Array<Array<string | number>> = [];
  for (const [pid, figures] of after.workers) {
    memoryRows.push([`server worker ${pid}`, (figures.rss / MB).toFixed(0), cpu(figures.cpuSeconds - (before.workers.get(pid)?.cpuSeconds ?? 0))]);
  }
  if (after.primary !== null) memoryRows.push([after.workers.size > 0 ? 'server primary' : 'server', (after.primary.rss / MB).toFixed(0), cpu(after.primary.cpuSeconds - (before.primary?.cpuSeconds ?? 0))]);
  const pg = memoryOf(after.postgres);
  memoryRows.push([`PostgreSQL, ${after.postgres.size} processes (PSS; RSS ${(pg.rss / MB).toFixed(0)})`, (pg.pss / MB).toFixed(0), cpu(cpuSince(before.postgres, after.postgres))]);
  memoryRows.push(['load generator', (after.generator.rss / MB).toFixed(0), cpu(after.generator.cpuSeconds - before.generator.cpuSeconds)]);
  process.stdout.write('\n');
  printTable(['process', 'memory MB (end)', 'CPU (100% = one core)'], memoryRows);
  process.stdout.write(`peaks: server worker ${(run.peaks.workers / MB).toFixed(0)} MB, PostgreSQL ${(run.peaks.postgres / MB).toFixed(0)} MB, generator ${(run.peaks.generator / MB).toFixed(0)} MB\n`);
  process.stdout.write(`generator event-loop delay: p50 ${(run.lag.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(run.lag.percentile(99) / 1e6).toFixed(1)} ms, max ${(run.lag.max / 1e6).toFixed(1)} ms\n`);
  process.stdout.write(`load average (1 min): ${run.loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after; PostgreSQL and the load generator share the machine with the server\n`);
  process.stdout.write(`machine: ${describeMachine()}\n`);
  process.stdout.write(`machine pace: a fixed SHA-256 chain took ${run.pace} ms just before the measured run (lower is faster; compare runs at about the same pace)${run.cache === null ? '' : `; page cache ${run.cache.toFixed(1)} GiB`}\n`);
}
