import { InvalidArgumentError, type Command } from 'commander';
import { createContext, LOCAL_OPERATOR, resolveEntities } from '@casegraph/core';
import { loadConfig, openStore, storeFlags, type StoreFlags } from '../store-options.js';

interface ResolveFlags extends StoreFlags {
  source?: string[];
  threshold?: number;
  case?: string;
  purpose?: string;
  justification?: string;
}

function probability(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`expected a match probability between 0 and 1, got "${value}"`);
  return n;
}

/** `casegraph resolve`: which records describe the same person or company. */
export function registerResolveCommands(program: Command): void {
  storeFlags(
    program
      .command('resolve')
      .description('work out which records describe the same person or organisation (blocking, comparisons, Fellegi-Sunter weights from EM), respecting judgments; records are never rewritten')
      .option('--source <id...>', 'only the records of these sources (default: every source that may be combined)')
      .option('--threshold <p>', 'link pairs at or above this match probability', probability, 0.5)
      .option('--case <id>', 'the case the resolution is for')
      .option('--purpose <code>', 'the purpose (default: administration, for the local operator)')
      .option('--justification <text>', 'why the records are combined'),
  ).action(async (flags: ResolveFlags) => {
    const config = loadConfig(flags);
    const store = await openStore(flags);
    try {
      const stated = flags.purpose !== undefined || flags.case !== undefined || flags.justification !== undefined;
      const purpose = stated ? { caseId: flags.case ?? null, code: flags.purpose ?? 'administration', justification: flags.justification ?? '' } : { caseId: null, code: 'administration', justification: 'batch resolution by the local operator' };
      const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose });
      const started = Date.now();
      const summary = await resolveEntities(ctx, { sources: flags.source, threshold: flags.threshold });
      process.stderr.write(
        `Resolved ${summary.records.toLocaleString('en')} records in ${((Date.now() - started) / 1000).toFixed(1)}s: ${summary.pairs.toLocaleString('en')} candidate pairs, ${summary.linked.toLocaleString('en')} linked, ` +
          `${summary.clusters.toLocaleString('en')} clusters (${summary.merged.toLocaleString('en')} of more than one record)${summary.skippedBlocks > 0 ? `; ${summary.skippedBlocks} oversized blocks skipped` : ''}\n`,
      );
    } finally {
      await store.close();
    }
  });
}
