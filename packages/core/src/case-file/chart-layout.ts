import { getSchema, isSchema } from '../model/ftm.js';
import type { CaseFileChart, CaseFileChartNode } from './content.js';

/** A node or edge to draw, before it is placed. */
export interface ChartInput {
  nodes: Array<{ id: string; caption: string; schema: string; subject: boolean; x?: number; y?: number }>;
  edges: Array<{ source: string; target: string; label: string }>;
  name: string | null;
  more: number;
}

// Colour-blind-safe palette (Okabe-Ito, then a few darker tones); schemata take colours in the
// order they first appear, sorted by name, so the same chart always gets the same colours.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#6A3D9A', '#8C564B', '#7F7F7F'];

const ITERATIONS = 300;

/**
 * Places a chart's nodes in the unit square and builds its legend. Positions a saved chart
 * already holds are kept (scaled into the square); otherwise a force-directed layout runs a fixed
 * number of rounds from a circle ordered by id, so the same graph is always drawn the same way.
 * @example const chart = layoutChart({ name: null, more: 0, nodes: [{ id: 'a', caption: 'A', schema: 'Person', subject: true }], edges: [] });
 */
export function layoutChart(input: ChartInput): CaseFileChart {
  const ids = new Set(input.nodes.map((n) => n.id));
  const edges = input.edges.filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target);
  const saved = input.nodes.length > 0 && input.nodes.every((n) => Number.isFinite(n.x) && Number.isFinite(n.y));
  const positions = saved
    ? new Map(input.nodes.map((n) => [n.id, { x: n.x ?? 0, y: n.y ?? 0 }]))
    : forceLayout(
        input.nodes.map((n) => n.id),
        edges,
      );
  const placed = fitToUnitSquare(positions);
  const schemata = [...new Set(input.nodes.map((n) => n.schema))].sort();
  const legend = schemata.map((schema, i) => ({ schema, label: schemaLabel(schema), colour: PALETTE[i % PALETTE.length] ?? '#7F7F7F' }));
  const nodes: CaseFileChartNode[] = input.nodes.map((n) => {
    const at = placed.get(n.id) ?? { x: 0.5, y: 0.5 };
    return { id: n.id, caption: n.caption, schema: n.schema, subject: n.subject, x: at.x, y: at.y };
  });
  return { name: input.name, nodes, edges, more: input.more, legend };
}

/** The colour a schema has in a chart's legend. */
export function colourOf(chart: CaseFileChart, schema: string): string {
  return chart.legend.find((entry) => entry.schema === schema)?.colour ?? '#7F7F7F';
}

function schemaLabel(schema: string): string {
  return isSchema(schema) ? getSchema(schema).label : schema;
}

/** Fruchterman-Reingold in a square of side 1, cooling linearly; deterministic. */
function forceLayout(ids: readonly string[], edges: ReadonlyArray<{ source: string; target: string }>): Map<string, { x: number; y: number }> {
  const order = [...ids].sort();
  const n = order.length;
  const index = new Map(order.map((id, i) => [id, i]));
  const xs = order.map((_, i) => 0.5 + 0.4 * Math.cos((2 * Math.PI * i) / Math.max(n, 1)));
  const ys = order.map((_, i) => 0.5 + 0.4 * Math.sin((2 * Math.PI * i) / Math.max(n, 1)));
  if (n > 1) {
    const k = Math.sqrt(1 / n);
    const links = edges.map((e) => [index.get(e.source) ?? 0, index.get(e.target) ?? 0] as const);
    for (let round = 0; round < ITERATIONS; round++) {
      const temperature = 0.1 * (1 - round / ITERATIONS);
      const dx = new Array<number>(n).fill(0);
      const dy = new Array<number>(n).fill(0);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let ox = (xs[i] ?? 0) - (xs[j] ?? 0);
          let oy = (ys[i] ?? 0) - (ys[j] ?? 0);
          let d = Math.hypot(ox, oy);
          if (d < 1e-6) {
            // Two nodes on one spot are pushed apart along a direction fixed by their indices.
            ox = Math.cos(i + j);
            oy = Math.sin(i + j);
            d = 1e-3;
          }
          const force = (k * k) / d;
          dx[i] = (dx[i] ?? 0) + (ox / d) * force;
          dy[i] = (dy[i] ?? 0) + (oy / d) * force;
          dx[j] = (dx[j] ?? 0) - (ox / d) * force;
          dy[j] = (dy[j] ?? 0) - (oy / d) * force;
        }
      }
      for (const [a, b] of links) {
        const ox = (xs[a] ?? 0) - (xs[b] ?? 0);
        const oy = (ys[a] ?? 0) - (ys[b] ?? 0);
        const d = Math.max(Math.hypot(ox, oy), 1e-6);
        const force = (d * d) / k;
        dx[a] = (dx[a] ?? 0) - (ox / d) * force;
        dy[a] = (dy[a] ?? 0) - (oy / d) * force;
        dx[b] = (dx[b] ?? 0) + (ox / d) * force;
        dy[b] = (dy[b] ?? 0) + (oy / d) * force;
      }
      for (let i = 0; i < n; i++) {
        // A weak pull to the centre keeps parts that are not connected from drifting apart.
        dx[i] = (dx[i] ?? 0) + (0.5 - (xs[i] ?? 0)) * k;
        dy[i] = (dy[i] ?? 0) + (0.5 - (ys[i] ?? 0)) * k;
        const d = Math.max(Math.hypot(dx[i] ?? 0, dy[i] ?? 0), 1e-9);
        const step = Math.min(d, temperature);
        xs[i] = (xs[i] ?? 0) + ((dx[i] ?? 0) / d) * step;
        ys[i] = (ys[i] ?? 0) + ((dy[i] ?? 0) / d) * step;
      }
    }
  }
  return new Map(order.map((id, i) => [id, { x: xs[i] ?? 0.5, y: ys[i] ?? 0.5 }]));
}

/** Scales positions into [0, 1] on both axes, keeping the aspect ratio; one node sits in the middle. */
function fitToUnitSquare(positions: ReadonlyMap<string, { x: number; y: number }>): Map<string, { x: number; y: number }> {
  const all = [...positions.values()];
  if (all.length === 0) return new Map();
  const minX = Math.min(...all.map((p) => p.x));
  const maxX = Math.max(...all.map((p) => p.x));
  const minY = Math.min(...all.map((p) => p.y));
  const maxY = Math.max(...all.map((p) => p.y));
  const span = Math.max(maxX - minX, maxY - minY);
  const out = new Map<string, { x: number; y: number }>();
  for (const [id, p] of positions) {
    if (span < 1e-9) out.set(id, { x: 0.5, y: 0.5 });
    else out.set(id, { x: 0.5 + (p.x - (minX + maxX) / 2) / span, y: 0.5 + (p.y - (minY + maxY) / 2) / span });
  }
  return out;
}
