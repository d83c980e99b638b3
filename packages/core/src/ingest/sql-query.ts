import { Invalid } from '../errors.js';
import type { EntitySpec, MappingQuery, PropertySpec } from './mapping.js';

// FtM's SQL mappings name tables and columns; casegraph quotes each, and takes only plain names.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A table of the mapping's query, as FtM writes it: a name (optionally schema-qualified) and an alias. */
interface QueryTable {
  name: string[];
  alias: string;
}

/** One mapping query compiled against its tables: the columns it reads, and how to find them. */
export interface CompiledSqlQuery {
  query: MappingQuery;
  index: number;
  from: string;
  /** FtM's joins, as one condition; null when the query reads one table. */
  joins: string | null;
  /** The columns any of the query's entity ids is made from. */
  keys: string[];
  /** Every column the mapping reads, by the name the mapping uses, as a quoted SQL reference. */
  columns: Map<string, string>;
  select: string;
}

/** The statement reading a query's rows that meet a condition, joined as the mapping says. */
export function selectRows(c: CompiledSqlQuery, condition: string, limit: number): string {
  const where = c.joins === null ? `(${condition})` : `${c.joins} and (${condition})`;
  // A stable order, so the same question gives the same first page.
  return `select ${c.select} from ${c.from} where ${where} order by 1 limit ${limit}`;
}


/** Every row of a query, joined as the mapping says, in the order of its key columns: the same order on every read, so an import can resume by row number. */
export function selectAllRows(c: CompiledSqlQuery): string {
  const order = [...c.keys.map((k) => requireColumn(c, k)), ...[...c.columns.values()]];
  return `select ${c.select} from ${c.from}${c.joins === null ? '' : ` where ${c.joins}`} order by ${[...new Set(order)].join(', ') || '1'}`;
}

/** The columns an entity's id is made from. */
export function keyColumns(spec: EntitySpec): string[] {
  return spec.idColumn === null ? spec.keys : [spec.idColumn];
}

/** The quoted SQL reference of a column the mapping reads. */
export function requireColumn(c: CompiledSqlQuery, column: string): string {
  const ref = c.columns.get(column);
  if (ref === undefined) throw new Invalid(`column ${column} is not read by the mapping`);
  return ref;
}

/** The columns a property's values come from (none for a reference to another entity). */
export function propertyColumns(property: PropertySpec): string[] {
  return property.value.kind === 'entity' ? [] : property.value.columns;
}

/** Reads FtM's `tables` (names or `{ table, alias }`) and `joins` (`{ left, right }`) and the columns the query uses. */
export function compileSqlQuery(label: string, query: MappingQuery, index: number): CompiledSqlQuery {
  const fail = (problem: string) => new Invalid(`${label}: mapping query ${index + 1} of dataset "${query.dataset}": ${problem}`);
  const rawTables = Array.isArray(query.source.tables) ? (query.source.tables as unknown[]) : query.source.tables == null ? [] : [query.source.tables];
  if (rawTables.length === 0) throw fail('reading a database needs `tables:` naming the tables to read');
  const tables: QueryTable[] = rawTables.map((raw) => {
    const data = typeof raw === 'string' ? { table: raw } : (raw as { table?: unknown; alias?: unknown });
    if (typeof data !== 'object' || data === null || typeof data.table !== 'string') throw fail('each table is a name or `{ table, alias }`');
    const name = data.table.split('.');
    if (name.length > 2 || !name.every((part) => IDENTIFIER.test(part))) throw fail(`"${data.table}" is not a usable table name`);
    const alias = typeof data.alias === 'string' ? data.alias : (name.at(-1) as string);
    if (!IDENTIFIER.test(alias)) throw fail(`"${alias}" is not a usable table alias`);
    return { name, alias };
  });
  const quote = (identifier: string) => `"${identifier}"`;
  const resolve = (ref: string): string => {
    const parts = ref.split('.');
    if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) throw fail(`"${ref}" is not a usable column name`);
    if (parts.length === 2) {
      const [alias, column] = parts as [string, string];
      if (!tables.some((t) => t.alias === alias)) throw fail(`column "${ref}" names table "${alias}", which the query does not read`);
      return `${quote(alias)}.${quote(column)}`;
    }
    const [column] = parts as [string];
    return tables.length === 1 ? `${quote((tables[0] as QueryTable).alias)}.${quote(column)}` : quote(column);
  };
  const rawJoins = Array.isArray(query.source.joins) ? (query.source.joins as unknown[]) : [];
  const joins = rawJoins.map((raw) => {
    const join = raw as { left?: unknown; right?: unknown };
    if (typeof join !== 'object' || join === null || typeof join.left !== 'string' || typeof join.right !== 'string') throw fail('each join is `{ left: table.column, right: table.column }`');
    return `${resolve(join.left)} = ${resolve(join.right)}`;
  });
  const from = tables.map((t) => `${t.name.map(quote).join('.')} as ${quote(t.alias)}`).join(', ');
  const used = new Set<string>();
  for (const spec of query.entities) {
    for (const column of keyColumns(spec)) used.add(column);
    for (const property of spec.properties) for (const column of propertyColumns(property)) used.add(column);
  }
  for (const filter of [...query.filters, ...query.filtersNot]) used.add(filter.column);
  const columns = new Map<string, string>();
  for (const column of used) columns.set(column, resolve(column));
  // Cells come back under the names the mapping uses, as text, so mapRow reads them as it reads a CSV row.
  const select = [...columns].map(([name, ref]) => `(${ref})::text as "${name.replace(/"/g, '""')}"`).join(', ') || '1';
  const keys = [...new Set(query.entities.flatMap(keyColumns))];
  return { query, index, keys, from, joins: joins.length > 0 ? joins.join(' and ') : null, columns, select };
}
