import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createContext, LOCAL_OPERATOR, isDemoLoaded, loadOrCreateKeys, loadDemo, generateDemo, openConnectors, type ConnectorSet, type CoreConfig, type DemoUser, type Store } from '@casegraph/core';
import { defaultWebRoot, startServer } from '@casegraph/server';
import { createProgress } from '../progress.js';
import { configBaseDir, loadConfig, openStore, resolveKeysPath, resolveStoreOptions, storeFlags, type StoreFlags } from '../store-options.js';
import { port, positiveInteger } from './parse.js';

interface ServeFlags extends StoreFlags {
  host: string;
  port: number;
}

/** `casegraph serve` and `casegraph start` (what `npm start` runs). */
export function registerServeCommands(program: Command): void {
  storeFlags(
    program
      .command('serve')
      .description('serve the web app and the HTTP API')
      .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', 'localhost')
      .option('--port <port>', 'port to listen on (0 picks a free one)', port, 8080),
  ).action(async (flags: ServeFlags) => {
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

async function serveUntilStopped(store: Store, config: CoreConfig, flags: ServeFlags, announce: (url: string) => void): Promise<void> {
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
      server = await startServer({ store, config, connectors, host: flags.host, port: flags.port, webRoot: defaultWebRoot(), keys: loadOrCreateKeys(resolveKeysPath(flags), 'casegraph') });
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
