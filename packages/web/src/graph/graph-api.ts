/** Typed calls to the graph and saved-chart routes; like api.ts, every call resolves to a result and none throws. */

import { callApi, contextHeaders, errorMessage, isRecord, readJson } from '../api';
import type { ApiResult } from '../api';
import { sessionEnded } from '../session';

/** An entity on the graph, under its canonical id; `ids` are the records resolution merged into it. */
export interface GraphNode {
  id: string;
  schema: string;
  caption: string;
  ids: string[];
}

/** A connection: a relationship entity (Ownership, Payment…) or an entity-valued property. */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  type: string;
  label: string;
  directed: boolean;
  properties: Record<string, unknown>;
}

/** How many connections of an expanded node were left out, in all and by edge type. */
export interface NotShown {
  notShown: number;
  byType: Record<string, number>;
  /** Around a very busy node the server stops counting: the numbers are then lower bounds. */
  capped: boolean;
}

/** A page of an entity's connections. */
export interface Expansion {
  nodes: GraphNode[];
  edges: GraphEdge[];
  more: NotShown;
}

/** One path between two entities, as its nodes and edges in order. */
export interface GraphPath {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Centrality and community of one node, as the server computes them over the stored graph. */
export interface NodeMeasures {
  degree: number;
  betweenness: number;
  pagerank: number;
  community: number;
}

/** A node of a saved chart: where it was drawn, and what it is. */
export interface ChartNode {
  id: string;
  x: number;
  y: number;
  schema: string;
  caption: string;
  [extra: string]: unknown;
}

/** An edge of a saved chart. */
export interface ChartEdge {
  id: string;
  source: string;
  target: string;
  type: string;
  label: string;
  directed: boolean;
  [extra: string]: unknown;
}

/** What the chart shows: nodes with positions, edges, and the edge types switched off. */
export interface ChartData {
  nodes: ChartNode[];
  edges: ChartEdge[];
  filters: { hiddenTypes: string[] };
}

/** A saved chart of a case, without its drawing. */
export interface ChartSummary {
  id: string;
  name: string;
  updatedAt: string | null;
}

/** A saved chart with its drawing. */
export interface SavedChart extends ChartSummary {
  chart: ChartData;
}

/** A subject of a case, as the case lists it. */
export interface CaseSubject {
  entityId: string;
  caption: string;
  schema: string;
  category: string;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function readNode(value: unknown): GraphNode | undefined {
  if (isString(value)) return { id: value, schema: 'Thing', caption: value, ids: [value] };
  if (!isRecord(value) || !isString(value.id)) return undefined;
  return {
    id: value.id,
    schema: isString(value.schema) ? value.schema : 'Thing',
    caption: isString(value.caption) && value.caption !== '' ? value.caption : value.id,
    ids: Array.isArray(value.ids) ? value.ids.filter(isString) : [value.id],
  };
}

function readEdge(value: unknown): GraphEdge | undefined {
  if (!isRecord(value) || !isString(value.id) || !isString(value.source) || !isString(value.target)) return undefined;
  const type = isString(value.type) ? value.type : 'link';
  return {
    id: value.id,
    source: value.source,
    target: value.target,
    type,
    label: isString(value.label) ? value.label : type,
    directed: value.directed !== false,
    properties: isRecord(value.properties) ? value.properties : {},
  };
}

function readAll<T>(values: unknown, read: (value: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(values)) return undefined;
  const out: T[] = [];
  for (const value of values) {
    const item = read(value);
    if (item === undefined) return undefined;
    out.push(item);
  }
  return out;
}

function readNotShown(value: unknown): NotShown {
  if (!isRecord(value)) return { notShown: 0, byType: {}, capped: false };
  const byType: Record<string, number> = {};
  if (isRecord(value.byType)) for (const [type, count] of Object.entries(value.byType)) if (typeof count === 'number') byType[type] = count;
  return { notShown: typeof value.notShown === 'number' ? value.notShown : 0, byType, capped: value.capped === true };
}

function checkExpansion(body: unknown): Expansion | undefined {
  if (!isRecord(body)) return undefined;
  const nodes = readAll(body.nodes, readNode);
  const edges = readAll(body.edges, readEdge);
  if (!nodes || !edges) return undefined;
  // The expanded entity itself comes apart from its neighbours; it names a node first added by id alone.
  const centre = body.node === undefined ? undefined : readNode(body.node);
  if (centre && !nodes.some((node) => node.id === centre.id)) nodes.unshift(centre);
  return { nodes, edges, more: readNotShown(body.more) };
}

/** The next page of an entity's connections: `GET /api/graph/expand`. */
export function expandNode(input: { id: string; types?: string[]; direction?: 'out' | 'in' | 'both'; limit?: number; offset?: number }): Promise<ApiResult<Expansion>> {
  const params = new URLSearchParams({ id: input.id, direction: input.direction ?? 'both', limit: String(input.limit ?? 50), offset: String(input.offset ?? 0) });
  if (input.types && input.types.length > 0) params.set('types', input.types.join(','));
  return callApi(`/api/graph/expand?${params.toString()}`, checkExpansion, { withContext: true });
}

/** The shortest paths between two entities, up to `maxHops` edges long: `GET /api/graph/paths`. */
export function findPaths(input: { from: string; to: string; maxHops?: number; limit?: number }): Promise<ApiResult<GraphPath[]>> {
  const params = new URLSearchParams({ from: input.from, to: input.to, maxHops: String(input.maxHops ?? 6), limit: String(input.limit ?? 5) });
  return callApi(
    `/api/graph/paths?${params.toString()}`,
    (body) => {
      if (!isRecord(body)) return undefined;
      return readAll(body.paths, (path) => {
        if (!isRecord(path)) return undefined;
        const nodes = readAll(path.nodes, readNode);
        const edges = readAll(path.edges, readEdge);
        return nodes && edges ? { nodes, edges } : undefined;
      });
    },
    { withContext: true },
  );
}

/** The most start entities one neighbourhood, measures or export request may name (the server's limit). */
export const MAX_REQUEST_IDS = 50;

/** Centrality and community per node of the stored graph around `ids`: `POST /api/graph/measures`. */
export function measureGraph(input: { ids: string[]; hops?: number; types?: string[] }): Promise<ApiResult<Map<string, NodeMeasures>>> {
  return callApi(
    '/api/graph/measures',
    (body) => {
      if (!isRecord(body) || !isRecord(body.measures) || !isRecord(body.measures.nodes)) return undefined;
      const out = new Map<string, NodeMeasures>();
      for (const [id, item] of Object.entries(body.measures.nodes)) {
        if (!isRecord(item)) return undefined;
        const number = (key: string): number => (typeof item[key] === 'number' ? item[key] : 0);
        out.set(id, { degree: number('degree'), betweenness: number('betweenness'), pagerank: number('pagerank'), community: number('community') });
      }
      return out;
    },
    { method: 'POST', body: { ids: input.ids, hops: input.hops ?? 1, ...(input.types ? { types: input.types } : {}) }, withContext: true },
  );
}

/** A file the server sent, with the name it suggested. */
export interface DownloadedFile {
  blob: Blob;
  filename: string;
}

function filenameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  if (!match?.[1]) return fallback;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/**
 * Exports the stored graph around `ids` as GraphML or GEXF for a named recipient: `POST /api/graph/export`.
 * The server records it as a disclosure, so the recipient and reason are required.
 */
export async function exportGraph(input: { ids: string[]; hops: number; types?: string[]; format: 'graphml' | 'gexf'; recipient: string; reason: string }): Promise<ApiResult<DownloadedFile>> {
  let response: Response;
  try {
    response = await fetch('/api/graph/export', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/xml, application/json', ...contextHeaders() },
      body: JSON.stringify(input),
    });
  } catch {
    return { ok: false, error: { kind: 'network', message: 'The casegraph server could not be reached.' } };
  }
  if (!response.ok) {
    const body = await readJson(response);
    if (response.status === 401) sessionEnded();
    return { ok: false, error: { kind: 'http', status: response.status, message: errorMessage(body) ?? `The server answered ${response.status}.` } };
  }
  const blob = await response.blob();
  return { ok: true, data: { blob, filename: filenameOf(response, `link-chart.${input.format}`) } };
}

function readChartNode(value: unknown): ChartNode | undefined {
  if (!isRecord(value) || !isString(value.id)) return undefined;
  return {
    ...value,
    id: value.id,
    x: typeof value.x === 'number' ? value.x : 0,
    y: typeof value.y === 'number' ? value.y : 0,
    schema: isString(value.schema) ? value.schema : 'Thing',
    caption: isString(value.caption) ? value.caption : value.id,
  };
}

function readChartEdge(value: unknown): ChartEdge | undefined {
  const edge = readEdge(value);
  return edge && isRecord(value) ? { ...value, ...edge } : undefined;
}

/** Reads a chart drawing; also used for chart files the user opens. */
export function readChartData(value: unknown): ChartData | undefined {
  if (!isRecord(value)) return undefined;
  const nodes = readAll(value.nodes, readChartNode);
  const edges = readAll(value.edges ?? [], readChartEdge);
  if (!nodes || !edges) return undefined;
  const filters = isRecord(value.filters) && Array.isArray(value.filters.hiddenTypes) ? value.filters.hiddenTypes.filter(isString) : [];
  return { nodes, edges, filters: { hiddenTypes: filters } };
}

function readSummary(value: unknown): ChartSummary | undefined {
  if (!isRecord(value) || !isString(value.id)) return undefined;
  return { id: value.id, name: isString(value.name) ? value.name : 'Chart', updatedAt: isString(value.updatedAt) ? value.updatedAt : isString(value.createdAt) ? value.createdAt : null };
}

function readSavedChart(value: unknown): SavedChart | undefined {
  const summary = readSummary(value);
  if (!summary || !isRecord(value)) return undefined;
  const chart = readChartData(value.chart);
  return chart ? { ...summary, chart } : undefined;
}

function casePath(caseId: string): string {
  return `/api/cases/${encodeURIComponent(caseId)}`;
}

/** The charts saved to a case, newest first: `GET /api/cases/:id/charts`. */
export function listCharts(caseId: string): Promise<ApiResult<ChartSummary[]>> {
  return callApi(
    `${casePath(caseId)}/charts`,
    (body) => {
      const list = Array.isArray(body) ? body : isRecord(body) ? body.charts : undefined;
      const charts = readAll(list, readSummary);
      return charts?.sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''));
    },
    { withContext: true },
  );
}

/** One saved chart with its drawing: `GET /api/cases/:id/charts/:chartId`. */
export function getChart(caseId: string, chartId: string): Promise<ApiResult<SavedChart>> {
  return callApi(`${casePath(caseId)}/charts/${encodeURIComponent(chartId)}`, readSavedChart, { withContext: true });
}

/** Saves a new chart to a case (`POST /api/cases/:id/charts`), or replaces a saved one (`PUT …/charts/:chartId`). */
export function saveChart(caseId: string, input: { chartId: string | null; name: string; chart: ChartData }): Promise<ApiResult<ChartSummary>> {
  const body = { name: input.name, chart: input.chart };
  if (input.chartId === null) return callApi(`${casePath(caseId)}/charts`, readSummary, { method: 'POST', body, withContext: true });
  return callApi(`${casePath(caseId)}/charts/${encodeURIComponent(input.chartId)}`, readSummary, { method: 'PUT', body, withContext: true });
}

/** The subjects of a case: `GET /api/cases/:id/subjects`. */
export function listCaseSubjects(caseId: string): Promise<ApiResult<CaseSubject[]>> {
  return callApi(
    `${casePath(caseId)}/subjects`,
    (body) => {
      const list = Array.isArray(body) ? body : isRecord(body) ? body.subjects : undefined;
      return readAll(list, (value) => {
        if (!isRecord(value) || !isString(value.entityId)) return undefined;
        return {
          entityId: value.entityId,
          caption: isString(value.caption) ? value.caption : value.entityId,
          schema: isString(value.schema) ? value.schema : 'Thing',
          category: isString(value.category) ? value.category : 'other',
        };
      });
    },
    { withContext: true },
  );
}
