import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { model } from '../model/ftm.js';
import { fuzzRuns, fuzzTimeout, parsesOrRefuses, withinBudget } from '../test-support/fuzz.js';
import { cell, hostilePiece, invalidUtf8, PROTOTYPE_NAMES } from '../test-support/hostile-input.js';
import { readFtmEntities, type FtmEntityItem } from './ftm-entities.js';
import { readCsvRows, readJsonArray, readJsonLines, type RowItem } from './read-rows.js';

/**
 * Hostile input for the ingest readers (CSV, JSON lines, JSON arrays, FtM entity lines): each
 * gives rows or error items, or refuses with the project's own error and a message, within its time
 * budget; written tables read back as written. CASEGRAPH_FUZZ_RUNS sets the cases per property
 * (`npm run fuzz` runs 100,000).
 */

const RUNS = fuzzRuns();
const TIMEOUT = fuzzTimeout(RUNS, 5);

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Bytes cut at arbitrary points, so characters, quotes and line breaks straddle chunks. */
const chunked = (bytes: Uint8Array, cuts: number[]): Readable => {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) chunks.push(Buffer.from(bytes.subarray(start, point)));
    start = Math.max(start, point);
  }
  return Readable.from(chunks);
};

const hostileBytes = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }) },
  {
    weight: 3,
    arbitrary: fc.array(fc.oneof({ weight: 4, arbitrary: hostilePiece.map((piece) => Buffer.from(piece, 'utf8') as Uint8Array) }, { weight: 1, arbitrary: invalidUtf8 }), { maxLength: 60 }).map((parts) => Buffer.concat(parts) as Uint8Array),
  },
);

/** Bytes that start as a well-formed file and then go wrong. */
const nearValid = (valid: fc.Arbitrary<string>) =>
  fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.oneof(hostilePiece.map((p) => Buffer.from(p, 'utf8') as Uint8Array), invalidUtf8)), { maxLength: 4 })).map(([text, insertions]) => {
    let bytes: Buffer = Buffer.from(text, 'utf8');
    for (const [at, piece] of insertions) {
      const point = at % (bytes.length + 1);
      bytes = Buffer.concat([bytes.subarray(0, point), piece, bytes.subarray(point)]);
    }
    return bytes;
  });

const cuts = fc.array(fc.nat(), { maxLength: 6 });

function expectRowItem(item: RowItem, previous: number): void {
  expect(Number.isInteger(item.rowNumber) && item.rowNumber > previous).toBe(true);
  if ('error' in item) expect(typeof item.error === 'string' && item.error.trim() !== '').toBe(true);
  else for (const value of Object.values(item.row)) expect(typeof value).toBe('string');
}

function expectRowItems(items: RowItem[]): void {
  let previous = 0;
  for (const item of items) {
    expectRowItem(item, previous);
    previous = item.rowNumber;
  }
}

const columnName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_ -]{0,12}[A-Za-z0-9_]$/);

/** A CSV table written the way spreadsheets and Python's csv module write one. */
const csvTable = fc
  .uniqueArray(columnName, { minLength: 2, maxLength: 6, selector: (name) => name.trim() })
  .chain((header) => fc.tuple(fc.constant(header), fc.array(fc.array(cell, { minLength: header.length, maxLength: header.length }), { maxLength: 20 }), fc.boolean(), fc.boolean()));

function writeCsv(header: string[], rows: string[][], quoteAll: boolean, crlf: boolean): string {
  const field = (value: string) => (quoteAll || /[",\r\n]/.test(value) || value.startsWith(' ') ? `"${value.replaceAll('"', '""')}"` : value);
  const end = crlf ? '\r\n' : '\n';
  return [header, ...rows].map((row) => row.map(field).join(',')).join(end) + end;
}

describe('CSV reader under hostile input', () => {
  it(
    'arbitrary and broken bytes give rows or error items, or a refused header, never anything else',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostileBytes, nearValid(csvTable.map(([h, r, q, c]) => writeCsv(h, r, q, c)))), cuts, fc.constantFrom(undefined, 64, 4096), async (bytes, at, maxRecordSize) => {
          const result = await parsesOrRefuses(() => collect(readCsvRows(chunked(bytes, at), maxRecordSize === undefined ? {} : { maxRecordSize })));
          if (result.ok) expectRowItems(result.value);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'a table written with standard quoting reads back as the same rows, however the bytes are chunked',
    async () => {
      await fc.assert(
        fc.asyncProperty(csvTable, cuts, async ([header, rows, quoteAll, crlf], at) => {
          const bytes = Buffer.from(writeCsv(header, rows, quoteAll, crlf), 'utf8');
          const items = await withinBudget(2000, () => collect(readCsvRows(chunked(bytes, at))));
          const expected = rows.map((row, i) => ({ rowNumber: i + 1, row: Object.fromEntries(header.map((name, c) => [name, row[c] ?? ''])) }));
          expect(items).toEqual(expected);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

/** Any JSON value, nested deep and wide, with hostile keys. */
const jsonValue = fc.jsonValue({ maxDepth: 6 });
const jsonObject = fc.dictionary(fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom(...PROTOTYPE_NAMES)), jsonValue, { maxKeys: 6 });

describe('JSON-lines and JSON-array readers under hostile input', () => {
  it(
    'arbitrary and broken bytes give rows or error items, never a throw',
    async () => {
      const valid = fc.array(jsonObject, { maxLength: 5 }).map((objects) => objects.map((o) => JSON.stringify(o)).join('\n'));
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostileBytes, nearValid(valid)), cuts, async (bytes, at) => {
          const items = await withinBudget(2000, () => collect(readJsonLines(chunked(bytes, at))));
          expectRowItems(items);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'a JSON array file gives rows or error items, never a throw, whatever its bytes',
    async () => {
      const valid = fc.array(jsonObject, { maxLength: 5 }).map((objects) => JSON.stringify(objects, null, objects.length % 2 === 0 ? 0 : 2));
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostileBytes, nearValid(valid)), cuts, async (bytes, at) => {
          const items = await withinBudget(2000, () => collect(readJsonArray(chunked(bytes, at))));
          expectRowItems(items);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'objects written as JSON lines or as one array read back as the same rows',
    async () => {
      // The replacement character marks text that was not UTF-8, so a record holding it is refused.
      const key = fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }).filter((text) => !text.includes('\ufffd'));
      const record = fc.dictionary(key, fc.oneof(cell, fc.integer().map(String)), { maxKeys: 6 });
      await fc.assert(
        fc.asyncProperty(fc.array(record, { maxLength: 10 }), cuts, async (records, at) => {
          const expected = records.map((row, i) => ({ rowNumber: i + 1, row }));
          const lines = Buffer.from(records.map((row) => JSON.stringify(row)).join('\n'), 'utf8');
          const array = Buffer.from(JSON.stringify(records), 'utf8');
          expect(await collect(readJsonLines(chunked(lines, at)))).toEqual(expected);
          expect(await collect(readJsonArray(chunked(array, at)))).toEqual(expected);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe('FtM entity reader under hostile input', () => {
  it(
    'lines of near-entities (wrong types, unknown and prototype schema names, odd values) give entities or reasons',
    async () => {
      const schemaName = fc.oneof(fc.constantFrom(...Object.keys(model.schemata)), fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 12 }), jsonValue);
      const propertyName = fc.oneof(fc.constantFrom('name', 'birthDate', 'country', 'email', 'phone', 'owner', 'asset', 'idNumber'), fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 10 }));
      const values = fc.oneof(fc.array(fc.oneof(cell, jsonValue), { maxLength: 4 }), jsonValue);
      const entity = fc.record(
        { id: fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/), jsonValue), schema: schemaName, properties: fc.oneof(fc.dictionary(propertyName, values, { maxKeys: 5 }), jsonValue) },
        { requiredKeys: [] },
      );
      const text = fc.array(entity, { maxLength: 4 }).map((entities) => entities.map((e) => JSON.stringify(e)).join('\n'));
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostileBytes, fc.oneof({ weight: 3, arbitrary: text.map((t) => Buffer.from(t, 'utf8') as Uint8Array) }, { weight: 1, arbitrary: nearValid(text) })), cuts, async (bytes, at) => {
          const items: FtmEntityItem[] = await withinBudget(2000, () => collect(readFtmEntities(chunked(bytes, at))));
          for (const item of items) {
            if ('error' in item) expect(item.error.trim()).not.toBe('');
            else {
              expect(model.schemata[item.entity.schema]?.name).toBe(item.entity.schema);
              for (const list of Object.values(item.entity.properties)) for (const value of list) expect(typeof value).toBe('string');
            }
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
