import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { createContext, importMapped, LOCAL_OPERATOR, parseMapping, type ImportSummary, type Purpose, type RowFailure } from '@casegraph/core';
import { createProgress, formatDuration } from '../progress.js';
import { loadConfig, openStore, storeFlags, type StoreFlags } from '../store-options.js';

interface ImportFlags extends StoreFlags {
  source: string;
  mapping: string;
  strict?: boolean;
  errors?: string;
  case?: string;
  purpose?: string;
  justification?: string;
}

/** One CSV field, quoted when it needs to be. */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes the error file: one line per failed row or dropped value. */
function writeErrorFile(path: string, failures: RowFailure[]): void {
  const lines = ['file,row,column,reason', ...failures.map((f) => [f.file, f.row, f.column, f.reason].map(csvField).join(','))];
  writeFileSync(path, lines.join('\n') + '\n');
}

/** The purpose an import runs under: the flags', or administration for the local operator. */
function importPurpose(flags: ImportFlags): Purpose {
  if (flags.purpose === undefined && flags.case === undefined && flags.justification === undefined) {
    return { caseId: null, code: 'administration', justification: `import into ${flags.source}` };
  }
  return { caseId: flags.case ?? null, code: flags.purpose ?? 'administration', justification: flags.justification ?? '' };
}

/** `casegraph import`. */
export function registerImportCommands(program: Command): void {
  storeFlags(
    program
      .command('import')
      .description('import rows through an FtM mapping into a registered source (resumes an interrupted import of the same files)')
      .argument('[data]', 'data file (.csv, .json, .jsonl); by default the files the mapping names')
      .requiredOption('--source <id>', 'the registered source the rows come from')
      .requiredOption('--mapping <file>', 'FollowTheMoney mapping file (YAML)')
      .option('--strict', 'stop at the first row that fails')
      .option('--errors <file>', 'where to write failed rows (default: <data>.errors.csv when any fail)')
      .option('--case <id>', 'the case the import is for')
      .option('--purpose <code>', 'the purpose (default: administration, for the local operator)')
      .option('--justification <text>', 'why the data is imported'),
  ).action(async (data: string | undefined, flags: ImportFlags) => {
    const config = loadConfig(flags);
    let text: string;
    try {
      text = readFileSync(flags.mapping, 'utf8');
    } catch {
      throw new Error(`cannot read the mapping file ${flags.mapping}`);
    }
    // Mapping errors are found before the store is opened or any row is read.
    const mapping = parseMapping(text, { fileName: basename(flags.mapping) });
    const store = await openStore(flags);
    const started = Date.now();
    const progress = createProgress('importing rows');
    let summary: ImportSummary;
    try {
      const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose: importPurpose(flags) });
      summary = await importMapped(ctx, {
        sourceId: flags.source,
        mapping,
        mappingPath: resolve(flags.mapping),
        dataFile: data,
        strict: flags.strict === true,
        onProgress: (p) => progress.update(p.rows),
      });
    } finally {
      progress.finish();
      await store.close();
    }
    const seconds = (Date.now() - started) / 1000;
    const resumed = summary.resumedRows > 0 ? ` (resumed after ${summary.resumedRows.toLocaleString('en')} rows done before)` : '';
    process.stderr.write(
      `Imported ${summary.rows.toLocaleString('en')} rows${resumed} in ${formatDuration(seconds)}: ${summary.entities.toLocaleString('en')} entities, ` +
        `${summary.inserted.toLocaleString('en')} new statements (${(summary.statements - summary.inserted).toLocaleString('en')} seen before); ` +
        `${summary.failedRows.toLocaleString('en')} rows failed, ${summary.problems.toLocaleString('en')} values dropped. Job ${summary.jobId}\n`,
    );
    if (summary.failures.length > 0) {
      const path = flags.errors ?? `${data ?? flags.mapping}.errors.csv`;
      writeErrorFile(path, summary.failures);
      process.stderr.write(`Failed rows and dropped values: ${path}${summary.failures.length < summary.failedRows + summary.problems ? ' (the first 1,000)' : ''}\n`);
    }
  });
}
