import cluster, { type Worker } from 'node:cluster';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createContext, createDb, Invalid, LOCAL_OPERATOR, isDemoLoaded, loadOrCreateKeys, loadDemo, generateDemo, openConnectors, type ConnectorSet, type CoreConfig, type DemoUser, type Store } from '@casegraph/core';
import { DEFAULT_MAX_IN_FLIGHT, defaultWebRoot, startServer } from '@casegraph/server';
import { createProgress } from '../progress.js';
import { configBaseDir, loadConfig, openStore, resolveKeysPath, resolveStoreOptions, storeFlags, type StoreFlags } from '../store-options.js';
import { port, positiveInteger } from './parse.js';

interface ServeFlags extends StoreFlags {
  host: string;
  port: number;
  workers?: number;
  maxInFlight?: number;
}

/** How a worker process serves: its number (1 to N), and whether it runs the housekeeping. */
interface WorkerRole {
  worker: number;
  housekeeping: boolean;
}

/** The environment variable that tells a forked worker its number. */
const WORKER_ENV = 'CASEGRAPH_WORKER';
/** Restart delays of a worker that keeps dying: doubling from the first to the last. */
const FIRST_RESTART_MS = 500;
const LAST_RESTART_MS = 10_000;
/** A worker that served this long before it died is restarted after the first delay again. */
const HEALTHY_AFTER_MS = 10_000;
/** How long stopping waits for the workers before ending them. */
const STOP_GRACE_MS = 15_000;

/** `casegraph serve` and `casegraph start` (what `npm start` runs). */
export function registerServeCommands(program: Command): void {
  storeFlags(
    program
      .command('serve')
      .description('serve the web app and the HTTP API')
      .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', 'localhost')
      .option('--port <port>', 'port to listen on (0 picks a free one)', port, 8080)
      .option('--workers <n>', 'worker processes sharing the port (more than 1 needs PostgreSQL)', positiveInteger, 1)
      .option('--max-in-flight <n>', `API requests each process answers at once; more are refused as busy (503) at once`, positiveInteger, DEFAULT_MAX_IN_FLIGHT),
  ).action(async (flags: ServeFlags) => {
    if (cluster.isWorker) return serveAsWorker(flags);
    if ((flags.workers ?? 1) > 1) return serveWithWorkers(flags, flags.workers ?? 1);
    const config = loadConfig(flags);
    const store = await openStore(flags);
    await serveUntilStopped(store, config, flags, (url) => {
      process.stdout.write(`casegraph is serving ${url} (store: ${store.kind} ${store.location})\nStop with Ctrl+C.\n`);
    });
  });

  storeFlags(
    program
      .command('start')
      .description('first run: generate and load the demo dataset; then serve (what npm start runs)')
      .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', 'localhost')
      .option('--port <port>', 'port to listen on (0 picks a free one)', port, 8080)
      .option('--entities <n>', 'size of the demo dataset made on the first run', positiveInteger, 50_000)
      .option('--seed <seed>', 'seed of the demo dataset', 'casegraph'),
  ).action(async (flags: ServeFlags & { entities: number; seed: string }) => {
    const config = loadConfig(flags);
    const options = resolveStoreOptions(flags);
    const store = await openStore(flags);
    const usersFile = options.dataDir !== undefined ? join(options.dataDir, 'demo-users.json') : join(process.cwd(), 'casegraph-demo-users.json');
    const demoDir = join(options.dataDir ?? process.cwd(), 'demo-input');
    let users = readDemoUsers(usersFile);
    try {
      // The first run, or a first run that was interrupted (its demo input is there, the load
      // did not finish): loading again is safe, as it adds only what is missing.
      if (!(await isDemoLoaded(store.db))) {
        const sources = await store.db.selectFrom('sources').select('id').limit(1).execute();
        if (sources.length === 0 || existsSync(join(demoDir, 'manifest.json'))) {
          const created = await firstRun(store, config, flags, demoDir);
          if (created.length > 0) {
            writeFileSync(usersFile, JSON.stringify(created, null, 2) + '\n', { mode: 0o600 });
            users = created;
          }
        }
      }
    } catch (error) {
      await store.close();
      throw error;
    }
    await serveUntilStopped(store, config, flags, (url) => {
      const lines = [`casegraph is serving ${url} (store: ${store.kind} ${store.location})`];
      if (users.length > 0) {
        lines.push('Demo users (each enrols a second factor at first sign-in):');
        for (const user of users) lines.push(`  ${user.role.padEnd(13)} ${user.username.padEnd(14)} password ${user.password}`);
      }
      lines.push('Stop with Ctrl+C.');
      process.stdout.write(lines.join('\n') + '\n');
    });
  });
}

function readDemoUsers(file: string): DemoUser[] {
  if (!existsSync(file)) return [];
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DemoUser[];
  } catch (error) {
    throw new Error(`${file} is not the JSON list of demo users it should be (${(error as Error).message}); remove it to go on`);
  }
}

async function firstRun(store: Store, config: CoreConfig, flags: { entities: number; seed: string }, demoDir: string): Promise<DemoUser[]> {
  process.stdout.write(`First run: generating a demo dataset of ${flags.entities.toLocaleString('en')} entities in ${demoDir}\n`);
  const generating = createProgress('generating');
  await generateDemo({ entities: flags.entities, seed: flags.seed, outDir: demoDir, onProgress: (p) => generating.update(p.done, p.total) });
  generating.finish();
  const loading = createProgress('loading records');
  const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
  const result = await loadDemo(ctx, { dir: demoDir, onProgress: (p) => loading.update(p.done, p.total) });
  loading.finish(
    `Loaded ${result.sources} sources: ${result.records.toLocaleString('en')} records, ${result.statements.toLocaleString('en')} statements; demo case ${result.caseId}`,
  );
  return result.users;
}

async function serveUntilStopped(store: Store, config: CoreConfig, flags: ServeFlags, announce: (url: string) => void, role: WorkerRole = { worker: 1, housekeeping: true }): Promise<void> {
  // Signals are caught from the start, so a stop that arrives while the server is still starting
  // waits for it and then closes it cleanly; a second signal ends the process at once.
  let stopRequested = false;
  let wake: () => void = () => undefined;
  const onSignal = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let server;
    let connectors: ConnectorSet | undefined;
    try {
      connectors = await openConnectors(store.db, config.connectors, { baseDir: configBaseDir(flags) });
      server = await startServer({
        store,
        config,
        connectors,
        host: flags.host,
        port: flags.port,
        webRoot: defaultWebRoot(),
        keys: loadOrCreateKeys(resolveKeysPath(flags), 'casegraph'),
        live: { worker: role.worker },
        housekeeping: role.housekeeping,
        ...(flags.maxInFlight !== undefined ? { maxInFlight: flags.maxInFlight } : {}),
      });
    } catch (error) {
      await connectors?.close();
      await store.close();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new Error(`port ${flags.port} on ${flags.host} is in use; choose another with --port`);
      throw error;
    }
    announce(server.url);
    if (!stopRequested) await new Promise<void>((resolve) => (wake = resolve));
    await server.close();
    await connectors.close();
    await store.close();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A forked worker: opens the store without migrating (the primary did), serves, and tells the primary where. */
async function serveAsWorker(flags: ServeFlags): Promise<void> {
  const worker = Number(process.env[WORKER_ENV] ?? '1');
  // A primary that is gone (even by kill -9) takes its workers with it.
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  const config = loadConfig(flags);
  const store = await createDb({ ...resolveStoreOptions(flags), migrate: false });
  // Worker 1 (and whichever worker later takes its place) runs the housekeeping, so it runs once.
  await serveUntilStopped(store, config, flags, (url) => process.send?.({ kind: 'listening', worker, url }), { worker, housekeeping: worker === 1 });
  if (process.connected) process.disconnect();
}

/**
 * `serve --workers N`: the primary migrates the store once, forks N workers that share the port,
 * starts again (after a short, growing delay) any worker that dies, and stops them all on
 * SIGINT or SIGTERM.
 */
async function serveWithWorkers(flags: ServeFlags, count: number): Promise<void> {
  const options = resolveStoreOptions(flags);
  if (options.databaseUrl === undefined) {
    throw new Invalid(
      `--workers ${count} needs PostgreSQL: the embedded store is opened by one process only. Set DATABASE_URL (or --database-url) to a PostgreSQL server, or serve with --workers 1`,
    );
  }
  loadConfig(flags);
  const store = await createDb(options);
  const location = store.location;
  await store.close();
  // Made once here, so the workers all read the same keys instead of racing to create them.
  loadOrCreateKeys(resolveKeysPath(flags), 'casegraph');

  interface Slot {
    worker: Worker;
    startedAt: number;
    delay: number;
    served: boolean;
    restart?: NodeJS.Timeout;
  }
  const slots = new Map<number, Slot>();
  let stopping = false;
  let announced = false;
  let url = '';
  let failure: Error | undefined;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const log = (line: string) => process.stderr.write(`casegraph: ${line}\n`);

  const fork = (number: number, delay: number): void => {
    const worker = cluster.fork({ [WORKER_ENV]: String(number) });
    const slot: Slot = { worker, startedAt: Date.now(), delay, served: false };
    slots.set(number, slot);
    worker.on('message', (message: { kind?: string; url?: string }) => {
      if (message.kind !== 'listening') return;
      slot.served = true;
      url ||= message.url ?? '';
      if (!announced && [...slots.values()].every((s) => s.served)) {
        announced = true;
        process.stdout.write(`casegraph is serving ${url} with ${count} workers (store: postgres ${location})\nStop with Ctrl+C.\n`);
      } else if (announced) {
        log(`worker ${number} (pid ${worker.process.pid ?? '?'}) is serving again`);
      }
    });
    worker.on('exit', (code, signal) => {
      if (stopping) {
        slots.delete(number);
        if (slots.size === 0) finish();
        return;
      }
      const how = signal !== null ? `by ${signal}` : `with exit code ${String(code)}`;
      if (!announced && !slot.served) {
        // A worker that cannot start (port taken, store unreachable) will not start on a second try either.
        stop(new Error(`worker ${number} could not start (it ended ${how}); see its message above`));
        return;
      }
      // The first restart waits the first delay; a worker that dies again soon after waits twice as long each time.
      const next = Date.now() - slot.startedAt >= HEALTHY_AFTER_MS ? FIRST_RESTART_MS : Math.min(Math.max(slot.delay * 2, FIRST_RESTART_MS), LAST_RESTART_MS);
      log(`worker ${number} (pid ${worker.process.pid ?? '?'}) ended ${how}; starting it again in ${(next / 1000).toFixed(1)} s`);
      slot.restart = setTimeout(() => {
        if (!stopping) fork(number, next);
      }, next);
    });
  };

  const stop = (error?: Error): void => {
    if (stopping) return;
    stopping = true;
    failure = error;
    for (const [number, slot] of [...slots]) {
      if (slot.restart !== undefined) {
        clearTimeout(slot.restart);
        if (slot.worker.isDead()) slots.delete(number);
      }
    }
    if (slots.size === 0) finish();
    for (const slot of slots.values()) if (!slot.worker.isDead()) slot.worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const slot of slots.values()) if (!slot.worker.isDead()) slot.worker.process.kill('SIGKILL');
    }, STOP_GRACE_MS).unref();
  };
  const onSignal = () => {
    if (stopping) process.exit(130);
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (let number = 1; number <= count; number++) fork(number, 0);
    await finished;
    if (failure !== undefined) throw failure;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
