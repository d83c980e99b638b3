import type { Command } from 'commander';
import { createContext, LOCAL_OPERATOR, registerSource } from '@casegraph/core';
import { loadConfig, openStore, storeFlags, type StoreFlags } from '../store-options.js';
import { commaList, positiveInteger } from './parse.js';

interface RegisterFlags extends StoreFlags {
  id: string;
  name: string;
  legalBasis: string;
  purposes: string[];
  markings?: string[];
  retentionDays?: number;
  owner?: string;
  contact?: string;
  description?: string;
  sensitive?: string[];
  combine: boolean;
}

/** `casegraph source register`. */
export function registerSourceCommands(program: Command): void {
  const source = program.command('source').description('register and list the sources data may be imported from');
  storeFlags(
    source
      .command('register')
      .description('register a source and its sharing rules (as the local operator)')
      .requiredOption('--id <id>', 'source id: lower-case letters, digits and dashes')
      .requiredOption('--name <name>', 'name shown to users')
      .requiredOption('--legal-basis <text>', 'the legal basis for holding and using this data')
      .requiredOption('--purposes <p1,p2>', 'purposes this data may be used for', commaList)
      .option('--markings <m1,m2>', 'markings a user must hold to see this data', commaList)
      .option('--retention-days <days>', 'days statements are kept after import', positiveInteger)
      .option('--owner <owner>', 'the organisation that holds the data (default: the name)')
      .option('--contact <contact>', 'whom to ask about the data')
      .option('--description <text>', 'what the source holds')
      .option('--sensitive <c1,c2>', 'sensitive categories the source holds (minors, witness-identity, ...)', commaList)
      .option('--no-combine', 'this data may not be combined with other sources'),
  ).action(async (flags: RegisterFlags) => {
    const config = loadConfig(flags);
    const store = await openStore(flags);
    try {
      const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
      const registered = await registerSource(ctx, {
        id: flags.id,
        name: flags.name,
        legalBasis: flags.legalBasis,
        purposes: flags.purposes,
        markings: flags.markings ?? [],
        retentionDays: flags.retentionDays ?? null,
        ...(flags.owner !== undefined ? { owner: flags.owner } : {}),
        contact: flags.contact ?? null,
        description: flags.description ?? null,
        sensitiveCategories: flags.sensitive ?? [],
        mayCombine: flags.combine,
      });
      process.stdout.write(`${registered.id}\n`);
    } finally {
      await store.close();
    }
  });
}
