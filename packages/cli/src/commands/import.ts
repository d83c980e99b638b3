import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { createContext, exportClusters, exportFtm, importMapped, LOCAL_OPERATOR, parseMapping, type ImportSummary, type Mapping, type Purpose, type RowFailure } from '@casegraph/core';
import { createProgress, formatDuration } from '../progress.js';
import { exportCaseFileCommand, type CaseFileFlags } from './export-case.js';
import { loadConfig, openStore, storeFlags, type StoreFlags } from '../store-options.js';

interface ImportFlags extends StoreFlags {
  source: string;
  mapping?: string;
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

/** The purpose an import or export runs under: the flags', or administration for the local operator. */
function flagsPurpose(flags: { case?: string; purpose?: string; justification?: string }, what: string): Purpose {
  if (flags.purpose === undefined && flags.case === undefined && flags.justification === undefined) {
    return { caseId: null, code: 'administration', justification: what };
  }
  return { caseId: flags.case ?? null, code: flags.purpose ?? 'administration', justification: flags.justification ?? '' };
}

/**
 * A mapping's `database` with `${NAME}` and `$NAME` replaced from the environment, so a mapping
 * file can name its database without holding its password.
 */
function expandEnvironment(written: string): string {
  return written.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = process.env[name];
    if (value === undefined) throw new Error(`the mapping's database names $${name}, which is not set in the environment`);
    return value;
  });
}

/** `casegraph import`. */
export function registerImportCommands(program: Command): void {
  storeFlags(
    program
      .command('import')
      .description('import rows through an FtM mapping, or an FtM entity stream, into a registered source (resumes an interrupted import of the same files)')
      .argument('[data]', 'data file (.csv, .json, .jsonl, or .ftm.json/.ftm.jsonl without a mapping); by default the files or database tables the mapping names')
      .requiredOption('--source <id>', 'the registered source the rows come from')
      .option('--mapping <file>', 'FollowTheMoney mapping file (YAML); not needed for an FtM entity stream')
      .option('--strict', 'stop at the first row that fails')
      .option('--errors <file>', 'where to write failed rows (default: <data>.errors.csv when any fail)')
      .option('--case <id>', 'the case the import is for')
      .option('--purpose <code>', 'the purpose (default: administration, for the local operator)')
      .option('--justification <text>', 'why the data is imported'),
  ).action(async (data: string | undefined, flags: ImportFlags) => {
    const config = loadConfig(flags);
    if (flags.mapping === undefined && (data === undefined || !/\.ftm\.jsonl?$/i.test(data))) {
      throw new Error('give --mapping FILE.yml, or an FtM entity stream (a .ftm.json or .ftm.jsonl file) to import without one');
    }
    let mapping: Mapping | undefined;
    if (flags.mapping !== undefined) {
      let text: string;
      try {
        text = readFileSync(flags.mapping, 'utf8');
      } catch {
        throw new Error(`cannot read the mapping file ${flags.mapping}`);
      }
      // Mapping errors are found before the store is opened or any row is read.
      mapping = parseMapping(text, { fileName: basename(flags.mapping) });
    }
    const store = await openStore(flags);
    const started = Date.now();
    const progress = createProgress('importing rows');
    let summary: ImportSummary;
    try {
      const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose: flagsPurpose(flags, `import into ${flags.source}`) });
      summary = await importMapped(ctx, {
        sourceId: flags.source,
        mapping,
        mappingPath: flags.mapping === undefined ? undefined : resolve(flags.mapping),
        dataFile: data,
        databaseUrl: expandEnvironment,
        strict: flags.strict === true,
        // The total is estimated from the share of the files read so far, so a bar and the time left can show.
        onProgress: (p) => progress.update(p.rows, p.bytesRead > 0 ? Math.max(p.rows, Math.round((p.rows * p.totalBytes) / p.bytesRead)) : undefined, { approximate: p.bytesRead < p.totalBytes }),
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
    if (summary.resolved !== null) {
      process.stderr.write(`Matched against the stored records: ${summary.resolved.pairs.toLocaleString('en')} candidate pairs scored, ${summary.resolved.linked.toLocaleString('en')} linked\n`);
    }
    if (summary.failures.length > 0) {
      const path = flags.errors ?? `${data ?? flags.mapping ?? 'import'}.errors.csv`;
      writeErrorFile(path, summary.failures);
      process.stderr.write(`Failed rows and dropped values: ${path}${summary.failures.length < summary.failedRows + summary.problems ? ' (the first 1,000)' : ''}\n`);
    }
  });
}

interface ExportFlags extends StoreFlags {
  format?: string;
  source?: string[];
  out?: string;
  case?: string;
  purpose?: string;
  justification?: string;
}

/** `casegraph export --format ftm`. */
export function registerExportCommands(program: Command): void {
  storeFlags(
    program
      .command('export')
      .description('write the entities you may see as an FtM entity stream, or the clusters resolution made as CSV (a disclosure, recorded in the audit log)')
      .argument('[what]', 'entities, clusters (cluster_id,source,record_id), or case (a case file, disclosed to a recipient)', 'entities')
      .argument('[case-id]', 'for case: the case whose file to export')
      .option('--format <format>', 'for entities: ftm (FollowTheMoney entity JSON lines); for case: pdf or html')
      .option('--recipient <name>', 'for case: who the case file is disclosed to (printed on every page)')
      .option('--reason <text>', 'for case: why it is disclosed')
      .option('--source <id...>', 'only these sources')
      .option('--out <file>', 'write to this file (default: standard output)')
      .option('--case <id>', 'the case the export is for')
      .option('--purpose <code>', 'the purpose (default: administration, for the local operator)')
      .option('--justification <text>', 'why the data is exported'),
  ).action(async (what: string, caseId: string | undefined, flags: ExportFlags & CaseFileFlags) => {
    if (what === 'clusters') return exportClusterRows(flags);
    if (what === 'case') return exportCaseFileCommand(caseId, flags);
    if (caseId !== undefined) throw new Error(`export ${what} takes no case id (did you mean: casegraph export case ${caseId}?)`);
    if (what !== 'entities') throw new Error(`unknown export "${what}" (known: entities, clusters, case)`);
    if (flags.format !== 'ftm') throw new Error(flags.format === undefined ? 'give --format ftm' : `unknown export format "${flags.format}" (known: ftm)`);
    const config = loadConfig(flags);
    const store = await openStore(flags);
    const out = flags.out === undefined ? null : createWriteStream(flags.out);
    const progress = createProgress('exporting entities');
    try {
      const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose: flagsPurpose(flags, 'export') });
      const summary = await exportFtm(ctx, {
        ...(flags.source ? { sourceIds: flags.source } : {}),
        write: (line) => writeLine(out ?? process.stdout, line),
        onProgress: (n) => progress.update(n),
      });
      progress.finish();
      if (out !== null) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      process.stderr.write(`Exported ${summary.entities.toLocaleString('en')} entities${flags.out ? ` to ${flags.out}` : ''}\n`);
    } finally {
      out?.destroy();
      await store.close();
    }
  });
}

/** `casegraph export clusters`: every resolved record with its cluster, for scoring against a ground truth. */
async function exportClusterRows(flags: ExportFlags): Promise<void> {
  const config = loadConfig(flags);
  const store = await openStore(flags);
  try {
    const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose: flagsPurpose(flags, 'export of clusters') });
    const rows = await exportClusters(ctx);
    const text = ['cluster_id,source,record_id', ...rows.map((r) => [r.clusterId, r.source, r.recordId].map(csvField).join(','))].join('\n') + '\n';
    if (flags.out === undefined) process.stdout.write(text);
    else writeFileSync(flags.out, text);
    process.stderr.write(`Exported ${rows.length.toLocaleString('en')} records in ${new Set(rows.map((r) => r.clusterId)).size.toLocaleString('en')} clusters${flags.out ? ` to ${flags.out}` : ''}\n`);
  } finally {
    await store.close();
  }
}

/** Writes a line, waiting when the stream asks the writer to slow down. */
async function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(line)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}
