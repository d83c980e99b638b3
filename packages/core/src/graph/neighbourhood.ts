import { decideReads, type ReadAccess } from '../access/read-access.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { Invalid } from '../errors.js';
import { checkTypes } from './edge-model.js';
import { buildEdges, endsOf } from './edges.js';
import { auditedSubjects, checkId, wholeNumberIn } from './limits.js';
import { countEdges, loadEdgeRows, type EdgeRow } from './load-edges.js';
import { clustersOf, describeNodes, requireNode } from './nodes.js';
import type { GraphNode, Subgraph } from './types.js';

/** The most start nodes, hops and nodes of one neighbourhood. */
export const NEIGHBOURHOOD_LIMITS = { ids: 50, hops: 3, nodes: 2000 } as const;
// Edges read per hop, whatever the node limit: past it they are counted, not read.
const ROWS_PER_HOP = 20_000;

/** Around which entities, how far, over which edge types, up to how many nodes. */
export interface NeighbourhoodInput {
  ids: string[];
  /** 1 to 3, default 1. */
  hops?: number | undefined;
  types?: string[] | undefined;
  /** Nodes, 1 to 2000, default 500. */
  limit?: number | undefined;
}

/** A neighbourhood request with its limits checked (before any query runs). */
export interface CheckedNeighbourhood {
  ids: string[];
  hops: number;
  types: string[] | undefined;
  limit: number;
}

/** Checks a neighbourhood request; Invalid names the limit broken. */
export function checkNeighbourhood(input: NeighbourhoodInput): CheckedNeighbourhood {
  if (!Array.isArray(input.ids) || input.ids.length === 0 || input.ids.length > NEIGHBOURHOOD_LIMITS.ids) throw new Invalid(`ids must list 1 to ${NEIGHBOURHOOD_LIMITS.ids} entity ids`);
  const ids = [...new Set(input.ids.map((id) => checkId(id, 'each id')))];
  const hops = wholeNumberIn(input.hops, 'hops', { min: 1, max: NEIGHBOURHOOD_LIMITS.hops, fallback: 1 });
  const limit = wholeNumberIn(input.limit, 'limit', { min: 1, max: NEIGHBOURHOOD_LIMITS.nodes, fallback: 500 });
  return { ids, hops, types: checkTypes(input.types), limit };
}

/**
 * The nodes within some hops of these entities and the edges between them, as the caller may see
 * them, up to a number of nodes; edges left out by the limit are counted by type. Unaudited: runs
 * inside the caller's purpose-bound transaction (the case file builds on it), reading there unless
 * given a decision that reads elsewhere (the graph's own use cases read on the replica).
 * @example const subgraph = await loadNeighbourhood(tx, { ids: ['p-1'], hops: 2, limit: 300 })
 */
export async function loadNeighbourhood(tx: Ctx, input: NeighbourhoodInput, decided?: ReadAccess): Promise<Subgraph> {
  const { ids, hops, types, limit } = checkNeighbourhood(input);
  const access = decided ?? (await decideReads(tx));
  const included = new Set<string>();
  let frontier: string[] = [];
  for (const id of ids) {
    const start = await requireNode(tx, access, id);
    if (!included.has(start.canonical)) frontier.push(start.canonical);
    included.add(start.canonical);
  }
  const kept: EdgeRow[] = [];
  const seenEdges = new Set<string>();
  const byType: Record<string, number> = {};
  let capped = false;
  const notShown = (type: string, n: number) => {
    if (n > 0) byType[type] = (byType[type] ?? 0) + n;
  };
  for (let hop = 0; hop <= hops && frontier.length > 0; hop++) {
    const last = hop === hops;
    const { rows, members, clusters } = await frontierEdges(tx, access, frontier, types);
    if (rows.length > ROWS_PER_HOP && !last) {
      // Past what one hop reads: the rest are counted, not read.
      const counts = await countEdges(tx, access, { members, direction: 'both', types });
      if (counts.capped) capped = true;
      const read = new Map<string, number>();
      for (const row of rows.slice(0, ROWS_PER_HOP)) read.set(row.type, (read.get(row.type) ?? 0) + 1);
      for (const [type, count] of counts.byType) notShown(type, count - (read.get(type) ?? 0));
    }
    const next: string[] = [];
    for (const row of rows.slice(0, ROWS_PER_HOP)) {
      const here = clusters.canonical.get(row.self) ?? row.self;
      const there = clusters.canonical.get(row.other) ?? row.other;
      if (here === there) continue;
      const key = `${row.edge}\u0000${[here, there].sort().join('\u0000')}`;
      if (seenEdges.has(key)) continue;
      if (!included.has(there)) {
        // Past the last hop only the edges among the nodes already in are wanted.
        if (last) continue;
        if (included.size >= limit) {
          seenEdges.add(key);
          notShown(row.type, 1);
          continue;
        }
        included.add(there);
        next.push(there);
      }
      seenEdges.add(key);
      kept.push(row);
    }
    frontier = next;
  }
  const described = await describeNodes(tx, access, kept.flatMap((row) => [row.self, row.other]).concat([...included]));
  const nodes = new Map<string, GraphNode>();
  for (const canonical of included) {
    const node = described.byCanonical.get(canonical);
    if (node !== undefined) nodes.set(node.id, node);
  }
  const edges = await buildEdges(access, kept.filter((row) => endsOf(row, described.byRecord) !== null), described.byRecord);
  const more = Object.values(byType).reduce((sum, n) => sum + n, 0);
  return { nodes: [...nodes.values()], edges, more: { notShown: more, byType, ...(capped ? { capped: true } : {}) } };
}

/** The edges around a frontier of canonical ids (every record of each cluster), as found, read once past the per-hop cap to know it was passed. */
async function frontierEdges(tx: Ctx, access: ReadAccess, frontier: readonly string[], types: string[] | undefined) {
  const frontierClusters = await clustersOf(tx, frontier);
  const members = frontier.flatMap((node) => frontierClusters.members.get(node) ?? [node]);
  const rows = await loadEdgeRows(tx, access, { members, direction: 'both', types, limit: ROWS_PER_HOP + 1, ordered: true });
  const clusters = await clustersOf(tx, rows.flatMap((row) => [row.self, row.other]));
  return { rows, members, clusters };
}

/**
 * The neighbourhood of some entities as the caller may see it, with "N more" by type.
 * Purpose-bound consultation; the audit event lists the nodes shown.
 * @example const subgraph = await graphNeighbourhood(ctx, { ids: ['p-1', 'c-2'], hops: 2, limit: 500 })
 */
export async function graphNeighbourhood(ctx: Ctx, input: NeighbourhoodInput): Promise<Subgraph> {
  const checked = checkNeighbourhood(input);
  return runWithPurpose(ctx, { action: 'graph.neighbourhood', category: 'consultation', subjectIds: checked.ids }, async (tx) => {
    const subgraph = await loadNeighbourhood(tx, checked, await decideReads(tx, { replica: true }));
    const audited = auditedSubjects(subgraph.nodes.map((node) => node.id));
    return {
      value: subgraph,
      objectIds: checked.ids,
      subjectIds: audited.subjectIds,
      detail: { hops: checked.hops, limit: checked.limit, types: checked.types ?? null, nodes: subgraph.nodes.length, edges: subgraph.edges.length, notShown: subgraph.more.notShown, subjectsLeftOut: audited.subjectsLeftOut },
    };
  });
}
