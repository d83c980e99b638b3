import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { pipeline, Transform } from 'node:stream';
import { basename, dirname, resolve } from 'node:path';
import type { Ctx } from '../context/context.js';
import { recordDenial, requirePurpose, runWithPurpose } from '../context/purpose.js';
import { insertStatements, type SourcedEntity } from '../entities/write-entities.js';
import { checkEntity, describeProblem } from '../entities/check-entity.js';
import { Invalid, PurposeRequired } from '../errors.js';
import { visibleCases } from '../access/authorize.js';
import { getSource } from '../sources/register-source.js';
import { refreshStatistics } from '../store/statistics.js';
import { hasResolutionModel, resolveArrivals, RESOLVED_SCHEMATA, type ArrivalsResolved } from '../resolution/resolve-entities.js';
import type { Mapping, MappingQuery } from './mapping.js';
import { mapRow, type RowProblem } from './map-row.js';
import { detectFormat, readCsvRows, readJsonArray, readJsonLines, type RowItem } from './read-rows.js';
import { readFtmEntities, type FtmEntityItem } from './ftm-entities.js';
import { describeDatabase, openPostgresSession, readSqlRows, type SqlSession } from './read-sql-rows.js';
import { compileSqlQuery, type CompiledSqlQuery } from './sql-query.js';

/** A row that could not be imported (or a value dropped from one), and why. */
export interface RowFailure {
  file: string;
  row: number;
  /** The column(s) the failing value came from, when known. */
  column: string | null;
  reason: string;
}

/** What an import did. */
export interface ImportSummary {
  jobId: string;
  /** Rows read in this run (a resumed run skips the rows committed before it stopped). */
  rows: number;
  /** Rows already committed by an earlier, interrupted run of the same import. */
  resumedRows: number;
  entities: number;
  statements: number;
  inserted: number;
  /** Rows refused whole, and the first of every refusal or dropped value, with reasons. */
  failures: RowFailure[];
  failedRows: number;
  /** Values dropped or entities skipped within rows that were otherwise imported. */
  problems: number;
  /**
   * How the people and organisations imported were matched against what is stored, once a
   * resolution run has fitted a model; null when there is none yet, or the import is too large to
   * match record by record (run `casegraph resolve` then).
   */
  resolved: ArrivalsResolved | null;
}

/** Progress of an import, after each batch. */
export interface ImportProgress {
  rows: number;
  statements: number;
  /** Bytes read of all the import's files, and their total size: how far the import is. */
  bytesRead: number;
  totalBytes: number;
}

/** How an import runs. */
export interface ImportOptions {
  sourceId: string;
  /** The FtM mapping rows go through; absent for an FtM entity stream (`dataFile` ending .ftm.json or .ftm.jsonl). */
  mapping?: Mapping | undefined;
  mappingPath?: string | undefined;
  /** Read every query's rows from this file instead of the files the mapping names. */
  dataFile?: string | undefined;
  /** Stop at the first failed row (rows committed before it stay). */
  strict?: boolean | undefined;
  /** Stops the import between rows; the job is marked cancelled. */
  signal?: AbortSignal | undefined;
  onProgress?: ((p: ImportProgress) => void) | undefined;
  /** Opens a session on a database a mapping query reads (default: PostgreSQL at the mapping's `database` URL). */
  openDatabase?: ((url: string) => Promise<SqlSession>) | undefined;
  /** Turns the mapping's `database` into the URL to open (the CLI expands environment variables in it). */
  databaseUrl?: ((written: string) => string) | undefined;
  /** Told the job's id as soon as the job is opened (or found, when resuming). */
  onJob?: ((jobId: string) => void) | undefined;
}

const BATCH_ROWS = 1000;
// Past this many people and organisations an import is matched by a resolution run, not record by record.
const MAX_ARRIVALS = 50_000;
const MAX_KEPT_FAILURES = 1000;

/** One file read through one query, one query's tables in a database, or one FtM entity stream (no query). */
interface Part {
  key: string;
  query: MappingQuery | null;
  /** The file; for a database, how failures name it (its tables). */
  path: string;
  sql: { url: string; compiled: CompiledSqlQuery } | null;
}

/**
 * Streams the files a mapping names (or `dataFile`) through it into statements of a registered
 * source. Rows are written in batches; each batch, its audit event and the job's progress commit
 * together, so an import killed at any moment and started again resumes after the last committed
 * row, losing none and doubling none (statement ids are content hashes besides). A failed row is
 * reported with its row number, column and reason, and skipped unless `strict`.
 */
export async function importMapped(ctx: Ctx, input: ImportOptions): Promise<ImportSummary> {
  // Refused before anything is read or a job is opened; the refusal is recorded.
  try {
    requirePurpose(ctx);
  } catch (error) {
    await recordDenial(ctx, { action: 'import.batch', category: 'collection' }, error);
    throw error;
  }
  const caseId = ctx.purpose?.caseId;
  if (caseId !== null && caseId !== undefined) {
    const visible = await ctx.db.selectFrom('cases').select('id').where('id', '=', caseId).where(visibleCases(ctx)).executeTakeFirst();
    if (visible === undefined) {
      const error = new PurposeRequired(`case ${caseId} does not exist; give the id of a case you work on`);
      await recordDenial(ctx, { action: 'import.batch', category: 'collection' }, error);
      throw error;
    }
  }
  await getSource(ctx.db, input.sourceId);
  const parts = importParts(input);
  const fingerprint = fingerprintOf(input, parts);
  const job = await openJob(ctx, input, fingerprint);
  input.onJob?.(job.id);
  const summary: ImportSummary = { jobId: job.id, rows: 0, resumedRows: 0, entities: 0, statements: 0, inserted: 0, failures: [], failedRows: 0, problems: 0, resolved: null };
  // People and organisations this import brings, to match against what is stored once it is done.
  const arrivals = new Set<string>();
  const bytes = { read: 0, total: parts.reduce((sum, part) => sum + (part.sql === null ? statSync(part.path).size : 0), 0) };
  const note = (failure: RowFailure) => {
    if (summary.failures.length < MAX_KEPT_FAILURES) summary.failures.push(failure);
  };
  try {
    for (const part of parts) {
      const done = job.progress[part.key] ?? 0;
      summary.resumedRows += done;
      const file = basename(part.path);
      let batch: SourcedEntity[] = [];
      let lastRow = done;
      let batchRows = 0;
      const flush = async () => {
        if (batchRows === 0) return;
        const entities = batch;
        const through = lastRow;
        batch = [];
        batchRows = 0;
        const written = await runWithPurpose(ctx, { action: 'import.batch', category: 'collection' }, async (tx) => {
          const source = await getSource(tx.db, input.sourceId);
          const result = await insertStatements(tx, source, entities);
          job.progress[part.key] = through;
          await tx.db.updateTable('import_jobs').set({ progress: JSON.stringify(job.progress) }).where('id', '=', job.id).execute();
          return { value: result, objectIds: [input.sourceId, job.id], detail: { source: input.sourceId, file, throughRow: through, ...result } };
        });
        summary.entities += written.entities;
        summary.statements += written.statements;
        summary.inserted += written.inserted;
        if (arrivals.size <= MAX_ARRIVALS) for (const entity of entities) if (RESOLVED_SCHEMATA.includes(entity.schema)) arrivals.add(entity.id);
        input.onProgress?.({ rows: summary.resumedRows + summary.rows, statements: summary.statements, bytesRead: bytes.read, totalBytes: bytes.total });
      };
      for await (const item of readPart(part, input, (n) => (bytes.read += n))) {
        const rowNumber = itemRow(item);
        if (rowNumber <= done) continue;
        if (input.signal?.aborted) throw new ImportCancelled();
        summary.rows++;
        lastRow = rowNumber;
        batchRows++;
        const rowFailed = (failure: RowFailure) => {
          summary.failedRows++;
          note(failure);
          if (input.strict) throw new Invalid(`${failure.file} row ${failure.row}${failure.column ? `, column ${failure.column}` : ''}: ${failure.reason} (--strict stops at the first failed row)`);
        };
        if ('error' in item) {
          rowFailed({ file, row: rowNumber, column: null, reason: item.error });
        } else if ('entity' in item) {
          // An FtM entity stream carries ids already; the entity's id is its origin.
          batch.push({ ...item.entity, origin: item.entity.id });
        } else if (part.query !== null) {
          const mapped = mapRow(part.query, item.row, { rowNumber: item.rowNumber });
          for (const problem of mapped.problems) {
            summary.problems++;
            note({ file, row: item.rowNumber, column: columnOf(part.query, problem), reason: problem.message });
          }
          const rowEntities: SourcedEntity[] = [];
          let failed = false;
          for (const entity of mapped.entities) {
            const origin = entity.keyValues.join('|');
            const candidate: SourcedEntity = { id: entity.id, schema: entity.schema, properties: entity.properties, origin: origin === '' ? entity.id : origin };
            const problem = checkEntity(candidate).problems[0];
            if (problem !== undefined) {
              rowFailed({ file, row: item.rowNumber, column: null, reason: describeProblem(problem) });
              failed = true;
              break;
            }
            rowEntities.push(candidate);
          }
          // A row is written whole or not at all.
          if (!failed) batch.push(...rowEntities);
        }
        if (batchRows >= BATCH_ROWS) await flush();
      }
      await flush();
    }
  } catch (error) {
    const status = error instanceof ImportCancelled ? 'cancelled' : 'failed';
    // The store may be what failed (disk full, server gone): the first error is the one to report,
    // and a job left 'running' is resumed by its next run all the same.
    await finishJob(ctx, job.id, status, summary).catch(() => undefined);
    if (error instanceof ImportCancelled) throw new Invalid(`import ${job.id} was cancelled after ${summary.resumedRows + summary.rows} rows; start it again to resume`);
    throw error;
  }
  await finishJob(ctx, job.id, 'done', summary);
  // A large import changes the tables' shape: the embedded store has no autovacuum to notice.
  if (summary.inserted > 0) await refreshStatistics(ctx.db);
  if (arrivals.size > 0 && arrivals.size <= MAX_ARRIVALS && (await hasResolutionModel(ctx))) {
    summary.resolved = await runWithPurpose(ctx, { action: 'resolve.arrivals', category: 'combination' }, async (tx) => {
      const resolved = await resolveArrivals(tx, [...arrivals]);
      return { value: resolved, detail: { source: input.sourceId, job: job.id, records: arrivals.size, ...resolved } };
    });
  }
  return summary;
}

class ImportCancelled extends Error {}

function importParts(input: ImportOptions): Part[] {
  if (input.mapping === undefined) {
    if (input.dataFile === undefined || detectFormat(input.dataFile) !== 'ftm') {
      throw new Invalid('without a mapping, give an FtM entity stream (a .ftm.json or .ftm.jsonl file)');
    }
    return [{ key: `ftm:${basename(input.dataFile)}`, query: null, path: resolve(input.dataFile), sql: null }];
  }
  const parts: Part[] = [];
  for (const dataset of input.mapping.datasets) {
    for (const query of dataset.queries) {
      if (input.dataFile === undefined && query.source.database !== null && query.source.csvUrls.length + query.source.jsonUrls.length === 0) {
        // Compiled now, so a mapping naming unusable tables or columns is refused before any job starts.
        const compiled = compileSqlQuery(`mapping ${basename(input.mappingPath ?? 'mapping')}`, query, query.index);
        const url = input.databaseUrl?.(query.source.database) ?? query.source.database;
        const tables = compiled.from.replace(/"/g, '');
        parts.push({ key: `${query.dataset}[${query.index}]:sql`, query, path: tables, sql: { url, compiled } });
        continue;
      }
      const paths = input.dataFile !== undefined ? [resolve(input.dataFile)] : queryFiles(query, input.mappingPath ?? '.');
      for (const path of paths) parts.push({ key: `${query.dataset}[${query.index}]:${basename(path)}`, query, path, sql: null });
    }
  }
  return parts;
}

/** A row read from a part: mapped rows, or FtM entities already made. */
type PartItem = RowItem | FtmEntityItem;

function readPart(part: Part, input: ImportOptions, onBytes: (n: number) => void): AsyncGenerator<PartItem> {
  if (part.sql !== null) return readDatabase(part.sql, input.openDatabase ?? openPostgresSession);
  const format = detectFormat(part.path);
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  // pipeline hands a read error of the file on to the reader, which reports it.
  pipeline(createReadStream(part.path), stream, () => undefined);
  if (part.query === null) return readFtmEntities(stream);
  if (format === 'csv') return readCsvRows(stream);
  if (format === 'json') return readJsonArray(stream);
  return readJsonLines(stream);
}

function itemRow(item: PartItem): number {
  return 'rowNumber' in item ? item.rowNumber : item.lineNumber;
}

/** The same source, mapping and files (by path, size and modification time) make the same import. */
function fingerprintOf(input: ImportOptions, parts: Part[]): string {
  const hash = createHash('sha256').update(input.sourceId).update('\0').update(JSON.stringify(input.mapping ?? null));
  for (const part of parts) {
    if (part.sql !== null) {
      // A database has no size or modification time: the same tables read the same way are the same import.
      hash.update('\0').update(part.key).update(describeDatabase(part.sql.url)).update(part.sql.compiled.select);
      continue;
    }
    let stat;
    try {
      stat = statSync(part.path);
    } catch {
      throw new Invalid(`cannot read ${part.path}: no such file`);
    }
    if (!stat.isFile()) throw new Invalid(`${part.path} is not a file`);
    if (stat.size === 0) throw new Invalid(`${part.path} is empty: there is nothing to import (a CSV needs at least its header row)`);
    hash.update('\0').update(part.key).update(String(stat.size)).update(String(stat.mtimeMs));
  }
  return hash.digest('hex');
}

async function openJob(ctx: Ctx, input: ImportOptions, fingerprint: string): Promise<{ id: string; progress: Record<string, number> }> {
  const running = await ctx.db
    .selectFrom('import_jobs')
    .select(['id', 'progress'])
    .where('fingerprint', '=', fingerprint)
    .where('status', '=', 'running')
    .orderBy('started_at', 'desc')
    .executeTakeFirst();
  if (running !== undefined) return { id: running.id, progress: { ...running.progress } };
  const id = randomUUID();
  const description = [input.sourceId, '<-', input.mappingPath ? basename(input.mappingPath) : null, input.dataFile ? basename(input.dataFile) : null].filter((x) => x !== null).join(' ');
  await ctx.db
    .insertInto('import_jobs')
    .values({ id, source_id: input.sourceId, fingerprint, description, status: 'running', started_by: ctx.actor.userId, started_at: ctx.now(), progress: '{}' })
    .execute();
  return { id, progress: {} };
}

// Text PostgreSQL refuses inside JSON: U+0000 and UTF-16 surrogates without their other half.
// eslint-disable-next-line no-control-regex
const UNSTORABLE_IN_JSON = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

async function finishJob(ctx: Ctx, jobId: string, status: 'done' | 'failed' | 'cancelled', summary: ImportSummary): Promise<void> {
  const { failures, ...counts } = summary;
  // A failure's reason may quote the bad input itself; the job must finish all the same.
  const storable = (_key: string, value: unknown) => (typeof value === 'string' ? value.replace(UNSTORABLE_IN_JSON, '\ufffd') : value);
  await ctx.db
    .updateTable('import_jobs')
    .set({ status, finished_at: ctx.now(), summary: JSON.stringify({ ...counts, failures: failures.slice(0, 100) }, storable) })
    .where('id', '=', jobId)
    .execute();
}

/** The column(s) a mapping problem's value came from. */
function columnOf(query: MappingQuery, problem: RowProblem): string | null {
  const entity = query.entities.find((e) => e.name === problem.entity);
  if (entity === undefined) return null;
  if (problem.property === null) return entity.keys.length > 0 ? entity.keys.join('|') : entity.idColumn;
  const spec = entity.properties.find((p) => p.property === problem.property);
  if (spec === undefined || spec.value.kind === 'entity') return null;
  return spec.value.columns.length > 0 ? spec.value.columns.join('|') : null;
}

function queryFiles(query: MappingQuery, mappingPath: string): string[] {
  const base = dirname(mappingPath);
  const files = [...query.source.csvUrls, ...query.source.jsonUrls].map((url) => resolve(base, url));
  if (files.length === 0) {
    throw new Invalid(`mapping ${basename(mappingPath)}: query ${query.dataset}[${query.index}] names no csv_url or json_url to read; give the data file`);
  }
  return files;
}

async function* readDatabase(sql: NonNullable<Part['sql']>, open: (url: string) => Promise<SqlSession>): AsyncGenerator<PartItem> {
  let session: SqlSession;
  try {
    session = await open(sql.url);
  } catch (error) {
    throw new Invalid(`cannot open ${describeDatabase(sql.url)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    yield* readSqlRows(session, sql.compiled);
  } catch (error) {
    if (error instanceof Invalid) throw error;
    throw new Invalid(`reading ${describeDatabase(sql.url)} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
