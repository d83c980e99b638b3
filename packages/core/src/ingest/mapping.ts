import { Invalid } from '../errors.js';

/**
 * A FollowTheMoney mapping file, read and checked against the model: datasets, each with queries
 * that turn one source row into several entities.
 */
export interface Mapping {
  fileName: string | null;
  datasets: MappingDataset[];
  /** Uses of deprecated schemata or properties: allowed, but worth telling the author. */
  warnings: string[];
}

/** One top-level key of the file. Its name is FtM's key prefix and default namespace. */
export interface MappingDataset {
  name: string;
  /** Other keys of the dataset (label, summary, ...), kept as written. */
  metadata: Record<string, unknown>;
  queries: MappingQuery[];
}

/** One query: where rows come from, which rows to take, and the entities each row gives. */
export interface MappingQuery {
  dataset: string;
  /** Position of the query in its dataset, from 0, to name it in messages. */
  index: number;
  source: MappingSource;
  /** A row is taken only when every filter column holds one of the listed values. */
  filters: ColumnFilter[];
  /** A row is dropped when any of these columns holds one of the listed values. */
  filtersNot: ColumnFilter[];
  /** In dependency order: an entity comes after every entity its properties point to. */
  entities: EntitySpec[];
}

/** Where the mapping says its rows come from; casegraph is handed the file itself, so this is a record. */
export interface MappingSource {
  csvUrls: string[];
  jsonUrls: string[];
  database: string | null;
  /** FtM's SQL tables (names, or `{ table, alias }`) and joins (`{ left, right }`), as written; the SQL connector reads them. */
  tables: unknown;
  joins: unknown;
}

/** Column equals one of the values; null stands for an empty or missing cell. */
export interface ColumnFilter {
  column: string;
  values: Array<string | null>;
}

/** How one entity is made from a row. */
export interface EntitySpec {
  name: string;
  schema: string;
  /** Columns hashed into the id (FtM `key`/`keys`), in the order written. */
  keys: string[];
  keyLiteral: string | null;
  /** A column whose value is the id itself (FtM `id_column`); exclusive with keys. */
  idColumn: string | null;
  properties: PropertySpec[];
}

/** How one property gets its values. */
export interface PropertySpec {
  property: string;
  /** FtM property type name (name, date, entity, ...). */
  type: string;
  value: ValueSpec;
  /** FtM `required`: skip the entity when this property ends up empty. */
  required: boolean;
}

/** The four ways a mapping says where a property's values come from. */
export type ValueSpec =
  | {
      kind: 'values';
      /** Literals first, then column values, as FtM orders them. */
      literals: string[];
      columns: string[];
      /** Joins all values into one with this separator, before splitting. */
      join: string | null;
      split: string | null;
      /** strptime layout for date properties. */
      format: string | null;
    }
  | { kind: 'template'; template: string; columns: string[]; format: string | null }
  | { kind: 'entity'; entity: string };

/** Where in a mapping file a problem is: every part that is known. */
export interface MappingLocation {
  fileName?: string | null | undefined;
  line?: number | null | undefined;
  dataset?: string | null | undefined;
  query?: number | null | undefined;
  entity?: string | null | undefined;
  property?: string | null | undefined;
}

/** A mapping file that cannot be used; the message names the file, line, entity and property. */
export class MappingError extends Invalid {
  readonly location: MappingLocation;
  constructor(location: MappingLocation, problem: string) {
    super(`${describeLocation(location)}: ${problem}`, { ...location, problem });
    this.name = 'MappingError';
    this.location = location;
  }
}

function describeLocation(location: MappingLocation): string {
  const file = location.fileName ?? 'mapping';
  const where = location.line == null ? file : `${file}:${location.line}`;
  const parts = [where];
  if (location.dataset != null) parts.push(`dataset "${location.dataset}"`);
  if (location.query != null) parts.push(`query ${location.query + 1}`);
  if (location.entity != null) parts.push(`entity "${location.entity}"`);
  if (location.property != null) parts.push(`property "${location.property}"`);
  return parts.join(', ');
}
