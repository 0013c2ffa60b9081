// Where each lineage node and edge goes: a left-to-right layered layout by dagre (sources left, marts right), plus the
// small pure helpers the SVG view draws with. No DOM here, so it is unit-tested.
import type * as Dagre from '@dagrejs/dagre' with { 'resolution-mode': 'import' };
import type { LineageEdge, LineageNode } from '../../../server/src/protocol/lineage';

// dagre ships ESM types only, and our TypeScript modules are CommonJS: its types come in as an import, the value through
// require (esbuild bundles it; tsx loads its CommonJS build in tests).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dagre = require('@dagrejs/dagre') as typeof Dagre;

export interface Point { x: number; y: number }
export interface Box { x: number; y: number; width: number; height: number }

/** A node with its box's top-left corner. */
export interface PlacedNode extends Box { node: LineageNode }
export interface PlacedEdge { from: string; to: string; points: Point[] }

/** Left to right (sources left, marts right) or top to bottom (for a tall, narrow panel). */
export type LayoutDirection = 'LR' | 'TB';

export interface LineageLayout {
  direction?: LayoutDirection;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 52;

/**
 * Lays the graph out left to right (or top to bottom); `heights` are the nodes expanded to their columns. Edges naming a node that is not in the graph, self-loops and
 * repeats are dropped, so a partial response from the server still draws.
 */
export function layoutLineage(nodes: readonly LineageNode[], edges: readonly LineageEdge[], direction: LayoutDirection = 'LR', heights?: ReadonlyMap<string, number>): LineageLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: direction, nodesep: direction === 'LR' ? 18 : 24, ranksep: direction === 'LR' ? 70 : 48, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const heightOf = (id: string) => heights?.get(id) ?? NODE_HEIGHT;
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: heightOf(n.id) });
  const kept: LineageEdge[] = [];
  const seen = new Set<string>();
  for (const e of edges) {
    const key = `${e.from}\n${e.to}`;
    if (e.from === e.to || seen.has(key) || !g.hasNode(e.from) || !g.hasNode(e.to)) continue;
    seen.add(key);
    kept.push(e);
    g.setEdge(e.from, e.to);
  }
  dagre.layout(g);
  const placed = nodes
    .filter((n, i) => nodes.findIndex((m) => m.id === n.id) === i)
    .map((node) => {
      const { x = 0, y = 0 } = g.node(node.id);
      return { node, x: x - NODE_WIDTH / 2, y: y - heightOf(node.id) / 2, width: NODE_WIDTH, height: heightOf(node.id) };
    });
  const placedEdges = kept.map((e) => ({ from: e.from, to: e.to, points: (g.edge(e.from, e.to).points ?? []).map((p: Point) => ({ x: p.x, y: p.y })) }));
  const graph = g.graph();
  return { direction, nodes: placed, edges: placedEdges, width: graph.width ?? 0, height: graph.height ?? 0 };
}

/** The scale at which a graph fits a viewport whole, never above 1 (small graphs keep their size). */
export function fitScale(graph: { width: number; height: number }, viewport: { width: number; height: number }): number {
  return Math.min(1, Math.max(1, viewport.width) / Math.max(1, graph.width), Math.max(1, viewport.height) / Math.max(1, graph.height));
}

/**
 * Of the left-to-right and top-to-bottom layouts, the one that shows the graph largest in this viewport (a tall,
 * narrow panel beside the editor reads better top to bottom); left to right on a tie.
 */
export function bestLayout(layouts: { LR: LineageLayout; TB: LineageLayout }, viewport: { width: number; height: number }): LineageLayout {
  return fitScale(layouts.TB, viewport) > fitScale(layouts.LR, viewport) + 0.05 ? layouts.TB : layouts.LR;
}

/** An SVG path through the edge's points: straight to the first, smooth through the rest. */
export function edgePath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const f = (n: number) => String(Math.round(n * 10) / 10);
  const [first, ...rest] = points;
  let d = `M${f(first.x)},${f(first.y)}`;
  if (rest.length === 1) return `${d} L${f(rest[0].x)},${f(rest[0].y)}`;
  // Quadratic segments through midpoints: a smooth curve that still ends exactly on the last point.
  for (let i = 0; i < rest.length - 1; i++) {
    const c = rest[i];
    const next = rest[i + 1];
    const end = i === rest.length - 2 ? next : { x: (c.x + next.x) / 2, y: (c.y + next.y) / 2 };
    d += ` Q${f(c.x)},${f(c.y)} ${f(end.x)},${f(end.y)}`;
  }
  return d;
}

/** The badge on a node: its materialization, or what it is when not a model. */
export function nodeBadge(node: LineageNode): string {
  return node.kind === 'model' ? node.materialized ?? 'model' : node.kind;
}

/** The second line of a node: badge, layer and test count. */
export function nodeDetail(node: LineageNode): string {
  const parts = [nodeBadge(node)];
  if (node.layer) parts.push(node.layer);
  if (node.tests > 0) parts.push(`${node.tests} test${node.tests === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/** The node's tooltip: the Iceberg table it reads or writes, then what a click does. */
export function nodeTooltip(node: LineageNode): string {
  const lines = [node.icebergTable ? `${node.label} → ${node.icebergTable}` : node.label];
  lines.push('Click to open, double-click to centre the lineage here');
  return lines.join('\n');
}

/** Shortens text to `max` characters with an ellipsis (SVG text does not clip itself). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** A CSS class for the node's layer; unknown layers share one neutral class. */
export function layerClass(layer: string | undefined): string {
  return layer === 'bronze' || layer === 'silver' || layer === 'gold' ? `layer-${layer}` : 'layer-none';
}

/**
 * The viewBox that shows the whole graph centred in a viewport, never magnified (small graphs keep their size,
 * large ones shrink to fit). Never below `minScale`, so text stays readable: a graph too large for that is shown
 * around `focus` (the model the lineage is centred on), the rest a drag or a scroll away.
 */
export function fitViewBox(graph: { width: number; height: number }, viewport: { width: number; height: number }, options: { minScale?: number; focus?: Point } = {}): Box {
  const vw = Math.max(1, viewport.width);
  const vh = Math.max(1, viewport.height);
  const scale = Math.max(options.minScale ?? 0, fitScale(graph, viewport));
  const width = vw / scale;
  const height = vh / scale;
  const centre = (size: number, view: number, at: number | undefined): number =>
    view >= size || at === undefined ? (size - view) / 2 : Math.min(Math.max(at - view / 2, 0), size - view);
  return { x: centre(graph.width, width, options.focus?.x), y: centre(graph.height, height, options.focus?.y), width, height };
}

/** The viewBox after zooming by `factor` (>1 zooms in) around a point given in graph coordinates. */
export function zoomViewBox(box: Box, factor: number, at: Point): Box {
  const width = box.width / factor;
  const height = box.height / factor;
  return { x: at.x - (at.x - box.x) / factor, y: at.y - (at.y - box.y) / factor, width, height };
}
