import type { Readable } from 'node:stream';
import { checkEntity, describeProblem } from '../entities/check-entity.js';
import { MAX_LINE_CHARS, readLines } from './read-lines.js';
import { notUtf8, REPLACEMENT_CHARACTER } from './read-rows.js';

/** An entity in FtM's JSON form. */
export interface FtmEntity {
  id: string;
  schema: string;
  properties: Record<string, string[]>;
}

/** One line of an FtM entity stream: a checked entity, or why the line was refused. */
export type FtmEntityItem = { lineNumber: number; entity: FtmEntity } | { lineNumber: number; error: string };

/**
 * Streams FtM entity JSON lines (`{"id", "schema", "properties"}`), checking each entity against
 * the model and the value types; other keys (caption, datasets, first_seen...) are ignored.
 * @example for await (const item of readFtmEntities(createReadStream('entities.ftm.json'))) if ('entity' in item) batch.push(item.entity)
 */
export async function* readFtmEntities(stream: Readable): AsyncGenerator<FtmEntityItem> {
  for await (const line of readLines(stream)) {
    if ('tooLong' in line) {
      yield { lineNumber: line.lineNumber, error: `the line is ${line.tooLong} characters long, more than the ${MAX_LINE_CHARS} allowed` };
      continue;
    }
    if (line.text.trim() === '') continue;
    yield parseFtmLine(line.lineNumber, line.text);
  }
}

/** One entity as a JSON line with a stable key order (id, schema, properties by name), so exports diff cleanly. */
export function formatFtmEntity(entity: FtmEntity): string {
  const properties: Record<string, string[]> = {};
  for (const name of Object.keys(entity.properties).sort()) {
    const values = entity.properties[name];
    if (values !== undefined && values.length > 0) properties[name] = values;
  }
  return JSON.stringify({ id: entity.id, schema: entity.schema, properties });
}

function parseFtmLine(lineNumber: number, text: string): FtmEntityItem {
  if (text.includes(REPLACEMENT_CHARACTER)) return { lineNumber, error: notUtf8('the line') };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { lineNumber, error: `not valid JSON: ${(error as Error).message}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { lineNumber, error: 'expected an FtM entity object {"id", "schema", "properties"}' };
  const raw = data as { id?: unknown; schema?: unknown; properties?: unknown };
  // JSON.stringify, not String: an object such as {"toString": ""} cannot be turned into text.
  const id = typeof raw.id === 'string' ? raw.id : (JSON.stringify(raw.id) ?? 'without an id');
  if (typeof raw.id !== 'string') return { lineNumber, error: `entity ${id}: the id must be text` };
  const entity = { id: raw.id, schema: raw.schema as string, properties: (raw.properties ?? {}) as Record<string, string[]> };
  const { problems } = checkEntity(entity);
  const first = problems[0];
  if (first !== undefined) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    return { lineNumber, error: `${describeProblem(first)}${more}` };
  }
  const properties: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(entity.properties)) {
    // FtM values are sets of trimmed text; blanks carry nothing.
    const kept = [...new Set(values.map((value) => value.trim()).filter((value) => value !== ''))];
    if (kept.length > 0) properties[name] = kept;
  }
  return { lineNumber, entity: { id: entity.id, schema: entity.schema, properties } };
}
