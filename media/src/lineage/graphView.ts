// Draws a laid-out lineage graph as SVG: node boxes (label, badge, layer colour, tests, Iceberg table tooltip), edges
// with arrowheads, the focus highlighted; pans with a drag and zooms with the wheel. All text goes in via textContent.
import type { LineageEdge, LineageNode } from '../../../server/src/protocol/lineage';
import type { ColumnEdge, ColumnRef, ColumnSummary } from '../../../server/src/protocol/columnLineage';
import { COLUMN_ROW, MAX_ROWS, columnEdgePath, columnEdgePoints, columnsOnPaths, expandedHeight, isOnPath, kindMark, rowOf, rowTop } from './columns';
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
  /** Asks for the node's columns (answered with setColumns). */
  columns(node: LineageNode): void;
  /** Asks for a column's paths (answered with setPaths). */
  column(node: LineageNode, column: string): void;
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
  private nodes: readonly LineageNode[] = [];
  private edges: readonly LineageEdge[] = [];
  /** Nodes expanded to their columns, with a message row when their lineage is unknown or the request failed. */
  private readonly expanded = new Map<string, { columns: ColumnSummary[]; message?: string }>();
  /** The clicked column and its paths. */
  private highlight?: { focus: ColumnRef; edges: ColumnEdge[]; on: Set<string> };

  constructor(private readonly actions: GraphActions) {
    this.root.setAttribute('role', 'group');
    this.root.setAttribute('aria-label', 'Lineage graph');
    this.enablePanAndZoom();
  }

  /** Lays the graph out both ways and draws the one that suits the panel's shape. */
  show(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): void {
    this.nodes = nodes;
    this.edges = edges;
    this.relayout();
  }

  /** A node's columns arrived: it shows them (a message row says why their lineage is unknown). */
  setColumns(id: string, columns: ColumnSummary[], message?: string): void {
    if (!this.nodes.some((n) => n.id === id)) return;
    this.expanded.set(id, { columns, message });
    this.relayout();
  }

  /** A column's paths arrived: every node on them shows its columns, the paths drawn and highlighted. */
  setPaths(focus: ColumnRef, edges: ColumnEdge[], nodeColumns: Record<string, ColumnSummary[]>): void {
    for (const [id, columns] of Object.entries(nodeColumns)) if (this.nodes.some((n) => n.id === id)) this.expanded.set(id, { columns, message: this.expanded.get(id)?.message });
    this.highlight = { focus, edges, on: columnsOnPaths(focus, edges) };
    this.relayout();
  }

  private collapse(id: string): void {
    this.expanded.delete(id);
    if (this.highlight?.focus.node === id) this.highlight = undefined;
    this.relayout();
  }

  private relayout(): void {
    const heights = new Map([...this.expanded].map(([id, e]) => [id, expandedHeight(e.columns, e.message)]));
    this.layouts = { LR: layoutLineage(this.nodes, this.edges, 'LR', heights), TB: layoutLineage(this.nodes, this.edges, 'TB', heights) };
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
    this.root.replaceChildren(defs, edges, nodes, this.columnEdges(layout));
    this.root.classList.toggle('has-highlight', !!this.highlight);
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
    g.append(this.toggle(node, width));
    const open = this.expanded.get(node.id);
    if (open) g.append(this.columnRows(node, open.columns, open.message, width));

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

  /** The ▸/▾ button that expands a node to its columns and folds it back. */
  private toggle(node: LineageNode, width: number): SVGGElement {
    const open = this.expanded.has(node.id);
    const t = svg('g', { transform: `translate(${width - 24},6)`, tabindex: 0, role: 'button' }, 'toggle');
    t.setAttribute('aria-label', `${open ? 'Hide' : 'Show'} the columns of ${node.label}`);
    t.setAttribute('aria-expanded', String(open));
    const tip = svg('title');
    tip.textContent = open ? 'Hide columns' : 'Show columns';
    const glyph = svg('text', { x: 9, y: 14 }, 'toggle-glyph');
    glyph.textContent = open ? '▾' : '▸';
    t.append(tip, svg('rect', { width: 18, height: 20, rx: 3 }, 'toggle-box'), glyph);
    const act = (e: Event) => {
      e.stopPropagation();
      if (this.expanded.has(node.id)) this.collapse(node.id);
      else this.actions.columns(node);
    };
    t.addEventListener('click', act);
    t.addEventListener('dblclick', (e) => e.stopPropagation());
    t.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      act(e);
    });
    return t;
  }

  /** A row per column (name, type, how it comes from upstream); a click highlights the column's paths. */
  private columnRows(node: LineageNode, columns: ColumnSummary[], message: string | undefined, width: number): SVGGElement {
    const rows = svg('g', {}, 'columns');
    rows.setAttribute('role', 'list');
    const on = this.highlight?.on;
    columns.slice(0, MAX_ROWS).forEach((c, i) => {
      const focused = this.highlight?.focus.node === node.id && this.highlight.focus.column.toLowerCase() === c.name.toLowerCase();
      const cls = `column-row${on && isOnPath(on, node.id, c.name) ? ' on-path' : ''}${focused ? ' focus-column' : ''}`;
      const row = svg('g', { transform: `translate(0,${rowTop(i)})`, tabindex: 0, role: 'listitem' }, cls);
      row.dataset.column = c.name;
      row.setAttribute('aria-label', `${c.name}${c.type ? ` ${c.type}` : ''}${c.kind ? `, ${c.kind}` : ''}`);
      const name = svg('text', { x: 14, y: 13 }, 'column-name');
      name.textContent = `${kindMark(c)} ${clip(c.name, 18)}`.trim();
      const type = svg('text', { x: width - 8, y: 13 }, 'column-type');
      type.textContent = clip(c.type ?? '', 11);
      const tip = svg('title');
      tip.textContent = `${c.name}${c.type ? ` ${c.type}` : ''}${c.fieldId !== undefined ? ` (Iceberg field ${c.fieldId})` : ''}${c.kind ? `\n${c.kind} of ${c.upstream} upstream column${c.upstream === 1 ? '' : 's'}` : ''}\nClick to highlight its upstream and downstream paths`;
      row.append(tip, svg('rect', { x: 6, width: width - 10, height: COLUMN_ROW, rx: 2 }, 'column-hit'), name, type);
      const pick = (e: Event) => {
        e.stopPropagation();
        this.actions.column(node, c.name);
      };
      row.addEventListener('click', pick);
      row.addEventListener('dblclick', (e) => e.stopPropagation());
      row.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter') return;
        e.preventDefault();
        pick(e);
      });
      rows.append(row);
    });
    const extra: string[] = [];
    if (columns.length > MAX_ROWS) extra.push(`… ${columns.length - MAX_ROWS} more`);
    if (message || columns.length === 0) extra.push(message ?? 'no known columns');
    extra.forEach((text, k) => {
      const t = svg('text', { x: 14, y: rowTop(Math.min(columns.length, MAX_ROWS) + k) + 13 }, 'column-message');
      t.textContent = clip(text, 30);
      rows.append(t);
    });
    return rows;
  }

  /** The highlighted column edges, between rows of expanded nodes. */
  private columnEdges(layout: LineageLayout): SVGGElement {
    const g = svg('g', {}, 'column-edges');
    if (!this.highlight) return g;
    const placed = new Map(layout.nodes.map((p) => [p.node.id, p]));
    for (const e of this.highlight.edges) {
      const from = placed.get(e.from.node);
      const to = placed.get(e.to.node);
      const fromCols = this.expanded.get(e.from.node)?.columns;
      const toCols = this.expanded.get(e.to.node)?.columns;
      if (!from || !to || !fromCols || !toCols) continue;
      const a = rowOf(fromCols, e.from.column);
      const b = rowOf(toCols, e.to.column);
      if (a < 0 || b < 0) continue;
      const path = svg('path', { d: columnEdgePath(columnEdgePoints(from, a, to, b)) }, `column-edge kind-${e.kind}`);
      const tip = svg('title');
      tip.textContent = `${e.from.column} → ${e.to.column}: ${e.kind}`;
      path.append(tip);
      g.append(path);
    }
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
