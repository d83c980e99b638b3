import type { Command } from 'commander';
import { createCase, createContext, LOCAL_OPERATOR } from '@casegraph/core';
import { loadConfig, openStore, storeFlags, type StoreFlags } from '../store-options.js';

/** `casegraph case create`. */
export function registerCaseCommands(program: Command): void {
  const cases = program.command('case').description('work with cases');
  storeFlags(
    cases
      .command('create')
      .description('open a case (as the local operator) and print its id')
      .requiredOption('--title <title>', 'the case title')
      .option('--purpose <code>', 'the purpose the case serves (default: the first purpose that needs a case)'),
  ).action(async (flags: StoreFlags & { title: string; purpose?: string }) => {
    const config = loadConfig(flags);
    const store = await openStore(flags);
    try {
      const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
      const created = await createCase(ctx, { title: flags.title, ...(flags.purpose !== undefined ? { purpose: flags.purpose } : {}) });
      process.stdout.write(`${created.id}\n`);
    } finally {
      await store.close();
    }
  });
}
