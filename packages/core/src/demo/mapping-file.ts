// FollowTheMoney mapping files, declared in code against the columns of the data file they read,
// so a mapping cannot name a column its file does not have.

/** A data file a source exports: its name, format and columns in order. */
export interface DataFile<C extends string> {
  name: string;
  format: 'csv' | 'jsonl';
  columns: readonly C[];
}

/** How one FtM property gets its values from a row. */
export type PropertyMapping<C extends string> =
  | { column: C }
  | { columns: readonly C[]; join: string }
  | { literal: string }
  | { template: string }
  | { entity: string };

/** One entity made from each row: its schema, the key columns its id derives from, its properties. */
export interface EntityMapping<C extends string> {
  schema: string;
  keys: readonly C[];
  properties: Readonly<Record<string, PropertyMapping<C>>>;
}

/** One query: a data file and the entities each of its rows makes. */
export interface QueryMapping<C extends string, E extends string> {
  file: DataFile<C>;
  entities: Readonly<Record<E, EntityMapping<C>>>;
}

/** Declares a CSV file and its columns. */
export function csvFile<const C extends string>(name: string, columns: readonly C[]): DataFile<C> {
  return { name, format: 'csv', columns };
}

/** Declares a JSON-lines file and the keys its flat rows may have. */
export function jsonlFile<const C extends string>(name: string, columns: readonly C[]): DataFile<C> {
  return { name, format: 'jsonl', columns };
}

/** Declares a query over a file, checking at compile time that it names only the file's columns. */
export function query<C extends string, const E extends string>(
  file: DataFile<C>,
  entities: Record<E, EntityMapping<C>>,
): QueryMapping<C, E> {
  return { file, entities };
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const RESERVED = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);

function scalar(text: string): string {
  // JSON strings are valid YAML double-quoted scalars.
  return PLAIN.test(text) && !RESERVED.has(text.toLowerCase()) ? text : JSON.stringify(text);
}

function flowList(items: readonly string[]): string {
  return `[${items.map(scalar).join(', ')}]`;
}

function propertyText(mapping: PropertyMapping<string>): string {
  if ('column' in mapping) return `{ column: ${scalar(mapping.column)} }`;
  if ('columns' in mapping) return `{ columns: ${flowList(mapping.columns)}, join: ${JSON.stringify(mapping.join)} }`;
  if ('literal' in mapping) return `{ literal: ${JSON.stringify(mapping.literal)} }`;
  if ('template' in mapping) return `{ template: ${JSON.stringify(mapping.template)} }`;
  return `{ entity: ${scalar(mapping.entity)} }`;
}

/** Writes a mapping file the way FtM users write them by hand (block style, flow-style leaves). */
export function renderMapping(sourceId: string, queries: readonly QueryMapping<string, string>[], comment: string): string {
  const lines = [`# ${comment}`, `${scalar(sourceId)}:`, '  queries:'];
  for (const q of queries) {
    const urlKey = q.file.format === 'csv' ? 'csv_url' : 'json_url';
    lines.push(`    - ${urlKey}: ${scalar(q.file.name)}`, '      entities:');
    for (const [name, entity] of Object.entries<EntityMapping<string>>(q.entities)) {
      lines.push(`        ${scalar(name)}:`, `          schema: ${scalar(entity.schema)}`, `          keys: ${flowList(entity.keys)}`);
      const properties = Object.entries(entity.properties);
      lines.push(properties.length === 0 ? '          properties: {}' : '          properties:');
      for (const [property, mapping] of properties) {
        lines.push(`            ${scalar(property)}: ${propertyText(mapping)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
