import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createContext, generateDemo, loadDemo, LOCAL_OPERATOR } from '@casegraph/core';
import { createProgress, formatDuration } from '../progress.js';
import { loadConfig, openStore, resolveStoreOptions, storeFlags, type StoreFlags } from '../store-options.js';
import { positiveInteger } from './parse.js';
import { writeFileSync } from 'node:fs';

/** `casegraph demo generate` and `casegraph demo load`. */
export function registerDemoCommands(program: Command): void {
  const demo = program.command('demo').description('make and load the synthetic demo dataset');
  demo
    .command('generate')
    .description('write what six sources would export, with policies, mappings and ground truth')
    .requiredOption('--out <dir>', 'folder to write into')
    .option('--entities <n>', 'number of real-world entities behind the records', positiveInteger, 50_000)
    .option('--seed <seed>', 'seed: the same seed gives the same bytes', 'casegraph')
    .action(async (flags: { out: string; entities: number; seed: string }) => {
      const started = Date.now();
      const progress = createProgress('generating entities');
      const manifest = await generateDemo({
        entities: flags.entities,
        seed: flags.seed,
        outDir: resolve(flags.out),
        onProgress: (p) => progress.update(p.done, p.total),
      });
      const records = manifest.sources.reduce((sum, s) => sum + s.records, 0);
      progress.finish(
        `Wrote ${manifest.sources.length} sources, ${records.toLocaleString('en')} records, to ${resolve(flags.out)} in ${formatDuration((Date.now() - started) / 1000)}`,
      );
    });

  storeFlags(
    demo
      .command('load')
      .description('register the demo sources, import their records and create the demo users and case')
      .requiredOption('--from <dir>', 'folder written by demo generate'),
  ).action(async (flags: StoreFlags & { from: string }) => {
    const config = loadConfig(flags);
    const options = resolveStoreOptions(flags);
    const store = await openStore(flags);
    try {
      const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
      const progress = createProgress('loading records');
      const result = await loadDemo(ctx, { dir: resolve(flags.from), onProgress: (p) => progress.update(p.done, p.total) });
      progress.finish(
        `Loaded ${result.sources} sources: ${result.records.toLocaleString('en')} records, ${result.statements.toLocaleString('en')} statements; demo case ${result.caseId}`,
      );
      if (result.users.length > 0) {
        const usersFile = options.dataDir !== undefined ? join(options.dataDir, 'demo-users.json') : resolve('casegraph-demo-users.json');
        writeFileSync(usersFile, JSON.stringify(result.users, null, 2) + '\n', { mode: 0o600 });
        process.stderr.write(`Demo users' passwords written to ${usersFile}\n`);
        for (const user of result.users) process.stdout.write(`${user.role} ${user.username} ${user.password}\n`);
      } else {
        process.stderr.write('The demo users were there already; their passwords are where the first load wrote them\n');
      }
    } finally {
      await store.close();
    }
  });
}
