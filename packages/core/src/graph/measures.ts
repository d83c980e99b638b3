import { UndirectedGraph } from 'graphology';
import betweennessModule from 'graphology-metrics/centrality/betweenness.js';
import pagerankModule from 'graphology-metrics/centrality/pagerank.js';
import louvainModule from 'graphology-communities-louvain';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { decideReads } from '../access/read-access.js';
import { auditedSubjects } from './limits.js';
import { checkNeighbourhood, loadNeighbourhood, type NeighbourhoodInput } from './neighbourhood.js';
import type { Subgraph } from './types.js';
import { seededRandom } from '../seeded-random.js';

// These packages are CommonJS modules that export one function: under Node's ESM loader the
// default import is that function, while their type declarations describe an ES default export.
// (Bundlers, which the web app's type-check follows, see the function itself.)
type Unwrapped<T> = T extends { default: infer D } ? D : T;
function commonJsDefault<T>(module: T): Unwrapped<T> {
  return ((module as { default?: unknown }).default ?? module) as Unwrapped<T>;
}
const betweenness = commonJsDefault(betweennessModule);
const pagerank = commonJsDefault(pagerankModule);
const louvain = commonJsDefault(louvainModule);

/** A node's measures within one subgraph. */
export interface NodeMeasures {
  /** Edges of the subgraph that touch the node. */
  degree: number;
  /** Betweenness centrality, normalised (0 to 1). */
  betweenness: number;
  pagerank: number;
  /** The Louvain community the node falls in (numbered from 0, largest first). */
  community: number;
}

/** Centrality and communities of a subgraph's nodes. */
export interface GraphMeasures {
  nodes: Record<string, NodeMeasures>;
  communities: number;
}

/**
 * Degree, betweenness, PageRank and Louvain communities of each node, over the subgraph seen
 * undirected (a link between two people counts whichever way it runs; parallel links add weight).
 * Pure, and repeatable: the community search draws from a fixed seed.
 * @example const { nodes } = computeMeasures(subgraph); nodes['p-1']?.betweenness
 */
export function computeMeasures(subgraph: Subgraph): GraphMeasures {
  const graph = new UndirectedGraph<Record<string, unknown>, { weight: number }>();
  const degree = new Map<string, number>();
  for (const node of subgraph.nodes) {
    graph.mergeNode(node.id);
    degree.set(node.id, 0);
  }
  for (const edge of subgraph.edges) {
    if (edge.source === edge.target || !graph.hasNode(edge.source) || !graph.hasNode(edge.target)) continue;
    degree.set(edge.source, (degree.get(edge.source) ?? 0) + 1);
    degree.set(edge.target, (degree.get(edge.target) ?? 0) + 1);
    const existing = graph.edge(edge.source, edge.target);
    if (existing === undefined) graph.addEdge(edge.source, edge.target, { weight: 1 });
    else graph.updateEdgeAttribute(existing, 'weight', (w) => (w ?? 0) + 1);
  }
  if (graph.order === 0) return { nodes: {}, communities: 0 };
  const between = graph.order > 2 ? betweenness(graph, { normalized: true }) : {};
  const rank = graph.size > 0 ? pagerank(graph, { getEdgeWeight: 'weight' }) : Object.fromEntries(graph.mapNodes((n) => [n, 1 / graph.order]));
  const communityOf = graph.size > 0 ? louvain(graph, { getEdgeWeight: 'weight', rng: seededRandom(0x5eed) }) : Object.fromEntries(graph.mapNodes((n, _a) => [n, graph.nodes().indexOf(n)]));
  // Number communities by size, largest first, then by their first node, so the numbers are stable.
  const members = new Map<number, string[]>();
  for (const [node, community] of Object.entries(communityOf)) members.set(community, [...(members.get(community) ?? []), node]);
  const order = [...members.entries()].sort((x, y) => y[1].length - x[1].length || (x[1].sort()[0] ?? '').localeCompare(y[1].sort()[0] ?? ''));
  const renumber = new Map(order.map(([community], index) => [community, index]));
  const nodes: Record<string, NodeMeasures> = {};
  graph.forEachNode((node) => {
    nodes[node] = {
      degree: degree.get(node) ?? 0,
      betweenness: round(between[node] ?? 0),
      pagerank: round(rank[node] ?? 0),
      community: renumber.get(communityOf[node] ?? 0) ?? 0,
    };
  });
  return { nodes, communities: members.size };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}


/**
 * The neighbourhood of some entities with each node's centrality and community.
 * Purpose-bound consultation; the audit event lists the nodes measured.
 * @example const { subgraph, measures } = await graphMeasures(ctx, { ids: ['p-1'], hops: 2 })
 */
export async function graphMeasures(ctx: Ctx, input: NeighbourhoodInput): Promise<{ subgraph: Subgraph; measures: GraphMeasures }> {
  const checked = checkNeighbourhood(input);
  return runWithPurpose(ctx, { action: 'graph.measures', category: 'consultation', subjectIds: checked.ids }, async (tx) => {
    const subgraph = await loadNeighbourhood(tx, checked, await decideReads(tx, { replica: true }));
    const measures = computeMeasures(subgraph);
    const audited = auditedSubjects(subgraph.nodes.map((node) => node.id));
    return {
      value: { subgraph, measures },
      objectIds: checked.ids,
      subjectIds: audited.subjectIds,
      detail: { hops: checked.hops, types: checked.types ?? null, nodes: subgraph.nodes.length, edges: subgraph.edges.length, communities: measures.communities, subjectsLeftOut: audited.subjectsLeftOut },
    };
  });
}
