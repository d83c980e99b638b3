export {
  MappingError,
  type Mapping,
  type MappingDataset,
  type MappingQuery,
  type MappingSource,
  type MappingLocation,
  type ColumnFilter,
  type EntitySpec,
  type PropertySpec,
  type ValueSpec,
} from './mapping.js';
export { parseMapping } from './parse-mapping.js';
export { mapRow, rowMatchesFilters, cleanRow, type MappedEntity, type RowProblem, type RowProblemKind, type MapRowOptions } from './map-row.js';
export { makeEntityKey, signEntityId, stripSignature } from './entity-id.js';
export { readCsvRows, readJsonLines, readJsonArray, detectFormat, jsonObjectToRow, type RowItem, type SourceFormat, type CsvOptions } from './read-rows.js';
export { readLines, MAX_LINE_CHARS, type LineItem } from './read-lines.js';
export { readFtmEntities, formatFtmEntity, type FtmEntity, type FtmEntityItem } from './ftm-entities.js';
export { checkValue, normalizeText, type ValueCheck } from './values.js';
export { checkIsoDate, checkDateFormat, parseDateWithFormat, type DateResult } from './dates.js';
export { importMapped, type ImportOptions, type ImportSummary, type ImportProgress, type RowFailure } from './import-mapped.js';
export { exportFtm, type ExportSummary } from './export-ftm.js';
export { readSqlRows, openPostgresSession, describeDatabase, type SqlSession } from './read-sql-rows.js';
export { compileSqlQuery, type CompiledSqlQuery } from './sql-query.js';
