import { InvalidArgumentError, type Command } from 'commander';
import { createContext, LOCAL_OPERATOR, loadOrCreateKeys, sealTerms, searchEntities } from '@casegraph/core';
import { loadConfig, openStore, resolveKeysPath, storeFlags, type StoreFlags } from '../store-options.js';
import { positiveInteger } from './parse.js';

interface SearchFlags extends StoreFlags {
  case?: string;
  purpose: string;
  justification: string;
  format: 'text' | 'jsonl';
  limit?: number;
  cursor?: string;
  keys?: string;
}

/** `casegraph search`: ranked results with why each matched. */
export function registerSearchCommands(program: Command): void {
  storeFlags(
    program
      .command('search')
      .description('search every record type at once; prints ranked results with the values that matched and how')
      .argument('<query>', 'free text plus fields: name:, address:, phone:, email:, id:, schema:, source:, born:1978..1980 (quote values with spaces)')
      .option('--case <id>', 'the case the search is for')
      .requiredOption('--purpose <code>', 'the purpose of the search')
      .requiredOption('--justification <text>', 'why the search is needed (recorded in the audit log)')
      .option('--format <format>', 'text or jsonl', 'text')
      .option('--limit <n>', 'results per page (at most 100)', positiveInteger)
      .option('--cursor <cursor>', 'the next-page cursor a previous search printed')
      .option('--keys <file>', 'keys file, whose key seals the query terms in the audit log'),
  ).action(async (query: string, flags: SearchFlags) => {
    if (flags.format !== 'text' && flags.format !== 'jsonl') throw new InvalidArgumentError('--format is text or jsonl');
    const config = loadConfig(flags);
    const store = await openStore(flags);
    try {
      const keys = loadOrCreateKeys(resolveKeysPath(flags), 'casegraph');
      const ctx = createContext({ db: store.db, readDb: store.readDb, actor: LOCAL_OPERATOR, config, purpose: { caseId: flags.case ?? null, code: flags.purpose, justification: flags.justification } });
      const result = await searchEntities(ctx, { query, cursor: flags.cursor, limit: flags.limit }, (terms) => sealTerms(keys, terms));
      for (const hit of result.results) {
        if (flags.format === 'jsonl') {
          process.stdout.write(JSON.stringify(hit) + '\n');
          continue;
        }
        process.stdout.write(`${hit.score.toFixed(2)}  ${hit.schema.padEnd(12)} ${hit.caption}  [${hit.sources.join(', ')}]  ${hit.id}\n`);
        for (const m of hit.matches) process.stdout.write(`        ${m.property} ${m.how} ${m.score.toFixed(2)}: ${m.detail}\n`);
      }
      const facets = (['schema', 'source', 'country'] as const).map((f) => `${f}: ${result.facets[f].map((v) => `${v.value} ${v.count}`).join(', ') || '-'}`);
      process.stderr.write(`${result.total} result(s)${result.truncated ? ' (only the strongest matches were considered: narrow the search)' : ''}; ${facets.join('; ')}\n`);
      if (result.next !== null) process.stderr.write(`next page: --cursor ${result.next}\n`);
    } finally {
      await store.close();
    }
  });
}
