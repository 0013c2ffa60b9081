// The column view's geometry and highlight, pure (unit-tested): a node expanded to its columns grows by a row per
// column; a column's edges run from the right side of its row to the left side of the row it feeds.
import type { ColumnEdge, ColumnRef, ColumnSummary } from '../../../server/src/protocol/columnLineage';
import { NODE_HEIGHT, type PlacedNode, type Point } from './layout';

export const COLUMN_ROW = 18;
const ROWS_TOP = NODE_HEIGHT + 2;
/** A node shows at most this many columns; the rest are one "… more" row (a wide model stays readable). */
export const MAX_ROWS = 40;

/** The rows an expanded node draws: its columns, at most MAX_ROWS, plus a message row when there is one. */
export function rowCount(columns: readonly ColumnSummary[], message?: string): number {
  return Math.min(columns.length, MAX_ROWS) + (columns.length > MAX_ROWS ? 1 : 0) + (message || columns.length === 0 ? 1 : 0);
}

export function expandedHeight(columns: readonly ColumnSummary[], message?: string): number {
  return ROWS_TOP + rowCount(columns, message) * COLUMN_ROW + 6;
}

/** The top of row `i`, relative to the node's top. */
export function rowTop(i: number): number {
  return ROWS_TOP + i * COLUMN_ROW;
}

const key = (node: string, column: string) => `${node}\0${column.toLowerCase()}`;

/** The row of `column` in an expanded node's list, or -1 (not listed, or beyond the rows shown). */
export function rowOf(columns: readonly ColumnSummary[], column: string): number {
  const i = columns.findIndex((c) => c.name.toLowerCase() === column.toLowerCase());
  return i < MAX_ROWS ? i : -1;
}

/**
 * A column edge as a cubic curve [start, control, control, end]: right of the `from` row to left of the `to` row when
 * the target lies to the right (left to right layouts), mirrored when it lies to the left, and out of both rows' right
 * sides in a bulge when the boxes are stacked (top to bottom layouts), so it never crosses the boxes it joins.
 */
export function columnEdgePoints(from: PlacedNode, fromRow: number, to: PlacedNode, toRow: number): Point[] {
  const ay = from.y + rowTop(fromRow) + COLUMN_ROW / 2;
  const by = to.y + rowTop(toRow) + COLUMN_ROW / 2;
  if (to.x >= from.x + from.width) {
    const a = { x: from.x + from.width, y: ay };
    const b = { x: to.x, y: by };
    const bend = Math.max(30, (b.x - a.x) / 2);
    return [a, { x: a.x + bend, y: ay }, { x: b.x - bend, y: by }, b];
  }
  if (to.x + to.width <= from.x) {
    const a = { x: from.x, y: ay };
    const b = { x: to.x + to.width, y: by };
    const bend = Math.max(30, (a.x - b.x) / 2);
    return [a, { x: a.x - bend, y: ay }, { x: b.x + bend, y: by }, b];
  }
  const a = { x: from.x + from.width, y: ay };
  const b = { x: to.x + to.width, y: by };
  const out = Math.max(a.x, b.x) + 24 + Math.min(60, Math.abs(by - ay) / 6);
  return [a, { x: out, y: ay }, { x: out, y: by }, b];
}

/** The SVG path of a column edge's curve. */
export function columnEdgePath([a, c1, c2, b]: Point[]): string {
  const f = (n: number) => String(Math.round(n * 10) / 10);
  return `M${f(a.x)},${f(a.y)} C${f(c1.x)},${f(c1.y)} ${f(c2.x)},${f(c2.y)} ${f(b.x)},${f(b.y)}`;
}

/** Every column on the highlighted paths (the focus included), as `node\0column` keys. */
export function columnsOnPaths(focus: ColumnRef, edges: readonly ColumnEdge[]): Set<string> {
  const on = new Set([key(focus.node, focus.column)]);
  for (const e of edges) {
    on.add(key(e.from.node, e.from.column));
    on.add(key(e.to.node, e.to.column));
  }
  return on;
}

export function isOnPath(on: ReadonlySet<string>, node: string, column: string): boolean {
  return on.has(key(node, column));
}

/** A row's short hint: how the column comes from upstream. */
export function kindMark(c: ColumnSummary): string {
  return c.kind === 'transformation' ? 'ƒ' : c.kind === 'rename' ? '↻' : c.kind === 'pass-through' ? '=' : '';
}
