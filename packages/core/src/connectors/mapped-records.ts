import { getSchema, isSchema } from '../model/index.js';
import { mapRow } from '../ingest/map-row.js';
import type { Mapping, MappingQuery } from '../ingest/mapping.js';
import type { ConnectorEntity, ConnectorQuery, Provenance } from './connector.js';

/** The queries of a mapping, each with the dataset name mapRow hashes into ids, as an import does. */
export function mappingQueries(mapping: Mapping): MappingQuery[] {
  return mapping.datasets.flatMap((dataset) => dataset.queries);
}

/**
 * Turns one external record (a row of cells) into the entities its mapping query describes, with
 * the same ids an import of that record would give, each carrying its provenance. Values the
 * model refuses are dropped, as in an import.
 */
export function entitiesOfRecord(query: MappingQuery, row: Record<string, string>, provenance: Omit<Provenance, 'origin'>): ConnectorEntity[] {
  const { entities } = mapRow(query, row);
  return entities.map((entity) => ({ id: entity.id, schema: entity.schema, properties: entity.properties, provenance: { ...provenance, origin: entity.keyValues } }));
}

/** Whether an entity answers a query's schema filter (the schema itself or one that extends it). */
export function matchesSchema(entity: { schema: string }, query: ConnectorQuery): boolean {
  if (query.schema === undefined) return true;
  if (!isSchema(query.schema)) return false;
  return getSchema(entity.schema).isA(query.schema);
}
