// The lineage panel's column view, pure: expanded nodes grow by a row per column and are laid out with their height,
// column edges run from row to row, the highlighted paths, and the webview's column messages checked before use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutLineage, NODE_HEIGHT } from '../../media/src/lineage/layout';
import { COLUMN_ROW, MAX_ROWS, columnEdgePath, columnEdgePoints, columnsOnPaths, expandedHeight, isOnPath, kindMark, rowOf, rowTop } from '../../media/src/lineage/columns';
import { parseLineageMessage } from '../../client/src/lineage/lineageMessages';
import type { LineageNode } from '../../server/src/protocol/lineage';
import type { ColumnSummary } from '../../server/src/protocol/columnLineage';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const node = (id: string): LineageNode => ({ id, kind: id.startsWith('source:') ? 'source' : 'model', label: id.slice(id.indexOf(':') + 1), tests: 0, uri: 'file:///p', range });
const cols = (...names: string[]): ColumnSummary[] => names.map((name) => ({ name }));

test('an expanded node is as tall as its rows, and the layout places it with that height', () => {
  assert.equal(expandedHeight(cols('a', 'b', 'c')), NODE_HEIGHT + 2 + 3 * COLUMN_ROW + 6);
  assert.equal(expandedHeight(cols('a'), 'lineage unknown: not bound yet'), NODE_HEIGHT + 2 + 2 * COLUMN_ROW + 6, 'a message takes a row');
  assert.equal(expandedHeight([]), NODE_HEIGHT + 2 + COLUMN_ROW + 6, '"no known columns" takes a row');
  const many = cols(...Array.from({ length: MAX_ROWS + 5 }, (_, i) => `c${i}`));
  assert.equal(expandedHeight(many), NODE_HEIGHT + 2 + (MAX_ROWS + 1) * COLUMN_ROW + 6, 'beyond the limit: one "… more" row');
  const heights = new Map([['model:b', expandedHeight(cols('x', 'y'))]]);
  const layout = layoutLineage([node('source:s.a'), node('model:b'), node('model:c')], [{ from: 'source:s.a', to: 'model:b' }, { from: 'model:b', to: 'model:c' }], 'LR', heights);
  const b = layout.nodes.find((p) => p.node.id === 'model:b')!;
  assert.equal(b.height, heights.get('model:b'));
  assert.equal(layout.nodes.find((p) => p.node.id === 'model:c')!.height, NODE_HEIGHT);
});

test('a column edge runs from row to row on the sides that face each other, around stacked boxes', () => {
  const at = (x: number, y: number) => ({ node: node('model:x'), x, y, width: 190, height: 120 });
  const mid = (y: number, row: number) => y + rowTop(row) + COLUMN_ROW / 2;
  // left to right: right side of the source row, left side of the target row
  let p = columnEdgePoints(at(0, 100), 0, at(300, 40), 2);
  assert.deepEqual([p[0], p[3]], [{ x: 190, y: mid(100, 0) }, { x: 300, y: mid(40, 2) }]);
  assert.match(columnEdgePath(p), /^M190,[\d.]+ C[\d.,]+ [\d.,]+ 300,[\d.]+$/);
  // the target to the left: mirrored
  p = columnEdgePoints(at(300, 0), 1, at(0, 0), 1);
  assert.deepEqual([p[0].x, p[3].x], [300, 190]);
  // stacked (top to bottom): out of both right sides, the curve bulging beyond them
  p = columnEdgePoints(at(0, 0), 0, at(40, 300), 3);
  assert.deepEqual([p[0].x, p[3].x], [190, 230]);
  assert.ok(p[1].x > 230 && p[2].x > 230);
});

test('rows and paths: columns found case-insensitively, rows beyond the limit not drawn, the paths marked', () => {
  assert.equal(rowOf(cols('Id', 'amount'), 'AMOUNT'), 1);
  assert.equal(rowOf(cols('id'), 'nope'), -1);
  assert.equal(rowOf(cols(...Array.from({ length: MAX_ROWS + 2 }, (_, i) => `c${i}`)), `c${MAX_ROWS + 1}`), -1);
  const on = columnsOnPaths({ node: 'model:b', column: 'revenue' }, [
    { from: { node: 'model:a', column: 'amount' }, to: { node: 'model:b', column: 'revenue' }, kind: 'transformation' },
    { from: { node: 'model:b', column: 'revenue' }, to: { node: 'model:c', column: 'Revenue' }, kind: 'pass-through' },
  ]);
  assert.ok(isOnPath(on, 'model:a', 'AMOUNT') && isOnPath(on, 'model:c', 'revenue') && isOnPath(on, 'model:b', 'revenue'));
  assert.ok(!isOnPath(on, 'model:a', 'id'));
  assert.deepEqual([kindMark({ name: 'x', kind: 'transformation' }), kindMark({ name: 'x', kind: 'rename' }), kindMark({ name: 'x', kind: 'pass-through' }), kindMark({ name: 'x' })], ['ƒ', '↻', '=', '']);
});

test('column messages from the webview are checked like the others', () => {
  assert.deepEqual(parseLineageMessage({ type: 'columns', id: 'model:a' }), { type: 'columns', id: 'model:a' });
  assert.deepEqual(parseLineageMessage({ type: 'column', id: 'model:a', column: 'x', extra: 1 }), { type: 'column', id: 'model:a', column: 'x' });
  assert.equal(parseLineageMessage({ type: 'column', id: 'model:a' }), undefined);
  assert.equal(parseLineageMessage({ type: 'column', id: 'model:a', column: 'x'.repeat(2000) }), undefined);
  assert.equal(parseLineageMessage({ type: 'columns', id: 7 }), undefined);
});
