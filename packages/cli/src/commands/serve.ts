import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createContext, LOCAL_OPERATOR, loadDemo, generateDemo, type CoreConfig, type DemoUser, type Store } from '@casegraph/core';
import { defaultWebRoot, startServer } from '@casegraph/server';
import { createProgress } from '../progress.js';
import { loadConfig, openStore, resolveStoreOptions, storeFlags, type StoreFlags } from '../store-options.js';
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
    await serveUntilStopped(store, config, flags, () => undefined);
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
    let users: DemoUser[] = existsSync(usersFile) ? (JSON.parse(readFileSync(usersFile, 'utf8')) as DemoUser[]) : [];
    try {
      const sources = await store.db.selectFrom('sources').select('id').limit(1).execute();
      if (sources.length === 0) users = await firstRun(store, config, flags, options.dataDir, usersFile);
    } catch (error) {
      await store.close();
      throw error;
    }
    await serveUntilStopped(store, config, flags, (url) => {
      const lines = [`casegraph is serving ${url} (store: ${store.kind} ${store.location})`];
      if (users.length > 0) {
        lines.push('Demo users (sign-in comes with the accountability release):');
        for (const user of users) lines.push(`  ${user.role.padEnd(13)} ${user.username.padEnd(14)} password ${user.password}`);
      }
      lines.push('Stop with Ctrl+C.');
      process.stdout.write(lines.join('\n') + '\n');
    });
  });
}

async function firstRun(store: Store, config: CoreConfig, flags: { entities: number; seed: string }, dataDir: string | undefined, usersFile: string) {
  const demoDir = join(dataDir ?? process.cwd(), 'demo-input');
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
  writeFileSync(usersFile, JSON.stringify(result.users, null, 2) + '\n', { mode: 0o600 });
  return result.users;
}

async function serveUntilStopped(store: Store, config: CoreConfig, flags: ServeFlags, announce: (url: string) => void): Promise<void> {
  let server;
  try {
    server = await startServer({ store, config, host: flags.host, port: flags.port, webRoot: defaultWebRoot() });
  } catch (error) {
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${flags.port} on ${flags.host} is in use; choose another with --port`);
    throw error;
  }
  announce(server.url);
  if (!announce.length) process.stdout.write(`Listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(() => store.close()).finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
