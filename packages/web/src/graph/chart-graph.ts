/** The link chart's graph: graphology data the renderer draws, merged from the API's answers, read from and written to chart files. */

import { MultiDirectedGraph } from 'graphology';
import type { ChartData, ChartEdge, ChartNode, GraphEdge, GraphNode } from './graph-api';

/** What the chart keeps per node; sigma reads x, y, size, color and label. */
export interface NodeAttributes {
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
  schema: string;
  /** Records merged into this entity by resolution. */
  ids: string[];
  /** How many connections the last expansion left out, and where the next page starts. */
  notShown: number;
  nextOffset: number;
  expanded: boolean;
}

/** What the chart keeps per edge; `relation` is the FtM schema or property (sigma reserves `type`). */
export interface EdgeAttributes {
  relation: string;
  label: string;
  directed: boolean;
  size: number;
  color: string;
}

export type ChartGraph = MultiDirectedGraph<NodeAttributes, EdgeAttributes>;

/** A new, empty chart graph (several edges may join the same two entities, and an entity may link to itself). */
export function createChartGraph(): ChartGraph {
  return new MultiDirectedGraph<NodeAttributes, EdgeAttributes>({ allowSelfLoops: true });
}

export const NODE_SIZE = 6;

// Distinguishable on white and dark backgrounds; the common FtM schemata get fixed colours so charts read the same everywhere.
const SCHEMA_COLOURS: Record<string, string> = {
  Person: '#2f6fca',
  Company: '#d9822b',
  Organization: '#b8562d',
  LegalEntity: '#8a6d3b',
  Address: '#2e9e6b',
  Vehicle: '#7b52ab',
  Vessel: '#5b6abf',
  BankAccount: '#c9407a',
  Phone: '#1f9bb0',
  Email: '#6d8f1f',
  Passport: '#9a5c9e',
  Identification: '#a0523d',
  RealEstate: '#4f7d3a',
  Thing: '#7a8594',
};
const SPARE_COLOURS = ['#e0a100', '#0f8b8d', '#b5495b', '#5c7cfa', '#8f6a4d', '#3d9970', '#a35fd1', '#d35400'];

/** The colour of a schema on the chart and in its legend. */
export function schemaColour(schema: string): string {
  const fixed = SCHEMA_COLOURS[schema];
  if (fixed) return fixed;
  let hash = 0;
  for (let i = 0; i < schema.length; i += 1) hash = (hash * 31 + schema.charCodeAt(i)) | 0;
  return SPARE_COLOURS[Math.abs(hash) % SPARE_COLOURS.length] ?? '#7a8594';
}

const EDGE_COLOUR = '#9aa5b4';

/** Where a new neighbour of `around` goes: on a ring around it, so the layout starts from something readable. */
function placeNear(graph: ChartGraph, around: string | null, index: number, count: number): { x: number; y: number } {
  const centre = around !== null && graph.hasNode(around) ? graph.getNodeAttributes(around) : { x: 0, y: 0 };
  const angle = (2 * Math.PI * index) / Math.max(count, 1) + Math.random() * 0.2;
  const radius = 20 + Math.random() * 10 + Math.sqrt(count) * 4;
  return { x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) };
}

/** Adds an entity if missing (placed near `around`), and returns whether it was new. */
export function mergeNode(graph: ChartGraph, node: GraphNode | ChartNode, placement: { around: string | null; index: number; count: number }): boolean {
  if (graph.hasNode(node.id)) {
    // A node added before the server described it (an id from the address) takes the server's caption and schema.
    const known = graph.getNodeAttributes(node.id);
    if (known.label !== node.caption || known.schema !== node.schema) graph.mergeNodeAttributes(node.id, { label: node.caption, schema: node.schema, color: schemaColour(node.schema) });
    return false;
  }
  const position = 'x' in node && typeof node.x === 'number' && typeof node.y === 'number' ? { x: node.x, y: node.y } : placeNear(graph, placement.around, placement.index, placement.count);
  graph.addNode(node.id, {
    ...position,
    size: NODE_SIZE,
    color: schemaColour(node.schema),
    label: node.caption,
    schema: node.schema,
    ids: Array.isArray(node.ids) ? node.ids.filter((id): id is string => typeof id === 'string') : [node.id],
    notShown: 0,
    nextOffset: 0,
    expanded: false,
  });
  return true;
}

/** Adds a connection if both ends are on the chart and it is not there yet; returns whether it was new. */
export function mergeEdge(graph: ChartGraph, edge: GraphEdge | ChartEdge): boolean {
  if (graph.hasEdge(edge.id) || !graph.hasNode(edge.source) || !graph.hasNode(edge.target)) return false;
  graph.addDirectedEdgeWithKey(edge.id, edge.source, edge.target, { relation: edge.type, label: edge.label, directed: edge.directed, size: 1, color: EDGE_COLOUR });
  return true;
}

/** Merges nodes and edges (an expansion's page, a path) into the chart; new nodes ring `around`. */
export function mergeGraphData(graph: ChartGraph, data: { nodes: Array<GraphNode | ChartNode>; edges: Array<GraphEdge | ChartEdge> }, around: string | null): { nodes: number; edges: number } {
  const freshCount = data.nodes.filter((node) => !graph.hasNode(node.id)).length;
  let nodes = 0;
  let edges = 0;
  for (const node of data.nodes) {
    if (mergeNode(graph, node, { around, index: nodes, count: freshCount })) nodes += 1;
  }
  for (const edge of data.edges) if (mergeEdge(graph, edge)) edges += 1;
  return { nodes, edges };
}

/** The edge types on the chart, with how many edges each has, most common first. */
export function edgeTypes(graph: ChartGraph): Array<{ type: string; count: number }> {
  const counts = new Map<string, number>();
  graph.forEachEdge((_edge, attributes) => counts.set(attributes.relation, (counts.get(attributes.relation) ?? 0) + 1));
  return [...counts].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}

/** The schemata on the chart, with their counts, for the legend. */
export function nodeSchemata(graph: ChartGraph): Array<{ schema: string; count: number }> {
  const counts = new Map<string, number>();
  graph.forEachNode((_node, attributes) => counts.set(attributes.schema, (counts.get(attributes.schema) ?? 0) + 1));
  return [...counts].map(([schema, count]) => ({ schema, count })).sort((a, b) => b.count - a.count || a.schema.localeCompare(b.schema));
}

/** The chart as drawn, for saving to a case or to a file. */
export function toChartData(graph: ChartGraph, hiddenTypes: ReadonlySet<string>): ChartData {
  const nodes: ChartNode[] = [];
  graph.forEachNode((id, a) => nodes.push({ id, x: round(a.x), y: round(a.y), schema: a.schema, caption: a.label, ids: a.ids }));
  const edges: ChartEdge[] = [];
  graph.forEachEdge((id, a, source, target) => edges.push({ id, source, target, type: a.relation, label: a.label, directed: a.directed }));
  return { nodes, edges, filters: { hiddenTypes: [...hiddenTypes] } };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Replaces the chart's content with a saved drawing. */
export function loadChartData(graph: ChartGraph, data: ChartData): void {
  graph.clear();
  // One import instead of node-by-node events: a 10,000-node chart loads in one pass of the renderer.
  graph.import({
    nodes: data.nodes.map((node) => ({
      key: node.id,
      attributes: {
        x: Number.isFinite(node.x) ? node.x : Math.random() * 100,
        y: Number.isFinite(node.y) ? node.y : Math.random() * 100,
        size: NODE_SIZE,
        color: schemaColour(node.schema),
        label: node.caption,
        schema: node.schema,
        ids: Array.isArray(node.ids) ? (node.ids as unknown[]).filter((id): id is string => typeof id === 'string') : [node.id],
        notShown: 0,
        nextOffset: 0,
        expanded: false,
      },
    })),
  });
  const edges = data.edges.filter((edge) => graph.hasNode(edge.source) && graph.hasNode(edge.target));
  const seen = new Set<string>();
  graph.import({
    edges: edges
      .filter((edge) => (seen.has(edge.id) ? false : (seen.add(edge.id), true)))
      .map((edge) => ({ key: edge.id, source: edge.source, target: edge.target, attributes: { relation: edge.type, label: edge.label, directed: edge.directed, size: 1, color: EDGE_COLOUR } })),
  });
}

/** Why a chart file could not be read. */
export class ChartFileError extends Error {}

function dataOf(element: Element, keys: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const data of Array.from(element.getElementsByTagName('data'))) {
    const key = data.getAttribute('key') ?? '';
    out[keys.get(key) ?? key] = data.textContent ?? '';
  }
  return out;
}

/** Reads a GraphML file, such as the server's export, into a chart drawing; positions come from x/y data when present. */
export function parseGraphml(text: string): ChartData {
  const document = new DOMParser().parseFromString(text, 'application/xml');
  if (document.getElementsByTagName('parsererror').length > 0) throw new ChartFileError('The file is not well-formed XML.');
  const graphElement = document.getElementsByTagName('graph')[0];
  if (!graphElement) throw new ChartFileError('The file has no GraphML graph in it.');
  const keys = new Map<string, string>();
  for (const key of Array.from(document.getElementsByTagName('key'))) {
    const id = key.getAttribute('id');
    if (id) keys.set(id, key.getAttribute('attr.name') ?? id);
  }
  const defaultDirected = graphElement.getAttribute('edgedefault') !== 'undirected';
  const nodes: ChartNode[] = Array.from(document.getElementsByTagName('node')).map((element, index) => {
    const id = element.getAttribute('id') ?? `n${index}`;
    const data = dataOf(element, keys);
    const x = Number(data.x);
    const y = Number(data.y);
    return { id, x: Number.isFinite(x) && data.x !== undefined ? x : Math.random() * 100, y: Number.isFinite(y) && data.y !== undefined ? y : Math.random() * 100, schema: data.schema ?? 'Thing', caption: data.caption ?? data.label ?? data.name ?? id };
  });
  const edges: ChartEdge[] = Array.from(document.getElementsByTagName('edge')).map((element, index) => {
    const data = dataOf(element, keys);
    const directedAttribute = element.getAttribute('directed');
    const type = data.type ?? data.schema ?? 'link';
    return {
      id: element.getAttribute('id') ?? `e${index}`,
      source: element.getAttribute('source') ?? '',
      target: element.getAttribute('target') ?? '',
      type,
      label: data.label ?? type,
      directed: directedAttribute === null ? defaultDirected : directedAttribute === 'true',
    };
  });
  return { nodes, edges, filters: { hiddenTypes: [] } };
}
