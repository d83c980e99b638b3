import { model } from '../model/ftm.js';
import { parseDateWithFormat } from './dates.js';
import { makeEntityKey, pythonStrip, signEntityId } from './entity-id.js';
import type { ColumnFilter, EntitySpec, MappingQuery, PropertySpec } from './mapping.js';
import { checkValue } from './values.js';

/** An entity made from one row: its FtM id, schema, property values and the key values it came from. */
export interface MappedEntity {
  id: string;
  schema: string;
  properties: Record<string, string[]>;
  /** The non-empty key (or id column) values, in mapping order: the record's origin for the store. */
  keyValues: string[];
}

/** Why part of a row produced nothing. */
export type RowProblemKind = 'no-keys' | 'invalid-id' | 'missing-required' | 'invalid-value';

/** Something in a row that was skipped, naming the row, entity, property and value. */
export interface RowProblem {
  kind: RowProblemKind;
  rowNumber: number | null;
  /** The entity's name in the mapping. */
  entity: string;
  property: string | null;
  value: string | null;
  message: string;
}

/** How mapRow makes ids; by default exactly as `ftm map --no-sign` does for the query's dataset. */
export interface MapRowOptions {
  /** Signs every id (and every reference) as FtM's Namespace does; `ftm map` signs with the dataset name. */
  namespace?: string | undefined;
  /** The key prefix hashed before the keys: FtM uses the dataset name; null leaves it out. */
  keyPrefix?: string | null | undefined;
  /** Named in problems, so a report can point at the row. */
  rowNumber?: number | undefined;
}

// FtM's sanitize_text drops NUL; the other C0 controls and DEL are never meaningful in a cell either.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const CANONICAL_TYPES = new Set(['country', 'date', 'gender', 'language', 'topic']);

/**
 * Turns one source row into the entities its query describes, with FtM's ids; entities without
 * keys or without a required property are left out and reported as problems.
 * @example const { entities, problems } = mapRow(mapping.datasets[0].queries[0], { id: '7', name: 'Ada' }, { rowNumber: 1 })
 */
export function mapRow(query: MappingQuery, row: Record<string, string>, options: MapRowOptions = {}): { entities: MappedEntity[]; problems: RowProblem[] } {
  const cells = cleanRow(row);
  const entities: MappedEntity[] = [];
  const problems: RowProblem[] = [];
  if (!rowMatchesFilters(query, cells)) return { entities, problems };
  const rowNumber = options.rowNumber ?? null;
  const keyPrefix = options.keyPrefix === undefined ? query.dataset : options.keyPrefix;
  const ids = new Map<string, string>();
  const report = (kind: RowProblemKind, entity: string, property: string | null, value: string | null, problem: string) =>
    problems.push({ kind, rowNumber, entity, property, value, message: `${rowNumber === null ? '' : `row ${rowNumber}, `}entity "${entity}"${property === null ? '' : `, property ${property}`}: ${problem}` });

  for (const spec of query.entities) {
    const identity = identify(spec, cells, keyPrefix);
    if (identity.id === null) {
      const columns = spec.idColumn === null ? spec.keys.join(', ') : spec.idColumn;
      report('no-keys', spec.name, null, null, `no id: ${spec.idColumn === null ? `every key column (${columns}) is empty` : `the id column ${columns} is empty`}; entity skipped`);
      continue;
    }
    if (spec.idColumn !== null) {
      const idCheck = checkValue('entity', identity.id);
      if (!idCheck.ok) {
        report('invalid-id', spec.name, null, identity.id, `the id column ${spec.idColumn} holds an unusable id (${idCheck.reason}); entity skipped`);
        continue;
      }
    }
    const id = options.namespace === undefined ? identity.id : signEntityId(options.namespace, identity.id);
    const properties: Record<string, string[]> = {};
    for (const property of spec.properties) {
      const values = propertyValues(property, cells, ids, (value, reason) => report('invalid-value', spec.name, property.property, value, `${JSON.stringify(value)} dropped: ${reason}`));
      if (values.length > 0) properties[property.property] = [...new Set([...(properties[property.property] ?? []), ...values])];
    }
    const missing = missingRequired(spec, properties, ids);
    if (missing !== null) {
      report('missing-required', spec.name, missing.property, null, `${missing.reason}; entity skipped`);
      continue;
    }
    ids.set(spec.name, id);
    entities.push({ id, schema: spec.schema, properties, keyValues: identity.keyValues });
  }
  return { entities, problems };
}

/** True when a row (cleaned as mapRow cleans it) passes the query's `filters` and `filters_not`. */
export function rowMatchesFilters(query: Pick<MappingQuery, 'filters' | 'filtersNot'>, cells: Record<string, string>): boolean {
  const holds = (filter: ColumnFilter) => filter.values.includes(cells[filter.column] ?? null);
  return query.filters.every(holds) && !query.filtersNot.some(holds);
}

/** A row as FtM sees it: text in NFC, control characters removed, trimmed, empty cells gone. */
export function cleanRow(row: Record<string, string>): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const [column, value] of Object.entries(row)) {
    if (typeof value !== 'string') continue;
    const clean = pythonStrip(value.normalize('NFC').replace(UNSAFE_CHARS, ''));
    if (clean !== '') cells[column] = clean;
  }
  return cells;
}

function identify(spec: EntitySpec, cells: Record<string, string>, keyPrefix: string | null): { id: string | null; keyValues: string[] } {
  if (spec.idColumn !== null) {
    const id = cells[spec.idColumn] ?? null;
    return { id, keyValues: id === null ? [] : [id] };
  }
  const values = spec.keys.map((column) => cells[column]);
  return {
    id: makeEntityKey({ keyPrefix, keyLiteral: spec.keyLiteral, values }),
    keyValues: values.filter((value): value is string => value !== undefined),
  };
}

function propertyValues(
  property: PropertySpec,
  cells: Record<string, string>,
  ids: Map<string, string>,
  drop: (value: string, reason: string) => void,
): string[] {
  const spec = property.value;
  let raw: string[];
  let format: string | null = null;
  switch (spec.kind) {
    case 'entity': {
      const id = ids.get(spec.entity);
      return id === undefined ? [] : [id];
    }
    case 'template': {
      // FtM would emit the template's fixed text alone; a value made only of that is noise.
      if (spec.columns.every((column) => cells[column] === undefined)) return [];
      raw = [spec.template.replace(/\{\{([^(})]*)\}\}/g, (_, column: string) => cells[column] ?? '')];
      format = spec.format;
      break;
    }
    case 'values': {
      raw = [...spec.literals, ...spec.columns.flatMap((column) => (cells[column] === undefined ? [] : [cells[column]]))];
      if (spec.join !== null && raw.length > 0) raw = [raw.join(spec.join)];
      const separator = spec.split;
      if (separator !== null) raw = raw.flatMap((value) => value.split(separator));
      format = spec.format;
      break;
    }
  }
  const values: string[] = [];
  for (const item of raw) {
    let value = pythonStrip(item);
    if (value === '') continue;
    if (format !== null) {
      const date = parseDateWithFormat(value, format);
      if (!date.ok) {
        drop(value, date.reason);
        continue;
      }
      value = date.date;
    }
    const check = checkValue(property.type, value);
    if (!check.ok) {
      drop(value, check.reason);
      continue;
    }
    // For codes and dates the normalised form is the value FtM itself would store ("GB" -> "gb").
    if (CANONICAL_TYPES.has(property.type) && check.normalized !== null) value = check.normalized;
    if (!values.includes(value)) values.push(value);
  }
  return values;
}

function missingRequired(spec: EntitySpec, properties: Record<string, string[]>, ids: Map<string, string>): { property: string; reason: string } | null {
  for (const property of spec.properties) {
    if (property.required && properties[property.property] === undefined) {
      return { property: property.property, reason: `${property.property} is marked required in the mapping and is empty` };
    }
  }
  const schema = model.getSchema(spec.schema);
  // A relationship without its ends says nothing, so it is skipped. Other entities are kept with
  // what the row holds (a company known only by its number here is named by another source), as
  // FollowTheMoney does.
  if (!schema.isEdge) return null;
  for (const name of schema.required) {
    if (properties[name] !== undefined) continue;
    const mapped = spec.properties.find((property) => property.property === name);
    const cause =
      mapped?.value.kind === 'entity' && !ids.has(mapped.value.entity)
        ? ` (entity "${mapped.value.entity}" was not made from this row)`
        : '';
    return { property: name, reason: `${schema.name} requires ${name}, which is empty${cause}` };
  }
  return null;
}
