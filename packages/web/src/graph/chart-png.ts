/**
 * The chart as a PNG picture of the current view. The renderer draws with WebGL and keeps no
 * readable image, so the picture is drawn again on a 2D canvas from the graph's own data.
 */

import type Sigma from 'sigma';
import type { ChartGraph } from './chart-graph';

/** What the picture needs of the renderer. */
export type ChartView = Pick<Sigma, 'getDimensions' | 'getNodeDisplayData' | 'getEdgeDisplayData' | 'graphToViewport' | 'scaleSize' | 'getNodeDisplayedLabels'>;

/** Draws what the renderer shows (visible nodes and edges, with their reduced colours and sizes) into a PNG. */
export async function renderChartPng(renderer: ChartView, graph: ChartGraph, options: { background?: string; scale?: number } = {}): Promise<Blob> {
  const { width, height } = renderer.getDimensions();
  const scale = options.scale ?? Math.min(2, window.devicePixelRatio || 1);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw the picture.');
  context.scale(scale, scale);
  context.fillStyle = options.background ?? '#ffffff';
  context.fillRect(0, 0, width, height);

  const screen = new Map<string, { x: number; y: number; r: number; color: string }>();
  graph.forEachNode((node, attributes) => {
    const display = renderer.getNodeDisplayData(node);
    if (!display || display.visibility === 'hidden') return;
    const point = renderer.graphToViewport({ x: attributes.x, y: attributes.y });
    screen.set(node, { ...point, r: Math.max(1, renderer.scaleSize(display.size)), color: display.color });
  });

  context.lineCap = 'round';
  graph.forEachEdge((edge, _attributes, source, target) => {
    const display = renderer.getEdgeDisplayData(edge);
    const from = screen.get(source);
    const to = screen.get(target);
    if (!display || display.visibility === 'hidden' || !from || !to) return;
    context.strokeStyle = display.color;
    context.globalAlpha = display.opacity ?? 1;
    context.lineWidth = Math.max(0.5, renderer.scaleSize(display.size));
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
  });
  context.globalAlpha = 1;

  for (const point of screen.values()) {
    context.fillStyle = point.color;
    context.beginPath();
    context.arc(point.x, point.y, point.r, 0, 2 * Math.PI);
    context.fill();
  }

  context.font = '12px system-ui, sans-serif';
  context.textBaseline = 'middle';
  context.fillStyle = '#1b2430';
  for (const node of renderer.getNodeDisplayedLabels()) {
    const point = screen.get(node);
    if (!point || !graph.hasNode(node)) continue;
    context.fillText(graph.getNodeAttribute(node, 'label'), point.x + point.r + 3, point.y);
  }

  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The picture could not be encoded.'))), 'image/png'));
}

/** Hands a file to the browser's download. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.rel = 'noopener';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
