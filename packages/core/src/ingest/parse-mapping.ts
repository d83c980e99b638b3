import type { Schema } from '@alephdata/followthemoney';
import { LineCounter, isMap, isSeq, parseDocument, type Document } from 'yaml';
import { findSchema, model } from '../model/ftm.js';
import { checkDateFormat } from './dates.js';
import {
  MappingError,
  type ColumnFilter,
  type EntitySpec,
  type Mapping,
  type MappingDataset,
  type MappingLocation,
  type MappingQuery,
  type MappingSource,
  type PropertySpec,
  type ValueSpec,
} from './mapping.js';

type Path = Array<string | number>;
type Data = Record<string, unknown>;

const QUERY_KEYS = new Set(['entities', 'filters', 'filters_not', 'csv_url', 'csv_urls', 'json_url', 'json_urls', 'database', 'tables', 'joins']);
const ENTITY_KEYS = new Set(['schema', 'key', 'keys', 'key_literal', 'id_column', 'properties']);
const PROPERTY_KEYS = new Set(['column', 'columns', 'literal', 'literals', 'template', 'entity', 'join', 'split', 'format', 'required']);
// FtM's own placeholder pattern, so a template means the same thing here as in `ftm map`.
const TEMPLATE_PLACEHOLDER = /\{\{([^(})]*)\}\}/g;

/** What the parser knows while it walks the file, so every error can say where it is. */
class MappingReader {
  readonly warnings: string[] = [];
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    readonly fileName: string | null,
  ) {}

  fail(location: MappingLocation, path: Path, problem: string): never {
    throw new MappingError({ fileName: this.fileName, line: this.lineOf(path), ...location }, problem);
  }

  /** The line of the key that introduces `path` (or of the list item), when the file has one. */
  lineOf(path: Path): number | null {
    const parent = path.length === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
    const last = path[path.length - 1];
    let start: number | undefined;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === last);
      start = (pair?.key as { range?: [number, number, number] } | null)?.range?.[0];
    } else if (isSeq(parent) && typeof last === 'number') {
      start = (parent.items[last] as { range?: [number, number, number] } | null)?.range?.[0];
    }
    return start === undefined ? null : this.lines.linePos(start).line;
  }
}

/**
 * Reads a FollowTheMoney mapping file (YAML) and checks it against the model; throws a
 * MappingError naming the file, line, entity and property of the first problem.
 * @example const mapping = parseMapping(await readFile('companies.yml', 'utf8'), { fileName: 'companies.yml' })
 */
export function parseMapping(text: string, options: { fileName?: string } = {}): Mapping {
  const fileName = options.fileName ?? null;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) {
    const message = (yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new MappingError({ fileName, line: yamlError.linePos?.[0].line ?? null }, `not valid YAML: ${message}`);
  }
  const reader: MappingReader = new MappingReader(doc, lines, fileName);
  const root = mappingData(doc, fileName);
  if (root === null || root === undefined) reader.fail({}, [], 'the file is empty; expected dataset names with their queries');
  if (!isData(root)) reader.fail({}, [], 'expected a mapping of dataset names to their queries at the top level');
  const datasets = Object.entries(root).map(([name, meta]) => readDataset(reader, name, meta));
  if (datasets.length === 0) reader.fail({}, [], 'the file defines no dataset');
  return { fileName, datasets, warnings: reader.warnings };
}

const MAX_ALIAS_COUNT = 100;

/** The document as data; an alias bomb ("billion laughs") is refused before it expands, and so is nesting deeper than the stack. */
function mappingData(doc: Document, fileName: string | null): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const problem =
      error instanceof RangeError
        ? 'the file nests too deeply'
        : /alias/i.test((error as Error).message)
          ? `its aliases expand past the limit of ${MAX_ALIAS_COUNT} (an alias bomb?); write the repeated values out`
          : (error as Error).message;
    throw new MappingError({ fileName, line: null }, `not valid YAML: ${problem}`);
  }
}

function readDataset(reader: MappingReader, name: string, meta: unknown): MappingDataset {
  const where = { dataset: name };
  if (!isData(meta)) reader.fail(where, [name], 'a dataset must be a mapping with `queries:` (or `query:`)');
  const found: Array<{ data: unknown; path: Path }> = [];
  for (const key of ['queries', 'query']) {
    const value = meta[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) value.forEach((data: unknown, i) => found.push({ data, path: [name, key, i] }));
    else found.push({ data: value, path: [name, key] });
  }
  if (found.length === 0) reader.fail(where, [name], 'the dataset has no `queries:` (or `query:`)');
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) if (key !== 'queries' && key !== 'query') metadata[key] = value;
  const queries = found.map(({ data, path }, index) => readQuery(reader, name, index, data, path));
  return { name, metadata, queries };
}

function readQuery(reader: MappingReader, dataset: string, index: number, data: unknown, path: Path): MappingQuery {
  const where = { dataset, query: index };
  if (!isData(data)) reader.fail(where, path, 'a query must be a mapping with `entities:`');
  rejectUnknownKeys(reader, where, path, data, QUERY_KEYS, 'query');
  const entitiesData = data.entities;
  if (!isData(entitiesData) || Object.keys(entitiesData).length === 0) {
    reader.fail(where, [...path, 'entities'], 'the query has no `entities:`; name each entity and give its schema, keys and properties');
  }
  const source: MappingSource = {
    csvUrls: textList(reader, where, path, data, ['csv_url', 'csv_urls']),
    jsonUrls: textList(reader, where, path, data, ['json_url', 'json_urls']),
    database: data.database === undefined || data.database === null ? null : text(reader, where, [...path, 'database'], data.database, 'the database'),
    tables: data.tables ?? null,
    joins: data.joins ?? null,
  };
  const filters = readFilters(reader, where, [...path, 'filters'], data.filters);
  const filtersNot = readFilters(reader, where, [...path, 'filters_not'], data.filters_not);
  const specs = new Map<string, { spec: EntitySpec; schema: Schema }>();
  for (const [name, entityData] of Object.entries(entitiesData)) {
    specs.set(name, readEntity(reader, { ...where, entity: name }, [...path, 'entities', name], entityData));
  }
  checkReferences(reader, where, [...path, 'entities'], specs);
  checkDistinctIds(reader, where, [...path, 'entities'], [...specs.values()].map((s) => s.spec));
  return { dataset, index, source, filters, filtersNot, entities: dependencyOrder(reader, where, [...path, 'entities'], specs) };
}

function readFilters(reader: MappingReader, where: MappingLocation, path: Path, data: unknown): ColumnFilter[] {
  if (data === undefined || data === null) return [];
  if (!isData(data)) reader.fail(where, path, 'filters must map column names to a value or a list of values');
  return Object.entries(data).map(([column, value]) => {
    const values = (Array.isArray(value) ? value : [value]).map((item: unknown) =>
      item === null ? null : text(reader, where, [...path, column], item, `a value of the filter on "${column}"`),
    );
    return { column, values };
  });
}

function readEntity(reader: MappingReader, where: MappingLocation, path: Path, data: unknown): { spec: EntitySpec; schema: Schema } {
  if (!isData(data)) reader.fail(where, path, 'an entity must be a mapping with `schema`, `keys` and `properties`');
  rejectUnknownKeys(reader, where, path, data, ENTITY_KEYS, 'entity');
  if (data.schema === undefined || data.schema === null) reader.fail(where, path, 'the entity has no `schema`');
  const schemaName = text(reader, where, [...path, 'schema'], data.schema, 'the schema');
  const schema = findSchema(schemaName);
  if (schema === undefined) reader.fail(where, [...path, 'schema'], `unknown schema "${schemaName}"${suggestSchema(schemaName)}`);
  if (schema.abstract) {
    const concrete = schema.getChildren().filter((child) => !child.abstract).map((child) => child.name).slice(0, 6);
    reader.fail(where, [...path, 'schema'], `schema ${schema.name} is abstract and cannot be created; use one of ${concrete.join(', ')}`);
  }
  if (schema.deprecated) reader.warnings.push(`${describe(reader, where)}: schema ${schema.name} is deprecated`);
  const keys = textList(reader, where, path, data, ['key', 'keys']);
  const idColumn = data.id_column === undefined || data.id_column === null ? null : text(reader, where, [...path, 'id_column'], data.id_column, 'id_column');
  if (keys.length === 0 && idColumn === null) {
    reader.fail(where, path, 'the entity has no keys: list the columns that identify it in `keys` (or name an `id_column`)');
  }
  if (keys.length > 0 && idColumn !== null) reader.fail(where, [...path, 'id_column'], 'use either `keys` or `id_column`, not both');
  const keyLiteral = data.key_literal === undefined || data.key_literal === null ? null : text(reader, where, [...path, 'key_literal'], data.key_literal, 'key_literal');
  const propertiesData = data.properties ?? {};
  if (!isData(propertiesData)) reader.fail(where, [...path, 'properties'], 'properties must map property names to value specifications');
  const properties = Object.entries(propertiesData).map(([property, spec]) =>
    readProperty(reader, { ...where, property }, [...path, 'properties', property], schema, property, spec),
  );
  // A relationship whose rows lack a required end is skipped, so a mapping that never sets one maps nothing.
  const unmapped = schema.isEdge ? schema.required.filter((name) => !properties.some((p) => p.property === name)) : [];
  if (unmapped.length > 0) {
    reader.fail(where, [...path, 'properties'].slice(0, data.properties === undefined ? -1 : undefined), `schema ${schema.name} requires ${unmapped.join(' and ')}; map ${unmapped.length > 1 ? 'them' : 'it'} under \`properties\``);
  }
  return { spec: { name: where.entity ?? '', schema: schema.name, keys, keyLiteral, idColumn, properties }, schema };
}

function readProperty(reader: MappingReader, where: MappingLocation, path: Path, schema: Schema, name: string, data: unknown): PropertySpec {
  if (!schema.hasProperty(name)) reader.fail(where, path, `schema ${schema.name} has no property "${name}"${suggestProperty(schema, name)}`);
  const property = schema.getProperty(name);
  // The mapping's schema, not the ancestor that defines the property: that is what the author wrote.
  const qname = `${schema.name}:${name}`;
  if (property.stub) {
    reader.fail(where, path, `${qname} is the reverse side of a relationship; map the relationship entity instead`);
  }
  if (property.deprecated) reader.warnings.push(`${describe(reader, where)}: ${qname} is deprecated`);
  if (!isData(data)) reader.fail(where, path, 'expected a mapping such as `{ column: name }`, `{ literal: x }`, `{ template: "..." }` or `{ entity: other }`');
  rejectUnknownKeys(reader, where, path, data, PROPERTY_KEYS, 'property');
  const required = readBoolean(reader, where, [...path, 'required'], data.required);
  const has = (key: string) => data[key] !== undefined && data[key] !== null;
  const isEntityType = property.type.name === 'entity';
  let value: ValueSpec;
  if (has('entity')) {
    const others = ['column', 'columns', 'literal', 'literals', 'template', 'join', 'split', 'format'].filter(has);
    if (others.length > 0) reader.fail(where, path, `\`entity\` cannot be combined with ${others.map((k) => `\`${k}\``).join(', ')}`);
    if (!isEntityType) {
      reader.fail(where, [...path, 'entity'], `${qname} holds ${property.type.name} values, not a reference to another entity; use \`column\` or \`literal\``);
    }
    value = { kind: 'entity', entity: text(reader, where, [...path, 'entity'], data.entity, 'the entity reference') };
  } else {
    if (isEntityType) {
      const range = property.hasRange ? property.getRange().name : 'Thing';
      reader.fail(where, path, `${qname} points to another entity (a ${range}); use \`entity: <name of an entity in this query>\``);
    }
    const format = has('format') ? text(reader, where, [...path, 'format'], data.format, 'the format') : null;
    if (format !== null) {
      if (property.type.name !== 'date') reader.fail(where, [...path, 'format'], `\`format\` applies to dates; ${qname} holds ${property.type.name} values`);
      const problem = checkDateFormat(format);
      if (problem !== null) reader.fail(where, [...path, 'format'], problem);
    }
    if (has('template')) {
      const others = ['column', 'columns', 'literal', 'literals', 'join', 'split'].filter(has);
      if (others.length > 0) reader.fail(where, path, `\`template\` cannot be combined with ${others.map((k) => `\`${k}\``).join(', ')}`);
      const template = text(reader, where, [...path, 'template'], data.template, 'the template');
      const columns = [...template.matchAll(TEMPLATE_PLACEHOLDER)].map((match) => match[1] ?? '');
      if (columns.some((column) => column === '')) reader.fail(where, [...path, 'template'], 'the template has an empty {{}} placeholder');
      value = { kind: 'template', template, columns, format };
    } else {
      const literals = textList(reader, where, path, data, ['literal', 'literals']);
      const columns = textList(reader, where, path, data, ['column', 'columns']);
      if (literals.length === 0 && columns.length === 0) {
        reader.fail(where, path, 'no values: give `column`, `columns`, `literal`, `literals`, `template` or `entity`');
      }
      const join = has('join') ? rawText(reader, where, [...path, 'join'], data.join, 'join') : null;
      const split = has('split') ? rawText(reader, where, [...path, 'split'], data.split, 'split') : null;
      if (split === '') reader.fail(where, [...path, 'split'], '`split` needs a separator');
      value = { kind: 'values', literals, columns, join, split, format };
    }
  }
  return { property: name, type: property.type.name, value, required };
}

function checkReferences(reader: MappingReader, where: MappingLocation, path: Path, specs: Map<string, { spec: EntitySpec; schema: Schema }>): void {
  for (const { spec, schema } of specs.values()) {
    for (const property of spec.properties) {
      if (property.value.kind !== 'entity') continue;
      const at = { ...where, entity: spec.name, property: property.property };
      const propertyPath = [...path, spec.name, 'properties', property.property];
      const target = specs.get(property.value.entity);
      if (target === undefined) {
        const known = [...specs.keys()].filter((name) => name !== spec.name);
        reader.fail(at, [...propertyPath, 'entity'], `no entity "${property.value.entity}" in this query${known.length > 0 ? ` (it defines ${known.join(', ')})` : ''}`);
      }
      const prop = schema.getProperty(property.property);
      const range = prop.hasRange ? prop.getRange() : null;
      if (range !== null && !target.schema.isA(range)) {
        reader.fail(at, [...propertyPath, 'entity'], `${schema.name}:${prop.name} must point to a ${range.name}, and "${target.spec.name}" is a ${target.schema.name}`);
      }
    }
  }
}

function checkDistinctIds(reader: MappingReader, where: MappingLocation, path: Path, specs: EntitySpec[]): void {
  // Two entities with the same id rule get the same id from every row and would merge into one.
  const seen = new Map<string, string>();
  for (const spec of specs) {
    const rule = JSON.stringify([spec.idColumn, spec.keyLiteral, [...spec.keys].sort()]);
    const other = seen.get(rule);
    if (other !== undefined) {
      reader.fail({ ...where, entity: spec.name }, [...path, spec.name], `"${other}" and "${spec.name}" have the same keys and would get the same id; give one a \`key_literal\``);
    }
    seen.set(rule, spec.name);
  }
}

function dependencyOrder(reader: MappingReader, where: MappingLocation, path: Path, specs: Map<string, { spec: EntitySpec }>): EntitySpec[] {
  const ordered: EntitySpec[] = [];
  const done = new Set<string>();
  let pending = [...specs.values()].map((s) => s.spec);
  while (pending.length > 0) {
    const ready = pending.filter((spec) => dependencies(spec).every((name) => done.has(name)));
    if (ready.length === 0) {
      const first = pending[0] as EntitySpec;
      reader.fail({ ...where, entity: first.name }, [...path, first.name], `circular references between ${pending.map((s) => `"${s.name}"`).join(', ')}`);
    }
    for (const spec of ready) {
      ordered.push(spec);
      done.add(spec.name);
    }
    pending = pending.filter((spec) => !done.has(spec.name));
  }
  return ordered;
}

function dependencies(spec: EntitySpec): string[] {
  return spec.properties.flatMap((p) => (p.value.kind === 'entity' ? [p.value.entity] : []));
}

function rejectUnknownKeys(reader: MappingReader, where: MappingLocation, path: Path, data: Data, allowed: Set<string>, what: string): void {
  for (const key of Object.keys(data)) {
    if (!allowed.has(key)) reader.fail(where, [...path, key], `unknown ${what} key "${key}" (allowed: ${[...allowed].join(', ')})`);
  }
}

function textList(reader: MappingReader, where: MappingLocation, path: Path, data: Data, keys: string[]): string[] {
  const values: string[] = [];
  for (const key of keys) {
    const value = data[key];
    if (value === undefined || value === null) continue;
    const items: unknown[] = Array.isArray(value) ? value : [value];
    items.forEach((item, i) => values.push(text(reader, where, Array.isArray(value) ? [...path, key, i] : [...path, key], item, `\`${key}\``)));
  }
  return values;
}

/** A scalar the author meant as text, trimmed as FtM's stringify does. */
function text(reader: MappingReader, where: MappingLocation, path: Path, value: unknown, what: string): string {
  const raw = rawText(reader, where, path, value, what).trim();
  if (raw === '') reader.fail(where, path, `${what} is empty`);
  return raw;
}

/** Separators keep their spaces: `join: ", "` means comma and space. */
function rawText(reader: MappingReader, where: MappingLocation, path: Path, value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return reader.fail(where, path, `${what} must be text, not ${Array.isArray(value) ? 'a list' : value === null ? 'empty' : typeof value}`);
}

function readBoolean(reader: MappingReader, where: MappingLocation, path: Path, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  return reader.fail(where, path, '`required` must be true or false');
}

function isData(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(reader: MappingReader, where: MappingLocation): string {
  return new MappingError({ fileName: reader.fileName, ...where }, '').message.replace(/: $/, '');
}

function suggestSchema(name: string): string {
  const lower = name.toLowerCase();
  const match = Object.keys(model.schemata).find((candidate) => candidate.toLowerCase() === lower);
  return match === undefined ? '' : ` (did you mean ${match}?)`;
}

function suggestProperty(schema: Schema, name: string): string {
  const lower = name.toLowerCase();
  const match = [...schema.getProperties().keys()].find((candidate) => candidate.toLowerCase() === lower);
  return match === undefined ? '' : ` (did you mean ${match}?)`;
}
