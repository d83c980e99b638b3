import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { authorizeCase } from '../access/authorize.js';
import { decideReads } from '../access/read-access.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { Invalid, NotFound } from '../errors.js';
import { buildEdges } from './edges.js';
import { auditedSubjects } from './limits.js';
import { loadEdgeRows } from './load-edges.js';
import { describeNodes } from './nodes.js';
import type { GraphEdge } from './types.js';

/** The largest chart that may be saved. */
export const CHART_LIMITS = { nodes: 20_000, edges: 100_000, bytes: 8 * 1024 * 1024 } as const;

/** A node placed on a chart: the entity's id and where it sits. Its schema and caption come from the store when read. */
export interface ChartNode {
  id: string;
  x: number;
  y: number;
  size?: number;
  color?: string;
  pinned?: boolean;
}

/** An edge drawn on a chart, between two of its nodes. */
export interface ChartEdge {
  id: string;
  source: string;
  target: string;
  type?: string;
}

/** A chart as saved: placed nodes, their edges, and the view's filters. */
export interface LinkChartInput {
  nodes: ChartNode[];
  edges: ChartEdge[];
  filters?: Record<string, unknown>;
}

/** A chart as read: what the reader may see of it now. */
export interface LinkChart {
  id: string;
  caseId: string;
  name: string;
  chart: { nodes: Array<ChartNode & { schema: string; caption: string }>; edges: GraphEdge[]; filters: Record<string, unknown> };
  /** Nodes and edges saved on the chart that the reader may not see (now): left out. */
  leftOut: { nodes: number; edges: number };
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A chart in a case's list. */
export interface LinkChartSummary {
  id: string;
  name: string;
  nodes: number;
  edges: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length < 1 || name.length > 200) throw new Invalid('a chart needs a name of 1 to 200 characters');
  return name;
}

/** Checks a chart's shape and size; Invalid names the first problem and the limits. */
export function checkChart(chart: unknown): LinkChartInput {
  if (!isRecord(chart) || !Array.isArray(chart.nodes) || !Array.isArray(chart.edges)) throw new Invalid('a chart is { nodes: [...], edges: [...], filters?: {...} }');
  if (chart.nodes.length > CHART_LIMITS.nodes) throw new Invalid(`a chart holds at most ${CHART_LIMITS.nodes} nodes (this one has ${chart.nodes.length})`);
  if (chart.edges.length > CHART_LIMITS.edges) throw new Invalid(`a chart holds at most ${CHART_LIMITS.edges} edges (this one has ${chart.edges.length})`);
  const bytes = Buffer.byteLength(JSON.stringify(chart), 'utf8');
  if (bytes > CHART_LIMITS.bytes) throw new Invalid(`a chart is at most ${CHART_LIMITS.bytes / 1024 / 1024} MB of JSON (this one is ${(bytes / 1024 / 1024).toFixed(1)} MB)`);
  const ids = new Set<string>();
  const nodes: ChartNode[] = chart.nodes.map((node: unknown, i: number) => {
    if (!isRecord(node) || typeof node.id !== 'string' || node.id === '' || node.id.length > 200) throw new Invalid(`chart node ${i} needs an id (an entity id)`);
    if (typeof node.x !== 'number' || typeof node.y !== 'number' || !Number.isFinite(node.x) || !Number.isFinite(node.y)) throw new Invalid(`chart node ${node.id} needs numbers x and y`);
    if (ids.has(node.id)) throw new Invalid(`chart node ${node.id} is there twice`);
    ids.add(node.id);
    const placed: ChartNode = { id: node.id, x: node.x, y: node.y };
    if (typeof node.size === 'number' && Number.isFinite(node.size)) placed.size = node.size;
    if (typeof node.color === 'string' && node.color.length <= 32) placed.color = node.color;
    if (typeof node.pinned === 'boolean') placed.pinned = node.pinned;
    return placed;
  });
  const edges: ChartEdge[] = chart.edges.map((edge: unknown, i: number) => {
    if (!isRecord(edge) || typeof edge.id !== 'string' || typeof edge.source !== 'string' || typeof edge.target !== 'string') throw new Invalid(`chart edge ${i} needs an id, a source and a target`);
    if (!ids.has(edge.source) || !ids.has(edge.target)) throw new Invalid(`chart edge ${edge.id} joins a node that is not on the chart`);
    return { id: edge.id, source: edge.source, target: edge.target, ...(typeof edge.type === 'string' ? { type: edge.type } : {}) };
  });
  if (chart.filters !== undefined && !isRecord(chart.filters)) throw new Invalid('chart filters must be an object');
  return { nodes, edges, ...(chart.filters !== undefined ? { filters: chart.filters } : {}) };
}

/**
 * Saves a link chart in a case (a new one, or a new version of one by id): needs case.update.
 * Only ids, positions and the view's filters are kept; what the entities are is read again each time.
 * @example await saveLinkChart(ctx, { caseId: 'C-2026-0001', name: 'Harbour ownership', chart: { nodes: [{ id: 'p-1', x: 0, y: 0 }], edges: [] } })
 */
export async function saveLinkChart(ctx: Ctx, input: { caseId: string; id?: string | undefined; name: string; chart: unknown }): Promise<LinkChartSummary> {
  const name = checkName(input.name);
  const chart = checkChart(input.chart);
  return runWithPurpose(ctx, { action: 'chart.save', category: 'alteration' }, async (tx) => {
    await authorizeCase(tx, 'case.update', input.caseId);
    const now = tx.now();
    const stored = JSON.stringify(chart);
    let row;
    if (input.id !== undefined) {
      row = await tx.db
        .updateTable('link_charts')
        .set({ name, chart: stored, updated_at: now })
        .where('id', '=', input.id)
        .where('case_id', '=', input.caseId)
        .returning(['id', 'name', 'created_by', 'created_at', 'updated_at'])
        .executeTakeFirst();
      if (row === undefined) throw new NotFound(`chart ${input.id} not found in case ${input.caseId}`);
    } else {
      row = await tx.db
        .insertInto('link_charts')
        .values({ id: randomUUID(), case_id: input.caseId, name, chart: stored, created_by: tx.actor.userId, created_at: now, updated_at: now })
        .returning(['id', 'name', 'created_by', 'created_at', 'updated_at'])
        .executeTakeFirstOrThrow();
    }
    const summary: LinkChartSummary = { id: row.id, name: row.name, nodes: chart.nodes.length, edges: chart.edges.length, createdBy: row.created_by, createdAt: row.created_at, updatedAt: row.updated_at };
    return { value: summary, objectIds: [row.id, input.caseId], detail: { name, nodes: summary.nodes, edges: summary.edges, updated: input.id !== undefined } };
  });
}

/**
 * The link charts of a case (names and sizes), newest first: needs case.read.
 * @example const charts = await listLinkCharts(ctx, 'C-2026-0001')
 */
export async function listLinkCharts(ctx: Ctx, caseId: string): Promise<LinkChartSummary[]> {
  return runWithPurpose(ctx, { action: 'chart.list', category: 'consultation' }, async (tx) => {
    await authorizeCase(tx, 'case.read', caseId);
    const rows = await tx.db
      .selectFrom('link_charts')
      .select(['id', 'name', 'created_by', 'created_at', 'updated_at', sql<number>`jsonb_array_length(chart->'nodes')`.as('nodes'), sql<number>`jsonb_array_length(chart->'edges')`.as('edges')])
      .where('case_id', '=', caseId)
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .execute();
    const charts = rows.map((row) => ({ id: row.id, name: row.name, nodes: Number(row.nodes), edges: Number(row.edges), createdBy: row.created_by, createdAt: row.created_at, updatedAt: row.updated_at }));
    return { value: charts, objectIds: [caseId], detail: { charts: charts.length } };
  });
}

/**
 * A saved chart as the reader may see it now (unaudited; inside the caller's transaction): nodes
 * they may not see are left out with their edges, edges are those they may see between the nodes
 * left, and each node shows the reader's own view of it. The case file draws charts through it.
 */
export async function chartAsSeen(tx: Ctx, saved: LinkChartInput): Promise<{ nodes: LinkChart['chart']['nodes']; edges: GraphEdge[]; leftOut: { nodes: number; edges: number } }> {
  const access = await decideReads(tx);
  const described = await describeNodes(tx, access, saved.nodes.map((node) => node.id));
  // A saved id maps to the node the reader sees it as (its cluster may show under another id for them).
  const shownAs = new Map<string, string>();
  const nodes: LinkChart['chart']['nodes'] = [];
  for (const placed of saved.nodes) {
    const node = described.byRecord.get(placed.id);
    if (node === undefined) continue;
    shownAs.set(placed.id, node.id);
    if (nodes.some((n) => n.id === node.id)) continue;
    nodes.push({ ...placed, id: node.id, schema: node.schema, caption: node.caption });
  }
  const onChart = new Set(nodes.map((n) => n.id));
  const members = [...new Set([...described.byCanonical.entries()].filter(([, node]) => onChart.has(node.id)).flatMap(([canonical]) => described.clusters.members.get(canonical) ?? [canonical]))];
  const rows = await loadEdgeRows(tx, access, { members, direction: 'both', limit: CHART_LIMITS.edges * 4, ordered: false });
  const endsOnChart = await describeNodes(tx, access, rows.flatMap((r) => [r.self, r.other]));
  const current = await buildEdges(access, rows, endsOnChart.byRecord);
  const byId = new Map(current.map((edge) => [edge.id, edge]));
  const byEnds = new Map(current.map((edge) => [`${edge.type}\u0000${edge.source}\u0000${edge.target}`, edge]));
  const edges = new Map<string, GraphEdge>();
  for (const drawn of saved.edges) {
    const source = shownAs.get(drawn.source);
    const target = shownAs.get(drawn.target);
    if (source === undefined || target === undefined) continue;
    const edge = byId.get(drawn.id) ?? byEnds.get(`${drawn.type ?? ''}\u0000${source}\u0000${target}`) ?? byEnds.get(`${drawn.type ?? ''}\u0000${target}\u0000${source}`);
    if (edge !== undefined && onChart.has(edge.source) && onChart.has(edge.target)) edges.set(edge.id, edge);
  }
  return { nodes, edges: [...edges.values()], leftOut: { nodes: saved.nodes.length - shownAs.size, edges: saved.edges.length - edges.size } };
}

/**
 * A link chart as the reader may see it now: nodes they may not see are left out with their
 * edges, edges they may not see are left out, and each node shows the reader's own view of it.
 * @example const chart = await getLinkChart(ctx, { caseId: 'C-2026-0001', chartId: '3f9c...' })
 */
export async function getLinkChart(ctx: Ctx, input: { caseId: string; chartId: string }): Promise<LinkChart> {
  return runWithPurpose(ctx, { action: 'chart.view', category: 'consultation' }, async (tx) => {
    await authorizeCase(tx, 'case.read', input.caseId);
    const row = await tx.db.selectFrom('link_charts').selectAll().where('id', '=', input.chartId).where('case_id', '=', input.caseId).executeTakeFirst();
    if (row === undefined) throw new NotFound(`chart ${input.chartId} not found in case ${input.caseId}`);
    const saved = checkChart(typeof row.chart === 'string' ? JSON.parse(row.chart) : row.chart);
    const { nodes, edges, leftOut } = await chartAsSeen(tx, saved);
    const filters = saved.filters ?? {};
    const chart: LinkChart = {
      id: row.id,
      caseId: row.case_id,
      name: row.name,
      chart: { nodes, edges, filters },
      leftOut,
      createdBy: row.created_by,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
    const audited = auditedSubjects(nodes.map((n) => n.id));
    return { value: chart, objectIds: [row.id, input.caseId], subjectIds: audited.subjectIds, detail: { nodes: nodes.length, edges: chart.chart.edges.length, leftOut: chart.leftOut } };
  });
}
