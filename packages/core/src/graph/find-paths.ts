import { decideReads, type ReadAccess } from '../access/read-access.js';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { Invalid } from '../errors.js';
import { checkTypes } from './edge-model.js';
import { buildEdgesOfRows } from './edges.js';
import { auditedSubjects, checkId, wholeNumberIn } from './limits.js';
import { loadEdgeRows, type EdgeRow } from './load-edges.js';
import { clustersOf, describeNodes, requireNode } from './nodes.js';
import type { GraphEdge, GraphNode } from './types.js';

/** The longest path searched for. */
export const MAX_HOPS = 6;
/** The most paths one search returns. */
export const MAX_PATHS = 20;
/** The most edges read from one frontier of the search: a very busy node cannot blow it up. */
export const FRONTIER_CAP = 5000;

/** Between which two entities, how far, how many paths, over which edge types. */
export interface PathsInput {
  from: string;
  to: string;
  /** 1 to 6, default 6. */
  maxHops?: number | undefined;
  /** Paths, 1 to 20, default 5. */
  limit?: number | undefined;
  types?: string[] | undefined;
}

/** One path: its nodes from start to end, and the edge between each two. */
export interface GraphPath {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The shortest paths found, their length in hops, and whether a frontier cap cut the search short. */
export interface PathsResult {
  paths: GraphPath[];
  /** Hops of the paths found; null when none was found within maxHops. */
  hops: number | null;
  /** True when some frontier had more edges than the search reads: a path through a very busy node may be missing. */
  capped: boolean;
}

interface Side {
  depth: Map<string, number>;
  /** For each node, the nodes one step closer to this side's start, and the edge row joining them. */
  parents: Map<string, Array<{ node: string; row: EdgeRow }>>;
  frontier: string[];
  level: number;
}

/**
 * The shortest paths between two entities over the edges the caller may see: a bidirectional
 * breadth-first search, each frontier read in SQL under the caller's access conditions and capped
 * in size. Unknown and hidden ends get the same NotFound. Purpose-bound consultation.
 * @example const { paths } = await findPaths(ctx, { from: 'p-1', to: 'c-9', maxHops: 4 })
 */
export async function findPaths(ctx: Ctx, input: PathsInput): Promise<PathsResult> {
  const from = checkId(input.from, 'from');
  const to = checkId(input.to, 'to');
  const maxHops = wholeNumberIn(input.maxHops, 'maxHops', { min: 1, max: MAX_HOPS, fallback: MAX_HOPS });
  const limit = wholeNumberIn(input.limit, 'limit', { min: 1, max: MAX_PATHS, fallback: 5 });
  const types = checkTypes(input.types);
  if (from === to) throw new Invalid('from and to are the same entity: give two different ones');
  return runWithPurpose(ctx, { action: 'graph.paths', category: 'consultation', subjectIds: [from, to] }, async (tx) => {
    // Access is decided on the primary; the edges and records are read on the replica if any.
    const access = await decideReads(tx, { replica: true });
    const start = await requireNode(tx, access, from);
    const end = await requireNode(tx, access, to);
    if (start.canonical === end.canonical) throw new Invalid(`${from} and ${to} are records of the same entity`);
    const search = await searchPaths(tx, access, start.canonical, end.canonical, { maxHops, limit, types });
    const rows = search.paths.flat();
    const described = await describeNodes(tx, access, rows.flatMap((row) => [row.self, row.other]));
    const { edgeOfRow } = await buildEdgesOfRows(access, rows, described.byRecord);
    const paths: GraphPath[] = [];
    for (const path of search.paths) {
      const nodes: GraphNode[] = [];
      const edges: GraphEdge[] = [];
      const first = described.byCanonical.get(start.canonical);
      if (first === undefined) continue;
      let current: GraphNode = first;
      nodes.push(current);
      for (const row of path) {
        const a = described.byRecord.get(row.self);
        const b = described.byRecord.get(row.other);
        const next: GraphNode | undefined = a?.id === current.id ? b : a;
        const edge = edgeOfRow.get(row);
        if (next === undefined || edge === undefined) break;
        nodes.push(next);
        edges.push(edge);
        current = next;
      }
      if (edges.length === path.length) paths.push({ nodes, edges });
    }
    const audited = auditedSubjects(paths.flatMap((p) => p.nodes.map((n) => n.id)));
    return {
      value: { paths, hops: paths.length > 0 ? search.hops : null, capped: search.capped },
      objectIds: [from, to],
      subjectIds: audited.subjectIds,
      detail: { maxHops, limit, types: types ?? null, paths: paths.length, hops: search.hops, capped: search.capped },
    };
  });
}

/** The breadth-first search itself, over canonical ids; answers each path as its edge rows from start to end. */
async function searchPaths(
  tx: Ctx,
  access: ReadAccess,
  from: string,
  to: string,
  options: { maxHops: number; limit: number; types: string[] | undefined },
): Promise<{ paths: EdgeRow[][]; hops: number | null; capped: boolean }> {
  const a: Side = { depth: new Map([[from, 0]]), parents: new Map(), frontier: [from], level: 0 };
  const b: Side = { depth: new Map([[to, 0]]), parents: new Map(), frontier: [to], level: 0 };
  let capped = false;
  while (a.level + b.level < options.maxHops && a.frontier.length > 0 && b.frontier.length > 0) {
    const side = a.frontier.length <= b.frontier.length ? a : b;
    const other = side === a ? b : a;
    const found = await expandFrontier(tx, access, side, options.types);
    capped ||= found.capped;
    const meeting = found.added.filter((node) => other.depth.has(node));
    if (meeting.length > 0) {
      const hops = Math.min(...meeting.map((node) => (a.depth.get(node) ?? 0) + (b.depth.get(node) ?? 0)));
      const through = meeting.filter((node) => (a.depth.get(node) ?? 0) + (b.depth.get(node) ?? 0) === hops).sort();
      const paths: EdgeRow[][] = [];
      for (const node of through) {
        for (const head of walkBack(a, node, options.limit)) {
          for (const tail of walkBack(b, node, options.limit)) {
            if (paths.length >= options.limit) break;
            paths.push([...head, ...tail.reverse()]);
          }
        }
      }
      return { paths: paths.slice(0, options.limit), hops, capped };
    }
  }
  return { paths: [], hops: null, capped };
}

/** Reads the edges of one side's frontier and adds the next level of nodes, with every parent at the level before. */
async function expandFrontier(tx: Ctx, access: ReadAccess, side: Side, types: string[] | undefined): Promise<{ added: string[]; capped: boolean }> {
  const frontierClusters = await clustersOf(tx, side.frontier);
  const members = side.frontier.flatMap((node) => frontierClusters.members.get(node) ?? [node]);
  const rows = await loadEdgeRows(tx, access, { members, direction: 'both', types, limit: FRONTIER_CAP + 1, ordered: false });
  const capped = rows.length > FRONTIER_CAP;
  const used = rows.slice(0, FRONTIER_CAP);
  const clusters = await clustersOf(tx, used.flatMap((row) => [row.self, row.other]));
  const level = side.level + 1;
  const added: string[] = [];
  for (const row of used.sort((x, y) => x.edge.localeCompare(y.edge) || x.other.localeCompare(y.other))) {
    const here = clusters.canonical.get(row.self) ?? row.self;
    const there = clusters.canonical.get(row.other) ?? row.other;
    if (here === there) continue;
    const known = side.depth.get(there);
    if (known === undefined) {
      side.depth.set(there, level);
      added.push(there);
    } else if (known !== level) continue;
    const parents = side.parents.get(there) ?? [];
    side.parents.set(there, parents);
    if (!parents.some((p) => p.node === here && p.row.edge === row.edge)) parents.push({ node: here, row });
  }
  side.frontier = added;
  side.level = level;
  return { added, capped };
}

/** Up to `limit` chains of edge rows from a side's start to this node, in walking order from the start. */
function walkBack(side: Side, node: string, limit: number): EdgeRow[][] {
  const depth = side.depth.get(node) ?? 0;
  if (depth === 0) return [[]];
  const chains: EdgeRow[][] = [];
  for (const parent of side.parents.get(node) ?? []) {
    for (const chain of walkBack(side, parent.node, limit)) {
      if (chains.length >= limit) return chains;
      chains.push([...chain, parent.row]);
    }
  }
  return chains;
}
