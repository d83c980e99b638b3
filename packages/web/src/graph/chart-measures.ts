/** Node sizes from centrality, computed in the browser over the chart as it stands. */

import betweennessCentrality from 'graphology-metrics/centrality/betweenness';
import { degreeCentrality } from 'graphology-metrics/centrality/degree';
import pagerank from 'graphology-metrics/centrality/pagerank';
import { NODE_SIZE } from './chart-graph';
import type { ChartGraph } from './chart-graph';

export type SizeMeasure = 'none' | 'degree' | 'betweenness' | 'pagerank';

/** Betweenness costs nodes × edges; past this many nodes the chart would freeze for seconds. */
export const BETWEENNESS_MAX_NODES = 2000;

const MIN_SIZE = 4;
const MAX_SIZE = 22;

/** Why a measure was not applied, or null when it was. */
export type SizeOutcome = { applied: true } | { applied: false; reason: string };

/**
 * Sizes every node by `measure` (square-root scale between a small and a large disc), or resets them with 'none'.
 *
 * @example
 * sizeByMeasure(graph, 'pagerank'); // the most central nodes draw largest
 */
export function sizeByMeasure(graph: ChartGraph, measure: SizeMeasure): SizeOutcome {
  if (measure === 'none') {
    graph.updateEachNodeAttributes((_node, attributes) => ({ ...attributes, size: NODE_SIZE }), { attributes: ['size'] });
    return { applied: true };
  }
  if (measure === 'betweenness' && graph.order > BETWEENNESS_MAX_NODES) {
    return { applied: false, reason: `Betweenness is computed only for charts of up to ${BETWEENNESS_MAX_NODES.toLocaleString('en')} nodes; this one has ${graph.order.toLocaleString('en')}. Use degree or PageRank.` };
  }
  let values: Record<string, number>;
  try {
    values = measureValues(graph, measure);
  } catch {
    return { applied: false, reason: 'The measure did not converge on this chart; try another.' };
  }
  let max = 0;
  for (const value of Object.values(values)) max = Math.max(max, value);
  graph.updateEachNodeAttributes(
    (node, attributes) => {
      const share = max > 0 ? Math.sqrt((values[node] ?? 0) / max) : 0;
      return { ...attributes, size: MIN_SIZE + share * (MAX_SIZE - MIN_SIZE) };
    },
    { attributes: ['size'] },
  );
  return { applied: true };
}

function measureValues(graph: ChartGraph, measure: Exclude<SizeMeasure, 'none'>): Record<string, number> {
  switch (measure) {
    case 'degree':
      return degreeCentrality(graph);
    case 'betweenness':
      return betweennessCentrality(graph);
    case 'pagerank':
      return pagerank(graph, { getEdgeWeight: null, maxIterations: 200, tolerance: 1e-6 });
  }
}
