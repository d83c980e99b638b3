export type { GraphEdge, GraphNode, NotShown, Subgraph } from './types.js';
export { EDGE_SCHEMATA, EDGE_SPECS, type EdgeSpec } from './edge-model.js';
export { COUNT_CAP, type Direction } from './load-edges.js';
export { expandNode, MAX_EXPAND, type ExpandInput, type Expansion } from './expand-node.js';
export { findPaths, FRONTIER_CAP, MAX_HOPS, MAX_PATHS, type GraphPath, type PathsInput, type PathsResult } from './find-paths.js';
export { graphNeighbourhood, loadNeighbourhood, NEIGHBOURHOOD_LIMITS, type NeighbourhoodInput } from './neighbourhood.js';
export { computeMeasures, graphMeasures, type GraphMeasures, type NodeMeasures } from './measures.js';
export { exportGraph, subgraphToGexf, subgraphToGraphml, type ExportInput, type GraphFile, type GraphFormat } from './export-graph.js';
export { CHART_LIMITS, checkChart, getLinkChart, listLinkCharts, saveLinkChart, type ChartEdge, type LinkChartInput, type ChartNode, type LinkChart, type LinkChartSummary } from './link-charts.js';
