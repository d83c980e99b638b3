// The crash harness: a real server on a prepared store, a workload of imports and case updates
// over HTTP, a kill -9 at a random moment (of the server, or of PostgreSQL's postmaster), a
// restart, and the checks that nothing acknowledged was lost.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, createDb, defaultConfig, hashToken, LOCAL_OPERATOR, loadOrCreateKeys, registerSource, type Store, type StoreOptions } from '@casegraph/core';
import { createPgCluster, freePort, type PgCluster } from '@casegraph/core/testing';
import { addResult, checkOverHttp, checkStore, type CheckResult } from './check-store.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { analystHeaders, emptyLedger, PURPOSE, runWorkload, seededRandomFrom, type Client, type Ledger } from './workload.js';

/** What is killed: the server on PostgreSQL, PostgreSQL under a running server, or the server holding an embedded store. */
export type CrashMode = 'server-postgres' | 'postgres' | 'pglite';
export const CRASH_MODES: readonly CrashMode[] = ['server-postgres', 'postgres', 'pglite'];

export interface CrashOptions {
  mode: CrashMode;
  cycles: number;
  seed: string;
  /** The kill lands uniformly in this window after the cycle's workload starts (ms). */
  killWindow?: [number, number];
  /** How long PostgreSQL stays down in the postgres mode (ms, uniform). */
  downWindow?: [number, number];
  /** Rows per import (uniform). */
  importRows?: [number, number];
  /** The embedded store is checked with SQL every this many cycles (and after the last). */
  sqlCheckEvery?: number;
  onCycle?: (line: string) => void;
  /** Ends the run after the cycle under way (its checks and the final check still run). */
  stop?: AbortSignal;
}

export interface CrashFigures {
  mode: CrashMode;
  cycles: number;
  kills: number;
  acknowledged: number;
  /** Rows of imports acknowledged as done or reported committed. */
  acknowledgedRows: number;
  notes: number;
  imports: number;
  lost: string[];
  partialBatches: string[];
  verifyProblems: string[];
  /** Restart (server modes) or recovery (postgres mode) times, ms. */
  restarts: number[];
  /** Answers while the database was down. */
  unavailable: number;
  internal: number;
  otherErrors: number;
  leaks: number;
  samples: string[];
  /** The server process ended when only the database was killed. */
  serverDeaths: number;
  /** Starts that failed (each is tried again, three times at most). */
  startFailures: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value at quantile q of the sorted values. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

interface Prepared {
  sourceId: string;
  analystCookie: string;
  auditorCookie: string;
}

/** Registers the source, creates an analyst and an auditor, and opens a session for each: no demo data. */
async function prepareStore(store: Store): Promise<Prepared> {
  const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
  const sourceId = 'crash-registry';
  await registerSource(operator, { id: sourceId, name: 'Synthetic people register', legalBasis: 'Crash harness (synthetic data)', purposes: [PURPOSE] });
  const cookies: string[] = [];
  for (const [username, roles] of [['crash-analyst', ['analyst']], ['crash-auditor', ['oversight']]] as const) {
    const userId = randomUUID();
    await store.db.insertInto('users').values({ id: userId, username, display_name: `Harness ${username}`, organisation: 'local', roles: [...roles], compartments: [], password_hash: null }).execute();
    const token = randomBytes(24).toString('base64url');
    const now = new Date();
    await store.db
      .insertInto('sessions')
      .values({ id: randomUUID(), token_hash: hashToken(token), kind: 'session', user_id: userId, name: null, created_at: now, last_used_at: now, expires_at: new Date(now.getTime() + 7 * 86_400_000), banner_acknowledged_at: now })
      .execute();
    cookies.push(token);
  }
  return { sourceId, analystCookie: cookies[0] ?? '', auditorCookie: cookies[1] ?? '' };
}

async function openCase(client: Client): Promise<string> {
  const answer = await fetch(`${client.url}/api/cases`, {
    method: 'POST',
    headers: { ...analystHeaders(client, null), 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Harbour warehouse invoices (crash harness)', purpose: PURPOSE }),
  });
  const body = await answer.text();
  if (answer.status !== 201) throw new Error(`opening the case answered ${answer.status}: ${body}`);
  const caseId = (JSON.parse(body) as { id: string }).id;
  const active = await fetch(`${client.url}/api/cases/${caseId}/status`, {
    method: 'POST',
    headers: { ...analystHeaders(client, caseId), 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'active' }),
  });
  if (active.status !== 200) throw new Error(`activating the case answered ${active.status}: ${await active.text()}`);
  return caseId;
}

/** Waits until no import of the ledger still runs in the server (one may outlive a short database outage). */
async function waitForImports(client: Client, ledger: Ledger): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (const record of ledger.imports.filter((r) => !r.settled && !r.done)) {
    while (Date.now() < deadline) {
      const answer = await fetch(`${client.url}/api/imports/${record.jobId}`, { headers: analystHeaders(client, null) }).catch(() => undefined);
      if (answer?.status === 200) {
        const job = (await answer.json()) as { status: string; fractionDone: number | null; rows: number };
        if (job.status === 'done') {
          record.done = job.rows === record.keys.length;
          record.ackRows = job.rows;
        }
        // Not live here any more: ended, or abandoned when its batch failed.
        if (job.status !== 'running' || job.fractionDone === null) break;
      }
      await sleep(100);
    }
  }
}

/**
 * Runs `cycles` crash cycles of one mode in a fresh work folder, and answers the figures.
 * @example const figures = await runCrashMode({ mode: 'pglite', cycles: 3, seed: 'ci' });
 */
export async function runCrashMode(options: CrashOptions): Promise<CrashFigures> {
  const started = performance.now();
  const random = seededRandomFrom(`${options.seed}:${options.mode}`);
  const uniform = ([low, high]: [number, number]) => low + random() * (high - low);
  const killWindow = options.killWindow ?? [50, 3_000];
  const downWindow = options.downWindow ?? [200, 1_500];
  const importRows = options.importRows ?? [1_500, 4_500];
  const sqlCheckEvery = options.sqlCheckEvery ?? 10;
  const log = options.onCycle ?? (() => undefined);
  const work = mkdtempSync(join(tmpdir(), `casegraph-crash-${options.mode}-`));
  const keysPath = join(work, 'casegraph-keys.json');
  const publicKey = loadOrCreateKeys(keysPath, 'casegraph').signing.publicKey;
  let cluster: PgCluster | undefined;
  let storeOptions: StoreOptions;
  let storeArgs: string[];
  if (options.mode === 'pglite') {
    storeOptions = { dataDir: join(work, 'data') };
    storeArgs = ['--data', join(work, 'data')];
  } else {
    // PostgreSQL runs as its own user when the harness is root: it must reach its folder.
    chmodSync(work, 0o755);
    mkdirSync(join(work, 'pg'), { mode: 0o755 });
    cluster = await createPgCluster(join(work, 'pg', 'cluster'));
    storeOptions = { databaseUrl: cluster.url };
    storeArgs = ['--database-url', cluster.url];
  }
  const env: NodeJS.ProcessEnv = { ...process.env, CASEGRAPH_KEYS: keysPath, NODE_ENV: 'production' };
  delete env.DATABASE_URL;
  delete env.CASEGRAPH_DATA;
  const figures: CrashFigures = {
    mode: options.mode,
    cycles: 0,
    kills: 0,
    acknowledged: 0,
    acknowledgedRows: 0,
    notes: 0,
    imports: 0,
    lost: [],
    partialBatches: [],
    verifyProblems: [],
    restarts: [],
    unavailable: 0,
    internal: 0,
    otherErrors: 0,
    leaks: 0,
    samples: [],
    serverDeaths: 0,
    startFailures: 0,
    seconds: 0,
  };
  const totals: CheckResult = { lost: figures.lost, partialBatches: figures.partialBatches, verifyProblems: figures.verifyProblems };
  let server: ServerProcess | undefined;
  // The harness's own connection, for the SQL checks on PostgreSQL (the embedded store is opened
  // only while the server is stopped).
  let checker: Store | undefined;
  try {
    const prepStore = await createDb(storeOptions);
    let prepared: Prepared;
    try {
      prepared = await prepareStore(prepStore);
    } finally {
      await prepStore.close();
    }
    if (cluster !== undefined) checker = await createDb({ ...storeOptions, migrate: false, poolSize: 2 });
    const port = await freePort();
    // A start that fails is counted and shown; one that fails three times running ends the run.
    const serve = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await startServerProcess({ storeArgs, port, env });
        } catch (error) {
          figures.startFailures++;
          const message = error instanceof Error ? error.message : String(error);
          if (figures.samples.length < 5) figures.samples.push(`start failed: ${message.slice(0, 400)}`);
          log(`${options.mode}: ${message.slice(0, 2_000)}`);
          if (attempt >= 3) throw error;
        }
      }
    };
    server = (await serve()).server;
    const client: Client = { url: server.url, analystCookie: prepared.analystCookie, auditorCookie: prepared.auditorCookie, sourceId: prepared.sourceId };
    const ledger = emptyLedger(await openCase(client), 'active');

    const sqlCheck = async (): Promise<CheckResult> => {
      if (checker !== undefined) return checkStore(checker.db, ledger, { sourceId: prepared.sourceId, publicKey });
      // The embedded store: stop the server cleanly, open the folder here, check, close.
      await server?.stop();
      server = undefined;
      const store = await createDb({ ...storeOptions, migrate: false });
      try {
        return await checkStore(store.db, ledger, { sourceId: prepared.sourceId, publicKey });
      } finally {
        await store.close();
      }
    };

    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const last = cycle === options.cycles || options.stop?.aborted === true;
      if (server === undefined) server = (await serve()).server;
      const running: ServerProcess = server;
      const stop = new AbortController();
      const workload = runWorkload(client, ledger, cycle, random, stop.signal, { importRows, caseLoops: 2 });
      let workloadError: Error | undefined;
      workload.catch((error: unknown) => (workloadError = error instanceof Error ? error : new Error(`the workload failed: ${JSON.stringify(error)}`)));
      const killAfter = uniform(killWindow);
      await sleep(killAfter);
      let restartMs: number;
      if (options.mode === 'postgres') {
        await cluster?.kill();
        figures.kills++;
        await sleep(uniform(downWindow));
        const recovering = performance.now();
        await cluster?.start();
        // Recovered when the server answers its health check again, without being touched.
        for (;;) {
          const healthy = await fetch(`${running.url}/api/health`, { signal: AbortSignal.timeout(2_000) }).then((a) => a.status === 200, () => false);
          if (healthy) break;
          if (!running.alive()) break;
          if (performance.now() - recovering > 120_000) throw new Error('the server did not recover within 120 s of PostgreSQL starting again');
          await sleep(10);
        }
        restartMs = performance.now() - recovering;
        // A moment of work on the recovered store, then the cycle ends.
        await sleep(200);
        stop.abort();
        await workload.catch(() => undefined);
        if (!running.alive()) {
          figures.serverDeaths++;
          log(`cycle ${cycle}: the server ended while PostgreSQL was down (exit ${await running.exited}):\n${running.output().slice(-2_000)}`);
          server = (await serve()).server;
        } else {
          await waitForImports(client, ledger);
        }
      } else {
        await running.kill();
        figures.kills++;
        stop.abort();
        await workload.catch(() => undefined);
        const restarted = await serve();
        server = restarted.server;
        restartMs = restarted.millis;
      }
      if (workloadError !== undefined) throw workloadError;
      figures.restarts.push(restartMs);
      const found: CheckResult = await checkOverHttp(client, ledger);
      if (options.mode !== 'pglite' || cycle % sqlCheckEvery === 0 || last) addResult(found, await sqlCheck());
      addResult(totals, found);
      figures.cycles = cycle;
      const problems = found.lost.length + found.partialBatches.length + found.verifyProblems.length;
      log(
        `${options.mode} cycle ${cycle}/${options.cycles}: killed after ${Math.round(killAfter)} ms, back in ${Math.round(restartMs)} ms; ` +
          `${ledger.acknowledged} writes acknowledged so far; restart p50 ${Math.round(quantile(figures.restarts, 0.5))} p95 ${Math.round(quantile(figures.restarts, 0.95))} ms${problems > 0 ? `; PROBLEMS: ${[...found.lost, ...found.partialBatches, ...found.verifyProblems].slice(0, 5).join('; ')}` : ''}`,
      );
      if (last) break;
    }
    figures.acknowledged = ledger.acknowledged;
    figures.acknowledgedRows = ledger.imports.reduce((sum, r) => sum + (r.done ? r.keys.length : r.ackRows), 0);
    figures.notes = ledger.notes.size;
    figures.imports = ledger.imports.length;
    figures.unavailable = ledger.answers.unavailable;
    figures.internal = ledger.answers.internal;
    figures.otherErrors = ledger.answers.other;
    figures.leaks = ledger.answers.leaks;
    figures.samples.push(...ledger.answers.samples);
  } finally {
    await server?.stop().catch(() => undefined);
    await checker?.close().catch(() => undefined);
    await cluster?.destroy().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
  figures.seconds = (performance.now() - started) / 1000;
  return figures;
}
