/**
 * The link chart outside React: the graph, its renderer, the layout worker and what the user has
 * picked. React reads a snapshot that changes only when the chart's content or choices change,
 * never per frame, so panning and zooming a 10,000-node chart re-renders no component.
 */

import type { Attributes } from 'graphology-types';
import Sigma from 'sigma';
import { DEFAULT_STYLES } from 'sigma';
import { extremityArrow, pathLine, pathLoop } from 'sigma/rendering';
import { expandNode, findPaths, MAX_REQUEST_IDS, measureGraph } from './graph-api';
import type { ChartData, GraphPath } from './graph-api';
import { createChartGraph, edgeTypes, loadChartData, mergeGraphData, nodeSchemata, schemaColour, toChartData } from './chart-graph';
import type { ChartGraph, EdgeAttributes, NodeAttributes } from './chart-graph';
import { FastDrawing } from './chart-fast-drawing';
import { ChartLayout } from './chart-layout';
import { sizeByMeasure } from './chart-measures';
import type { SizeMeasure } from './chart-measures';
import { renderChartPng } from './chart-png';

/** How many connections one expansion fetches. */
export const EXPAND_PAGE = 50;

/** The longest path the path finder looks for. */
export const MAX_PATH_HOPS = 6;

/** Charts larger than this draw labels only for nodes rendered large enough to read. */
const ALL_LABELS_UP_TO = 250;

/** Charts with more edges than this hide them while the view moves. */
const EDGES_SHOWN_WHILE_MOVING = 5_000;

/** Charts with more nodes or edges than these draw edges as plain lines and, while the view moves, nodes as points (see chart-fast-drawing.ts). */
const FAST_DRAWING_NODES = 1_000;
const FAST_DRAWING_EDGES = 3_000;

/** A frame slower than this, three times running, makes smaller charts hide edges while moving too. */
const SLOW_FRAME_MS = 70;
const SLOW_FRAME_MIN_EDGES = 500;

/** A message about the last thing the chart did, for the status line. */
export type ChartStatus = { kind: 'idle' } | { kind: 'busy'; message: string } | { kind: 'info'; message: string } | { kind: 'error'; message: string };

/** The result of the last path search. */
export type PathResult = { kind: 'none' } | { kind: 'found'; paths: GraphPath[] } | { kind: 'not-found'; from: string; to: string };

/** What React shows of the chart. */
export interface ChartSnapshot {
  order: number;
  size: number;
  types: Array<{ type: string; count: number }>;
  schemata: Array<{ schema: string; count: number }>;
  hiddenTypes: ReadonlySet<string>;
  selected: string | null;
  layoutRunning: boolean;
  status: ChartStatus;
  path: PathResult;
  sizeMeasure: SizeMeasure;
  communities: boolean;
}

/** Read-only figures for browser tests and the frame-rate benchmark. */
export interface ChartProbe {
  readonly order: number;
  readonly size: number;
  readonly visibleEdges: number;
  readonly selected: string | null;
  readonly highlightedNodes: string[];
  readonly layoutRunning: boolean;
  readonly hiddenTypes: string[];
  /** Whether edges are left out while the view moves (large charts). */
  readonly edgesHiddenWhileMoving: boolean;
  /** Whether the chart draws with its cheap lines and points (large charts). */
  readonly fastDrawing: boolean;
  /** Where a node is drawn, in page coordinates, or null when it is not on the chart. */
  nodePosition(id: string): { x: number; y: number } | null;
  /** The renderer's camera, to animate in the benchmark. */
  camera(): ReturnType<Sigma['getCamera']>;
}

declare global {
  interface Window {
    __casegraphChart?: ChartProbe;
  }
}

interface NodeState {
  isSelected: boolean;
}

const COMMUNITY_COLOURS = ['#2f6fca', '#d9822b', '#2e9e6b', '#c9407a', '#7b52ab', '#1f9bb0', '#b8562d', '#6d8f1f', '#e0a100', '#5c7cfa'];

/**
 * Owns one chart: create it on a container, call its methods from the page, `subscribe` for changes, `kill` on unmount.
 *
 * @example
 * const chart = new ChartController(container);
 * await chart.expand('p-1');
 */
export class ChartController {
  readonly graph: ChartGraph = createChartGraph();
  private readonly renderer: Sigma<NodeAttributes, EdgeAttributes, Attributes, NodeState>;
  private readonly layout: ChartLayout;
  private readonly fast: FastDrawing;
  private readonly listeners = new Set<() => void>();
  private hiddenTypes = new Set<string>();
  private highlighted: { nodes: string[]; edges: string[] } = { nodes: [], edges: [] };
  private current: ChartSnapshot;
  private lastRender = 0;
  private slowFrames = 0;

  constructor(private readonly container: HTMLElement) {
    this.renderer = new Sigma<NodeAttributes, EdgeAttributes, Attributes, NodeState>(this.graph, container, {
      primitives: { edges: { paths: [pathLine(), pathLoop()], extremities: [extremityArrow()], defaultHead: 'none' } },
      customNodeState: { isSelected: false },
      styles: {
        nodes: [
          DEFAULT_STYLES.nodes,
          { whenState: 'isHighlighted', then: { labelVisibility: 'visible', depth: 'topNodes' } },
          { whenState: 'isSelected', then: { labelVisibility: 'visible', depth: 'topNodes', backdropVisibility: 'visible' } },
        ],
        edges: [
          DEFAULT_STYLES.edges,
          { whenData: { directed: true }, then: { head: 'arrow' } },
          { whenState: 'isHighlighted', then: { color: '#d0342c', size: 3 } },
        ],
      },
      settings: {
        // Sizes in screen pixels, as users read them, rather than in layout units that change with the layout.
        itemSizesReference: 'screen',
        // The drawing may be out of layout for a moment (a suspended subtree, a print preview): skip those frames.
        allowInvalidContainer: true,
        enableNodeDrag: true,
        renderEdgeLabels: false,
        labelRenderedSizeThreshold: 0,
        labelDensity: 0.5,
        hideEdgesOnMove: false,
      },
    });
    this.layout = new ChartLayout(this.graph);
    this.fast = new FastDrawing(this.renderer as unknown as Sigma, this.graph, {
      isHidden: (relation) => this.hiddenTypes.has(relation),
      highlighted: () => new Set(this.highlighted.edges),
    });
    this.current = this.snapshotNow({ kind: 'idle' }, { kind: 'none' }, 'none', false);
    this.bindEvents();
    this.exposeProbe();
  }

  /** Calls `listener` whenever the snapshot changes. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The chart as React shows it. */
  snapshot = (): ChartSnapshot => this.current;

  /** Ends the renderer and the layout worker. */
  kill(): void {
    this.layout.kill();
    this.fast.kill();
    this.renderer.kill();
    if (window.__casegraphChart) delete window.__casegraphChart;
    this.listeners.clear();
  }

  private snapshotNow(status: ChartStatus, path: PathResult, sizeMeasure: SizeMeasure, communities: boolean): ChartSnapshot {
    return {
      order: this.graph.order,
      size: this.graph.size,
      types: edgeTypes(this.graph),
      schemata: nodeSchemata(this.graph),
      hiddenTypes: new Set(this.hiddenTypes),
      selected: this.current?.selected ?? null,
      layoutRunning: this.layout.isRunning(),
      status,
      path,
      sizeMeasure,
      communities,
    };
  }

  private update(change: Partial<ChartSnapshot> & { contentChanged?: boolean } = {}): void {
    const { contentChanged, ...rest } = change;
    const base = contentChanged ? this.snapshotNow(this.current.status, this.current.path, this.current.sizeMeasure, this.current.communities) : this.current;
    this.current = { ...base, layoutRunning: this.layout.isRunning(), hiddenTypes: new Set(this.hiddenTypes), ...rest };
    for (const listener of this.listeners) listener();
  }

  private bindEvents(): void {
    this.renderer.on('clickNode', ({ node }) => this.select(node));
    this.renderer.on('clickStage', () => this.select(null));
    this.renderer.on('doubleClickNode', (payload) => {
      payload.preventSigmaDefault();
      void this.expand(payload.node);
    });
    // A node dragged while the layout runs would be pulled back at once.
    this.renderer.on('nodeDragStart', () => this.layout.stop());
    this.renderer.on('afterRender', () => this.watchFrame());
    this.layout.subscribe(() => this.update());
  }

  private exposeProbe(): void {
    const graph = this.graph;
    const hidden = (): ReadonlySet<string> => this.hiddenTypes;
    const snapshot = (): ChartSnapshot => this.current;
    const highlighted = (): string[] => this.highlighted.nodes;
    const layout = this.layout;
    const renderer = this.renderer;
    const container = this.container;
    const fast = this.fast;
    window.__casegraphChart = {
      get order() {
        return graph.order;
      },
      get size() {
        return graph.size;
      },
      get visibleEdges() {
        const types = hidden();
        let count = 0;
        graph.forEachEdge((_edge, attributes) => {
          if (!types.has(attributes.relation)) count += 1;
        });
        return count;
      },
      get selected() {
        return snapshot().selected;
      },
      get highlightedNodes() {
        return [...highlighted()];
      },
      get layoutRunning() {
        return layout.isRunning();
      },
      get hiddenTypes() {
        return [...hidden()];
      },
      get edgesHiddenWhileMoving() {
        return renderer.getSetting('hideEdgesOnMove');
      },
      get fastDrawing() {
        return fast.active;
      },
      nodePosition(id: string) {
        if (!graph.hasNode(id)) return null;
        const attributes = graph.getNodeAttributes(id);
        const point = renderer.graphToViewport({ x: attributes.x, y: attributes.y });
        const box = container.getBoundingClientRect();
        return { x: box.left + point.x, y: box.top + point.y };
      },
      camera: () => renderer.getCamera(),
    };
  }

  /**
   * Hides edges during pans and zooms once frames drawn back to back come slowly (a machine drawing
   * WebGL without a graphics card): a few arithmetic steps per frame, nothing more.
   */
  private watchFrame(): void {
    const now = performance.now();
    const gap = now - this.lastRender;
    this.lastRender = now;
    if (this.graph.size < SLOW_FRAME_MIN_EDGES || this.renderer.getSetting('hideEdgesOnMove')) return;
    // Only frames of a moving view count: they are drawn back to back, so their gap is the frame time.
    const mouse = this.renderer.getMouseCaptor();
    const moving = this.renderer.getCamera().isAnimating() || mouse.isMoving || mouse.draggedEvents > 0 || mouse.currentWheelDirection !== 0;
    if (!moving) {
      this.slowFrames = 0;
      return;
    }
    this.slowFrames = gap > SLOW_FRAME_MS ? this.slowFrames + 1 : 0;
    if (this.slowFrames >= 3) this.renderer.setSetting('hideEdgesOnMove', true);
  }

  /** Fits labels to the chart's size: every label on a small chart, only large nodes' on a big one. */
  private tuneForSize(): void {
    const big = this.graph.order > ALL_LABELS_UP_TO;
    this.renderer.setSetting('labelRenderedSizeThreshold', big ? 14 : 0);
    this.renderer.setSetting('labelDensity', big ? 0.5 : 1);
    // Past tens of thousands of edges, drawing them during a pan or zoom costs more than it shows
    // (without a graphics card, each frame of 50,000 edges takes seconds); they return when the view stops.
    if (this.graph.size > EDGES_SHOWN_WHILE_MOVING) this.renderer.setSetting('hideEdgesOnMove', true);
    this.fast.setEnabled(this.graph.order > FAST_DRAWING_NODES || this.graph.size > FAST_DRAWING_EDGES);
    this.fast.invalidateEdges();
  }

  /** Selects a node (or nothing) and shows it in the side panel. */
  select(node: string | null): void {
    const previous = this.current.selected;
    if (previous !== null && this.graph.hasNode(previous)) this.renderer.setNodeState(previous, { isSelected: false });
    if (node !== null && this.graph.hasNode(node)) this.renderer.setNodeState(node, { isSelected: true });
    this.update({ selected: node !== null && this.graph.hasNode(node) ? node : null });
  }

  /** Adds entities without connections (a search hit, a case subject) and expands the first when asked. */
  addEntities(nodes: Array<{ id: string; schema: string; caption: string }>): number {
    const added = mergeGraphData(this.graph, { nodes: nodes.map((node) => ({ ...node, ids: [node.id] })), edges: [] }, null);
    this.afterMerge(added.nodes > 0);
    return added.nodes;
  }

  /** Fetches the next page of a node's connections and merges it into the chart. */
  async expand(id: string): Promise<void> {
    if (!this.graph.hasNode(id)) return;
    const node = this.graph.getNodeAttributes(id);
    this.update({ status: { kind: 'busy', message: `Expanding ${node.label}…` } });
    const result = await expandNode({ id, offset: node.nextOffset, limit: EXPAND_PAGE });
    if (!result.ok) {
      this.update({ status: { kind: 'error', message: `${node.label} could not be expanded: ${result.error.message}` } });
      return;
    }
    const added = mergeGraphData(this.graph, result.data, id);
    if (this.graph.hasNode(id)) {
      this.graph.mergeNodeAttributes(id, { expanded: true, notShown: result.data.more.notShown, nextOffset: node.nextOffset + EXPAND_PAGE });
    }
    this.afterMerge(added.nodes > 0);
    const more = result.data.more.notShown > 0 ? ` ${result.data.more.notShown.toLocaleString('en')}${result.data.more.capped ? '+' : ''} more not shown.` : '';
    const what = added.nodes === 0 && added.edges === 0 ? `${node.label} has no connections you may see that are not on the chart already.` : `Added ${plural(added.nodes, 'entity', 'entities')} and ${plural(added.edges, 'connection', 'connections')} around ${node.label}.`;
    this.update({ contentChanged: true, status: { kind: 'info', message: `${what}${more}` } });
  }

  private afterMerge(grew: boolean): void {
    this.applyHiddenTypes();
    this.tuneForSize();
    if (grew) this.layout.start(this.graph.order > 2000 ? 8 : 3);
    this.update({ contentChanged: true });
  }

  /** Shows or hides the edges of one type (renderer state only: the graph is not rebuilt). */
  setTypeVisible(type: string, visible: boolean): void {
    if (visible) this.hiddenTypes.delete(type);
    else this.hiddenTypes.add(type);
    const keys = this.graph.filterEdges((_edge, attributes) => attributes.relation === type);
    this.renderer.setEdgesState(keys, { isHidden: !visible });
    this.fast.invalidateEdges();
    this.update();
  }

  private applyHiddenTypes(): void {
    if (this.hiddenTypes.size === 0) return;
    const keys = this.graph.filterEdges((_edge, attributes) => this.hiddenTypes.has(attributes.relation));
    this.renderer.setEdgesState(keys, { isHidden: true });
  }

  /** Starts the force-directed layout (it stops by itself after a few seconds). */
  startLayout(): void {
    this.layout.start(this.graph.order > 2000 ? 8 : 4);
  }

  /** Stops the layout where it is. */
  stopLayout(): void {
    this.layout.stop();
  }

  /** Finds the shortest paths between two entities, adds them to the chart and highlights them. */
  async findPath(from: string, to: string): Promise<void> {
    const name = (id: string): string => (this.graph.hasNode(id) ? this.graph.getNodeAttribute(id, 'label') : id);
    this.update({ status: { kind: 'busy', message: `Looking for paths between ${name(from)} and ${name(to)}…` } });
    const result = await findPaths({ from, to, maxHops: MAX_PATH_HOPS, limit: 5 });
    if (!result.ok) {
      this.update({ status: { kind: 'error', message: `The path search failed: ${result.error.message}` } });
      return;
    }
    const paths = result.data;
    if (paths.length === 0) {
      this.highlight([], []);
      this.update({ path: { kind: 'not-found', from: name(from), to: name(to) }, status: { kind: 'info', message: `No path within ${MAX_PATH_HOPS} hops between ${name(from)} and ${name(to)} that you may see.` } });
      return;
    }
    let grew = false;
    for (const path of paths) grew = mergeGraphData(this.graph, path, from).nodes > 0 || grew;
    this.afterMerge(grew);
    this.highlight(
      paths.flatMap((path) => path.nodes.map((node) => node.id)),
      paths.flatMap((path) => path.edges.map((edge) => edge.id)),
    );
    const shortest = Math.min(...paths.map((path) => path.edges.length));
    this.update({ contentChanged: true, path: { kind: 'found', paths }, status: { kind: 'info', message: `${plural(paths.length, 'path', 'paths')} found; the shortest has ${plural(shortest, 'hop', 'hops')}.` } });
  }

  /** Clears the path highlight. */
  clearPath(): void {
    this.highlight([], []);
    this.update({ path: { kind: 'none' } });
  }

  private highlight(nodes: string[], edges: string[]): void {
    this.renderer.setNodesState(this.highlighted.nodes.filter((id) => this.graph.hasNode(id)), { isHighlighted: false });
    this.renderer.setEdgesState(this.highlighted.edges.filter((id) => this.graph.hasEdge(id)), { isHighlighted: false });
    const presentNodes = [...new Set(nodes)].filter((id) => this.graph.hasNode(id));
    const presentEdges = [...new Set(edges)].filter((id) => this.graph.hasEdge(id));
    this.renderer.setNodesState(presentNodes, { isHighlighted: true });
    this.renderer.setEdgesState(presentEdges, { isHighlighted: true });
    this.highlighted = { nodes: presentNodes, edges: presentEdges };
    this.fast.invalidateEdges();
  }

  /** Sizes nodes by a centrality measure of the chart as it stands. */
  setSizeMeasure(measure: SizeMeasure): void {
    const outcome = sizeByMeasure(this.graph, measure);
    if (outcome.applied) this.update({ sizeMeasure: measure, status: measure === 'none' ? { kind: 'idle' } : { kind: 'info', message: `Nodes are sized by ${measureName(measure)}.` } });
    else this.update({ status: { kind: 'error', message: outcome.reason } });
  }

  /** Colours nodes by the community the server finds for them (Louvain), or back by schema. */
  async setCommunities(on: boolean): Promise<void> {
    if (!on) {
      this.graph.updateEachNodeAttributes((_node, attributes) => ({ ...attributes, color: schemaColour(attributes.schema) }), { attributes: ['color'] });
      this.update({ communities: false, status: { kind: 'idle' } });
      return;
    }
    if (this.graph.order > MAX_REQUEST_IDS) {
      this.update({ communities: false, status: { kind: 'error', message: `Communities are found for charts of up to ${MAX_REQUEST_IDS.toLocaleString('en')} entities; this one has ${this.graph.order.toLocaleString('en')}.` } });
      return;
    }
    this.update({ status: { kind: 'busy', message: 'Finding communities…' } });
    const result = await measureGraph({ ids: this.graph.nodes(), hops: 1 });
    if (!result.ok) {
      this.update({ communities: false, status: { kind: 'error', message: `Communities could not be computed: ${result.error.message}` } });
      return;
    }
    const measures = result.data;
    this.graph.updateEachNodeAttributes(
      (node, attributes) => {
        const community = measures.get(node)?.community;
        return { ...attributes, color: community === undefined ? '#c3c9d2' : (COMMUNITY_COLOURS[community % COMMUNITY_COLOURS.length] ?? '#7a8594') };
      },
      { attributes: ['color'] },
    );
    const count = new Set([...measures.values()].map((m) => m.community)).size;
    this.update({ communities: true, status: { kind: 'info', message: `Colours show ${plural(count, 'community', 'communities')}.` } });
  }

  /** The chart as drawn, for saving. */
  chartData(): ChartData {
    return toChartData(this.graph, this.hiddenTypes);
  }

  /** Replaces the chart with a saved drawing (a case's chart or a file). */
  load(data: ChartData): void {
    this.layout.kill();
    this.highlighted = { nodes: [], edges: [] };
    this.current = { ...this.current, selected: null };
    loadChartData(this.graph, data);
    this.renderer.setSetting('hideEdgesOnMove', false);
    this.slowFrames = 0;
    this.hiddenTypes = new Set(data.filters.hiddenTypes);
    this.applyHiddenTypes();
    this.tuneForSize();
    this.renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
    this.update({ contentChanged: true, selected: null, path: { kind: 'none' }, sizeMeasure: 'none', communities: false, status: { kind: 'info', message: `Opened a chart of ${plural(this.graph.order, 'entity', 'entities')} and ${plural(this.graph.size, 'connection', 'connections')}.` } });
  }

  /** Sets a status message from the page (saving, exporting). */
  setStatus(status: ChartStatus): void {
    this.update({ status });
  }

  /** The chart's current view as a PNG. */
  png(): Promise<Blob> {
    return renderChartPng(this.renderer, this.graph);
  }

  /** The connections of a node, counted by type, for the side panel. */
  connectionsOf(id: string): Array<{ type: string; count: number; hidden: boolean }> {
    if (!this.graph.hasNode(id)) return [];
    const counts = new Map<string, number>();
    this.graph.forEachEdge(id, (_edge, attributes) => counts.set(attributes.relation, (counts.get(attributes.relation) ?? 0) + 1));
    return [...counts].map(([type, count]) => ({ type, count, hidden: this.hiddenTypes.has(type) })).sort((a, b) => b.count - a.count);
  }
}

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}

function measureName(measure: SizeMeasure): string {
  switch (measure) {
    case 'none':
      return 'nothing';
    case 'degree':
      return 'degree (number of connections)';
    case 'betweenness':
      return 'betweenness (how often a node lies on shortest paths)';
    case 'pagerank':
      return 'PageRank';
  }
}
