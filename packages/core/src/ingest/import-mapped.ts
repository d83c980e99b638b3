import { createReadStream } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { insertStatements, type SourcedEntity } from '../entities/write-entities.js';
import { checkEntity, describeProblem } from '../entities/check-entity.js';
import { Invalid } from '../errors.js';
import { getSource } from '../sources/register-source.js';
import type { Mapping, MappingQuery } from './mapping.js';
import { mapRow } from './map-row.js';
import { readCsvRows, readJsonLines } from './read-rows.js';

/** A row that could not be imported, and why. */
export interface RowFailure {
  file: string;
  row: number;
  reason: string;
}

/** What an import did. */
export interface ImportSummary {
  rows: number;
  entities: number;
  statements: number;
  inserted: number;
  /** Rows refused whole, and the first of every refusal or dropped value, with reasons. */
  failures: RowFailure[];
  failedRows: number;
  /** Values dropped or entities skipped within rows that were otherwise imported. */
  problems: number;
}

/** Progress of an import, after each batch. */
export interface ImportProgress {
  rows: number;
  statements: number;
}

const BATCH_ROWS = 1000;
const MAX_KEPT_FAILURES = 1000;

/**
 * Streams the files a mapping names through it into statements of a registered source.
 * Rows are written in batches, each batch and its audit event in one transaction; a row that
 * fails is reported and skipped.
 */
export async function importMapped(
  ctx: Ctx,
  input: { sourceId: string; mapping: Mapping; mappingPath: string; onProgress?: (p: ImportProgress) => void },
): Promise<ImportSummary> {
  await getSource(ctx.db, input.sourceId);
  const summary: ImportSummary = { rows: 0, entities: 0, statements: 0, inserted: 0, failures: [], failedRows: 0, problems: 0 };
  const fail = (failure: RowFailure) => {
    summary.failedRows++;
    if (summary.failures.length < MAX_KEPT_FAILURES) summary.failures.push(failure);
  };
  for (const dataset of input.mapping.datasets) {
    for (const query of dataset.queries) {
      for (const { path, format } of queryFiles(query, input.mappingPath)) {
        const file = basename(path);
        const rows = format === 'csv' ? readCsvRows(createReadStream(path)) : readJsonLines(createReadStream(path));
        let batch: SourcedEntity[] = [];
        let batchRows = 0;
        const flush = async () => {
          if (batch.length === 0) return;
          const entities = batch;
          batch = [];
          batchRows = 0;
          const written = await runWithPurpose(ctx, { action: 'import.batch', category: 'collection' }, async (tx) => {
            const source = await getSource(tx.db, input.sourceId);
            const result = await insertStatements(tx, source, entities);
            return { value: result, objectIds: [input.sourceId], detail: { source: input.sourceId, file, ...result } };
          });
          summary.entities += written.entities;
          summary.statements += written.statements;
          summary.inserted += written.inserted;
          input.onProgress?.({ rows: summary.rows, statements: summary.statements });
        };
        for await (const item of rows) {
          summary.rows++;
          if ('error' in item) {
            fail({ file, row: item.rowNumber, reason: item.error });
            continue;
          }
          const mapped = mapRow(query, item.row, { rowNumber: item.rowNumber });
          for (const problem of mapped.problems) {
            summary.problems++;
            if (summary.failures.length < MAX_KEPT_FAILURES) summary.failures.push({ file, row: item.rowNumber, reason: problem.message });
          }
          const rowEntities: SourcedEntity[] = [];
          let rowFailed = false;
          for (const entity of mapped.entities) {
            const origin = entity.keyValues.join('|');
            const candidate: SourcedEntity = { id: entity.id, schema: entity.schema, properties: entity.properties, origin: origin === '' ? entity.id : origin };
            const problem = checkEntity(candidate).problems[0];
            if (problem !== undefined) {
              fail({ file, row: item.rowNumber, reason: describeProblem(problem) });
              rowFailed = true;
              break;
            }
            rowEntities.push(candidate);
          }
          if (rowFailed) continue;
          batch.push(...rowEntities);
          if (++batchRows >= BATCH_ROWS) await flush();
        }
        await flush();
      }
    }
  }
  return summary;
}

function queryFiles(query: MappingQuery, mappingPath: string): Array<{ path: string; format: 'csv' | 'jsonl' }> {
  const base = dirname(mappingPath);
  const files = [
    ...query.source.csvUrls.map((url) => ({ path: resolve(base, url), format: 'csv' as const })),
    ...query.source.jsonUrls.map((url) => ({ path: resolve(base, url), format: 'jsonl' as const })),
  ];
  if (files.length === 0) {
    throw new Invalid(`mapping ${basename(mappingPath)}: query ${query.dataset}[${query.index}] names no csv_url or json_url to read`);
  }
  return files;
}
