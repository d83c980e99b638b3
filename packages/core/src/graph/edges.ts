import type { ReadAccess } from '../access/read-access.js';
import { EDGE_SPECS, edgeLabel } from './edge-model.js';
import { edgeProperties, type EdgeRow } from './load-edges.js';
import type { GraphEdge, GraphNode } from './types.js';
import { VALUE_EDGE_SCHEMATA } from './value-nodes.js';

/** Whether the edge is a relationship entity (its id is the entity's id) rather than an entity-valued property. */
export function isEdgeEntity(row: Pick<EdgeRow, 'type'>): boolean {
  return EDGE_SPECS.has(row.type) || VALUE_EDGE_SCHEMATA.has(row.type);
}

/** The two nodes an edge row joins, oriented as the edge runs; null when an end is not a node the caller sees, or both ends are one node. */
export function endsOf(row: EdgeRow, nodeOf: ReadonlyMap<string, GraphNode>): { source: GraphNode; target: GraphNode } | null {
  const self = nodeOf.get(row.self);
  const other = nodeOf.get(row.other);
  if (self === undefined || other === undefined || self.id === other.id) return null;
  return row.dir === 'in' ? { source: other, target: self } : { source: self, target: other };
}

/** The id an edge shows under: the relationship entity's id, or holder, property and target nodes for a property. */
export function edgeIdOf(row: EdgeRow, source: GraphNode, target: GraphNode): string {
  return isEdgeEntity(row) ? row.edge : `${source.id}:${row.type}:${target.id}`;
}

/**
 * Turns edge rows into edges between nodes, once each: the same property link from two records
 * of one cluster is one edge; a relationship entity with several ends gets one id per pair.
 */
export async function buildEdges(access: ReadAccess, rows: readonly EdgeRow[], nodeOf: ReadonlyMap<string, GraphNode>): Promise<GraphEdge[]> {
  return (await buildEdgesOfRows(access, rows, nodeOf)).edges;
}

/** As buildEdges, and which edge each row became. */
export async function buildEdgesOfRows(
  access: ReadAccess,
  rows: readonly EdgeRow[],
  nodeOf: ReadonlyMap<string, GraphNode>,
): Promise<{ edges: GraphEdge[]; edgeOfRow: Map<EdgeRow, GraphEdge> }> {
  const edges = new Map<string, GraphEdge>();
  const edgeOfRow = new Map<EdgeRow, GraphEdge>();
  const pairs = new Map<string, string>();
  const entityOf = new Map<string, string>();
  for (const row of rows) {
    const ends = endsOf(row, nodeOf);
    if (ends === null) continue;
    let id = edgeIdOf(row, ends.source, ends.target);
    const pair = `${ends.source.id}\u0000${ends.target.id}`;
    const known = edges.get(id);
    if (known !== undefined && pairs.get(id) !== pair) id = `${id}:${ends.source.id}:${ends.target.id}`;
    const existing = edges.get(id);
    if (existing !== undefined) {
      edgeOfRow.set(row, existing);
      continue;
    }
    pairs.set(id, pair);
    if (isEdgeEntity(row)) entityOf.set(id, row.edge);
    const edge: GraphEdge = { id, source: ends.source.id, target: ends.target.id, type: row.type, label: edgeLabel(row.type), directed: row.directed, properties: {} };
    edges.set(id, edge);
    edgeOfRow.set(row, edge);
  }
  const entityIds = [...new Set(entityOf.values())];
  const properties = await edgeProperties(access, entityIds);
  for (const [id, entity] of entityOf) {
    const edge = edges.get(id);
    if (edge !== undefined) edge.properties = properties.get(entity) ?? {};
  }
  return { edges: [...edges.values()], edgeOfRow };
}
