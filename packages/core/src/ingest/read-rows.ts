import { pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse, type CsvError, type Info } from 'csv-parse';
import { Invalid } from '../errors.js';
import { MAX_LINE_CHARS, readLines } from './read-lines.js';

/**
 * One source record: its cells by column name, or why it could not be read. `rowNumber` counts
 * data records from 1 (the CSV header is not one; a JSON-lines row is its line number).
 */
export type RowItem = { rowNumber: number; row: Record<string, string> } | { rowNumber: number; error: string };

/** The file formats ingest reads. */
export type SourceFormat = 'csv' | 'jsonl' | 'json' | 'ftm';

/** CSV dialect and limits. */
export interface CsvOptions {
  /** Field separator; default ",". */
  delimiter?: string;
  /** Longest record held in memory; beyond it (usually an unclosed quote) reading stops with an error item. */
  maxRecordSize?: number;
}

const DEFAULT_MAX_RECORD = 16 * 1024 * 1024;

/**
 * Streams CSV rows keyed by the (trimmed) header names. A malformed row becomes an error item
 * and reading goes on; cells are passed on as written (mapRow trims them).
 * @example for await (const item of readCsvRows(createReadStream('people.csv'))) if ('row' in item) use(item.row)
 */
export async function* readCsvRows(stream: Readable, options: CsvOptions = {}): AsyncGenerator<RowItem> {
  const parser = parse({
    bom: true,
    delimiter: options.delimiter ?? ',',
    info: true,
    // Quotes inside unquoted fields are kept as text, as Python's csv module (used by `ftm map`) does.
    relax_quotes: true,
    // Field counts are checked below, so a ragged row is reported instead of ending the stream.
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: options.maxRecordSize ?? DEFAULT_MAX_RECORD,
  });
  const skipped: CsvError[] = [];
  parser.on('skip', (error: CsvError) => skipped.push(error));
  // pipeline forwards a failing input to the parser, which then rejects the loop below.
  pipeline(stream, parser, () => undefined);

  let header: string[] | null = null;
  let rowNumber = 0;
  const skippedItem = (error: CsvError): RowItem => ({ rowNumber: ++rowNumber, error: describeCsvError(error, options.maxRecordSize ?? DEFAULT_MAX_RECORD) });
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
    // Skips are announced as they happen; records reach this loop later, so put them back in order.
    while (skipped[0] !== undefined && Number(skipped[0].records) < info.records) {
      const error = skipped.shift() as CsvError;
      if (header === null) throw new Invalid(`the CSV header row cannot be read: ${describeCsvError(error, options.maxRecordSize ?? DEFAULT_MAX_RECORD)}`);
      yield skippedItem(error);
    }
    if (header === null) {
      header = readHeader(record);
      continue;
    }
    rowNumber += 1;
    const extra = record.slice(header.length);
    if (record.length < header.length || extra.some((cell) => cell.trim() !== '')) {
      yield { rowNumber, error: `the row has ${record.length} fields and the header ${header.length}` };
      continue;
    }
    const row = emptyRow();
    header.forEach((name, i) => {
      if (name !== '') row[name] = record[i] ?? '';
    });
    const garbled = Object.keys(row).find((name) => row[name]?.includes(REPLACEMENT_CHARACTER));
    yield garbled === undefined ? { rowNumber, row } : { rowNumber, error: notUtf8(`column ${garbled}`) };
  }
  for (const error of skipped) yield skippedItem(error);
}

/**
 * Streams JSON lines, one object per line; blank lines are skipped. Numbers and booleans become
 * text, null is a missing cell, and nested objects and lists are kept as their JSON text.
 */
export async function* readJsonLines(stream: Readable): AsyncGenerator<RowItem> {
  for await (const line of readLines(stream)) {
    if ('tooLong' in line) {
      yield { rowNumber: line.lineNumber, error: `the line is ${line.tooLong} characters long, more than the ${MAX_LINE_CHARS} allowed` };
      continue;
    }
    if (line.text.trim() === '') continue;
    yield jsonRow(line.lineNumber, line.text);
  }
}

/**
 * Streams the objects of a JSON file holding one array of objects, one element at a time, so
 * the file never has to fit in memory; `rowNumber` is the element's position from 1.
 */
export async function* readJsonArray(stream: Readable): AsyncGenerator<RowItem> {
  const splitter = new JsonArraySplitter();
  const decoder = new StringDecoder('utf8');
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    yield* splitter.push(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (splitter.stopped) return;
  }
  yield* splitter.push(decoder.end());
  yield* splitter.end();
}

/**
 * The format of a file, from its name: .csv, .jsonl/.ndjson, .json, and .ftm.json/.ftm.jsonl
 * for FtM entity streams (both line-delimited, as OpenSanctions and `ftm` write them).
 */
export function detectFormat(fileName: string): SourceFormat {
  const name = fileName.toLowerCase();
  if (name.endsWith('.ftm.jsonl') || name.endsWith('.ftm.json')) return 'ftm';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.csv')) return 'csv';
  throw new Invalid(`cannot tell the format of "${fileName}" from its name: use .csv, .jsonl, .ndjson, .json, .ftm.json or .ftm.jsonl`);
}

/** A parsed JSON object as a row: scalars as text, null dropped, nested values as JSON text. */
export function jsonObjectToRow(object: Record<string, unknown>): Record<string, string> {
  const row = emptyRow();
  for (const [key, value] of Object.entries(object)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') row[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') row[key] = String(value);
    else row[key] = JSON.stringify(value);
  }
  return row;
}

/** A row with no prototype, so a column named "__proto__" is a column like any other. */
function emptyRow(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/** What a decoder puts where bytes are not UTF-8: data in another encoding would be stored garbled. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/** Why text holding the replacement character is refused. */
export function notUtf8(what: string): string {
  return `${what} is not valid UTF-8 text: the file is probably in another encoding (such as Latin-1 or Windows-1252); save it as UTF-8 and import it again`;
}

function jsonRow(rowNumber: number, text: string): RowItem {
  if (text.includes(REPLACEMENT_CHARACTER)) return { rowNumber, error: notUtf8('the record') };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { rowNumber, error: `not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { rowNumber, error: `expected a JSON object, got ${Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`}` };
  }
  return { rowNumber, row: jsonObjectToRow(value as Record<string, unknown>) };
}

function readHeader(record: string[]): string[] {
  const header = record.map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '') continue;
    if (seen.has(name)) throw new Invalid(`the CSV header names the column "${name}" twice`);
    seen.add(name);
  }
  return header;
}

function describeCsvError(error: CsvError, maxRecordSize: number): string {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return `a quoted field is never closed (the quote opens before line ${String(error.lines)}); the rest of the file could not be read`;
  }
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return `a record is longer than ${maxRecordSize} characters, most likely after an unclosed quote; the rest of the file was not read`;
  }
  return error.message;
}

/** Cuts the text of `[ {...}, {...} ]` into elements while tracking strings and nesting. */
class JsonArraySplitter {
  stopped = false;
  private started = false;
  private ended = false;
  private element = '';
  private oversized = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private index = 0;

  *push(text: string): Generator<RowItem> {
    for (const char of text) {
      if (this.stopped) return;
      if (this.ended) {
        if (!/\s/.test(char)) yield this.stop('there is text after the closing "]" of the array');
        continue;
      }
      if (!this.started) {
        if (char === '[') this.started = true;
        else if (!/\s|\ufeff/.test(char)) yield this.stop('a .json file must hold one array of objects: [ {...}, {...} ]');
        continue;
      }
      if (this.inString) {
        this.add(char);
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
        continue;
      }
      if (this.depth === 0 && (char === ',' || char === ']')) {
        if (char === ']') this.ended = true;
        const item = this.finish(char === ']');
        if (item !== null) yield item;
        continue;
      }
      if (char === '"') this.inString = true;
      else if (char === '{' || char === '[') this.depth += 1;
      else if (char === '}' || char === ']') this.depth -= 1;
      this.add(char);
    }
  }

  *end(): Generator<RowItem> {
    if (this.stopped) return;
    if (!this.started) yield this.stop('the file is empty; expected an array of objects');
    else if (!this.ended) yield this.stop('the array is never closed (is the file cut short?)');
  }

  private add(char: string): void {
    if (this.oversized) return;
    this.element += char;
    if (this.element.length > MAX_LINE_CHARS) {
      this.oversized = true;
      this.element = '';
    }
  }

  private finish(last: boolean): RowItem | null {
    const text = this.element.trim();
    const oversized = this.oversized;
    this.element = '';
    this.oversized = false;
    // `[]` and a trailing `]` close the array without an element.
    if (text === '' && !oversized && last) return null;
    this.index += 1;
    if (oversized) return { rowNumber: this.index, error: `the element is longer than the ${MAX_LINE_CHARS} characters allowed` };
    if (text === '') return { rowNumber: this.index, error: 'an empty element (two commas in a row?)' };
    return jsonRow(this.index, text);
  }

  private stop(error: string): RowItem {
    this.stopped = true;
    return { rowNumber: this.index + 1, error };
  }
}
