/** ForceAtlas2 off the main thread: the worker moves the nodes, the renderer follows the graph's position updates. */

import FA2LayoutSupervisor from 'graphology-layout-forceatlas2/worker';
import { inferSettings } from 'graphology-layout-forceatlas2';
import type { ChartGraph } from './chart-graph';

/** Runs the layout in a web worker and stops it by itself after a while, so a large chart does not spin forever. */
export class ChartLayout {
  private supervisor: FA2LayoutSupervisor | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly graph: ChartGraph) {}

  /** Whether the layout is running now. */
  isRunning(): boolean {
    return this.supervisor?.isRunning() ?? false;
  }

  /** Calls `listener` whenever the layout starts or stops. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts (or restarts) the layout for `seconds`; a chart that has grown gets settings for its new size. */
  start(seconds = 4): void {
    if (this.graph.order < 2) return;
    this.stop();
    this.supervisor?.kill();
    this.supervisor = new FA2LayoutSupervisor(this.graph, {
      settings: { ...inferSettings(this.graph), adjustSizes: false },
      getEdgeWeight: null,
    });
    this.supervisor.start();
    this.timer = setTimeout(() => this.stop(), seconds * 1000);
    this.notify();
  }

  /** Stops the layout where it is. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.supervisor?.isRunning()) {
      this.supervisor.stop();
      this.notify();
    }
  }

  /** Ends the worker for good. */
  kill(): void {
    this.stop();
    this.supervisor?.kill();
    this.supervisor = null;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
