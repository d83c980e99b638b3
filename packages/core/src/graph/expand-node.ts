import { decideReads } from '../access/read-access.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { Invalid } from '../errors.js';
import { checkTypes } from './edge-model.js';
import { buildEdges } from './edges.js';
import { auditedSubjects, checkId, wholeNumberIn } from './limits.js';
import { loadEdgePage, type Direction } from './load-edges.js';
import { describeNodes, requireNode } from './nodes.js';
import type { GraphNode, NotShown, Subgraph } from './types.js';

/** The most edges one expansion shows. */
export const MAX_EXPAND = 500;

/** Which edges of a node to show. */
export interface ExpandInput {
  id: string;
  types?: string[] | undefined;
  direction?: Direction | undefined;
  /** Edges per page (1 to 500, default 50). */
  limit?: number | undefined;
  offset?: number | undefined;
}

/** A node's edges, one page of them, and how many more there are by type. */
export interface Expansion extends Subgraph {
  node: GraphNode;
  /** Edges the node has for the caller, with this direction and these types (at least this many when `more.capped`). */
  total: number;
  /** Distinct records at the other ends of those edges; nodesNotShown counts those not on this page. */
  neighbours: number;
  more: NotShown & { nodesNotShown: number };
}

const DIRECTIONS: readonly Direction[] = ['out', 'in', 'both'];

/**
 * The edges of one node the caller may see, by type and direction, a page at a time, with how
 * many more edges (by type) and neighbours lie beyond the page. Purpose-bound consultation.
 * @example const page = await expandNode(ctx, { id: 'p-1', types: ['Ownership'], direction: 'out', limit: 20 })
 */
export async function expandNode(ctx: Ctx, input: ExpandInput): Promise<Expansion> {
  const id = checkId(input.id, 'id');
  const limit = wholeNumberIn(input.limit, 'limit', { min: 1, max: MAX_EXPAND, fallback: 50 });
  const offset = wholeNumberIn(input.offset, 'offset', { min: 0, max: 1_000_000, fallback: 0 });
  const direction = input.direction ?? 'both';
  if (!DIRECTIONS.includes(direction)) throw new Invalid(`direction must be out, in or both, not "${String(direction)}"`);
  const types = checkTypes(input.types);
  return runWithPurpose(ctx, { action: 'graph.expand', category: 'consultation', subjectIds: [id], readsOnly: true }, async (tx) => {
    // Access is decided on the primary; the edges and records are read on the replica if any.
    const access = await decideReads(tx, { replica: true });
    const start = await requireNode(tx, access, id);
    const query = { members: start.members, direction, types };
    const { rows, counts } = await loadEdgePage(tx, access, { ...query, limit, offset });
    const described = await describeNodes(tx, access, [...start.members, ...rows.map((row) => row.other)]);
    const edges = await buildEdges(access, rows, described.byRecord);
    const byId = new Map([...described.byCanonical.values()].map((node) => [node.id, node]));
    const nodes = new Map<string, GraphNode>([[start.node.id, start.node]]);
    for (const edge of edges) {
      for (const end of [edge.source, edge.target]) {
        const node = byId.get(end);
        if (node !== undefined) nodes.set(node.id, node);
      }
    }
    const more = notShownBeyond(counts.byType, offset, rows.map((row) => row.type));
    const shownNeighbours = new Set(rows.map((row) => row.other)).size;
    const expansion: Expansion = {
      node: start.node,
      nodes: [...nodes.values()],
      edges,
      total: counts.total,
      neighbours: counts.neighbours,
      more: { ...more, nodesNotShown: Math.max(0, counts.neighbours - shownNeighbours), ...(counts.capped ? { capped: true } : {}) },
    };
    const audited = auditedSubjects([...nodes.keys()]);
    return { value: expansion, objectIds: [id], subjectIds: audited.subjectIds, detail: { direction, types: types ?? null, limit, offset, edges: edges.length, total: counts.total, subjectsLeftOut: audited.subjectsLeftOut } };
  });
}

/**
 * What lies beyond a page of rows ordered by type: earlier pages took the first types in order,
 * this page took its own rows, the rest are not shown.
 */
function notShownBeyond(byType: ReadonlyMap<string, number>, offset: number, pageTypes: readonly string[]): NotShown {
  const shown = new Map<string, number>();
  for (const type of pageTypes) shown.set(type, (shown.get(type) ?? 0) + 1);
  let skip = offset;
  const result: Record<string, number> = {};
  let notShown = 0;
  for (const type of [...byType.keys()].sort()) {
    const count = byType.get(type) ?? 0;
    const before = Math.min(skip, count);
    skip -= before;
    const left = count - before - (shown.get(type) ?? 0);
    if (left > 0) {
      result[type] = left;
      notShown += left;
    }
  }
  return { notShown, byType: result };
}
