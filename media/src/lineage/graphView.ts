// Draws a laid-out lineage graph as SVG: node boxes (label, badge, layer colour, tests, Iceberg table tooltip), edges
// with arrowheads, the focus highlighted; pans with a drag and zooms with the wheel. All text goes in via textContent.
import type { LineageEdge, LineageNode } from '../../../server/src/protocol/lineage';
import {
  bestLayout, clip, edgePath, fitViewBox, layerClass, layoutLineage, nodeDetail, nodeTooltip, zoomViewBox,
  type Box, type LineageLayout,
} from './layout';

const SVG = 'http://www.w3.org/2000/svg';
/** Long enough to tell a click from the first half of a double-click. */
const CLICK_DELAY_MS = 250;
const LABEL_CHARS = 24;
const DETAIL_CHARS = 30;
/** Below this the 13 px labels drop under 10 px: a larger graph is shown around its focus instead, to pan. */
const MIN_SCALE = 0.78;

export interface GraphActions {
  open(node: LineageNode): void;
  focus(node: LineageNode): void;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, className?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (className) e.setAttribute('class', className);
  return e;
}

export class GraphView {
  readonly root: SVGSVGElement = svg('svg', {}, 'graph');
  private box: Box = { x: 0, y: 0, width: 1, height: 1 };
  private layout?: LineageLayout;
  private layouts?: { LR: LineageLayout; TB: LineageLayout };

  constructor(private readonly actions: GraphActions) {
    this.root.setAttribute('role', 'group');
    this.root.setAttribute('aria-label', 'Lineage graph');
    this.enablePanAndZoom();
  }

  /** Lays the graph out both ways and draws the one that suits the panel's shape. */
  show(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): void {
    this.layouts = { LR: layoutLineage(nodes, edges, 'LR'), TB: layoutLineage(nodes, edges, 'TB') };
    this.layout = undefined;
    this.fit();
  }

  private draw(layout: LineageLayout): void {
    this.layout = layout;
    const defs = svg('defs');
    const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z' }, 'arrowhead'));
    defs.append(marker);
    const edges = svg('g', {}, 'edges');
    for (const e of layout.edges) {
      const path = svg('path', { d: edgePath(e.points), 'marker-end': 'url(#arrow)' }, 'edge');
      path.dataset.from = e.from;
      path.dataset.to = e.to;
      edges.append(path);
    }
    const nodes = svg('g', {}, 'nodes');
    for (const p of layout.nodes) nodes.append(this.nodeBox(p.node, p.x, p.y, p.width, p.height));
    this.root.replaceChildren(defs, edges, nodes);
  }

  /** Shows the whole graph (or, when too large to read whole, the part around the focus); call when the panel resizes. */
  fit(): void {
    if (!this.layouts) return;
    const r = this.root.getBoundingClientRect();
    const viewport = { width: r.width || 800, height: r.height || 600 };
    const layout = bestLayout(this.layouts, viewport);
    if (layout !== this.layout) this.draw(layout);
    const focus = layout.nodes.find((p) => p.node.focus);
    this.setBox(fitViewBox(layout, viewport, { minScale: MIN_SCALE, focus: focus && { x: focus.x + focus.width / 2, y: focus.y + focus.height / 2 } }));
  }

  private nodeBox(node: LineageNode, x: number, y: number, width: number, height: number): SVGGElement {
    const kind = `kind-${node.kind}`;
    const g = svg('g', { transform: `translate(${x},${y})`, tabindex: 0, role: 'button' }, `node ${kind} ${layerClass(node.layer)}${node.focus ? ' focus' : ''}`);
    g.dataset.id = node.id;
    g.setAttribute('aria-label', `${node.label}, ${nodeDetail(node)}`);
    const title = svg('title');
    title.textContent = nodeTooltip(node);
    const label = svg('text', { x: 14, y: 21 }, 'label');
    label.textContent = clip(node.label, LABEL_CHARS);
    const detail = svg('text', { x: 14, y: 39 }, 'detail');
    detail.textContent = clip(nodeDetail(node), DETAIL_CHARS);
    g.append(title, svg('rect', { width, height, rx: 4 }, 'box'), svg('rect', { width: 5, height, rx: 2 }, 'stripe'), label, detail);

    let timer: ReturnType<typeof setTimeout> | undefined;
    g.addEventListener('click', (e) => {
      e.stopPropagation();
      clearTimeout(timer);
      if (e.detail > 1) return;
      timer = setTimeout(() => this.actions.open(node), CLICK_DELAY_MS);
    });
    g.addEventListener('dblclick', (e) => {
      e.stopPropagation();
      clearTimeout(timer);
      this.actions.focus(node);
    });
    g.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      if (e.shiftKey) this.actions.focus(node);
      else this.actions.open(node);
    });
    return g;
  }

  private setBox(box: Box): void {
    this.box = box;
    this.root.setAttribute('viewBox', `${box.x} ${box.y} ${box.width} ${box.height}`);
  }

  /** The graph coordinates under a mouse event. */
  private pointAt(e: MouseEvent): { x: number; y: number } {
    const r = this.root.getBoundingClientRect();
    return {
      x: this.box.x + ((e.clientX - r.left) / Math.max(1, r.width)) * this.box.width,
      y: this.box.y + ((e.clientY - r.top) / Math.max(1, r.height)) * this.box.height,
    };
  }

  private enablePanAndZoom(): void {
    this.root.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.setBox(zoomViewBox(this.box, Math.exp(-e.deltaY * 0.0015), this.pointAt(e)));
    }, { passive: false });
    let drag: { x: number; y: number; box: Box } | undefined;
    this.root.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('.node')) return;
      drag = { x: e.clientX, y: e.clientY, box: this.box };
      this.root.setPointerCapture(e.pointerId);
      this.root.classList.add('panning');
    });
    this.root.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const r = this.root.getBoundingClientRect();
      const dx = ((e.clientX - drag.x) / Math.max(1, r.width)) * drag.box.width;
      const dy = ((e.clientY - drag.y) / Math.max(1, r.height)) * drag.box.height;
      this.setBox({ ...drag.box, x: drag.box.x - dx, y: drag.box.y - dy });
    });
    const end = (): void => {
      drag = undefined;
      this.root.classList.remove('panning');
    };
    this.root.addEventListener('pointerup', end);
    this.root.addEventListener('pointercancel', end);
  }
}
