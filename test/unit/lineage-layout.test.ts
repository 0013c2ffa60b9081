// The lineage panel's layout: layers left to right, edges between the boxes, the text on each box, fit and zoom.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bestLayout, clip, edgePath, fitScale, fitViewBox, layoutLineage, nodeDetail, nodeTooltip, zoomViewBox, NODE_HEIGHT, NODE_WIDTH,
} from '../../media/src/lineage/layout';
import type { LineageEdge, LineageNode } from '../../server/src/protocol/lineage';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
function node(id: string, extra: Partial<LineageNode> = {}): LineageNode {
  const [kind, label] = id.split(':') as [LineageNode['kind'], string];
  return { id, kind, label, tests: 0, uri: `file:///p/${label}`, range, ...extra };
}
const edge = (from: string, to: string): LineageEdge => ({ from, to });

/** Checks that every node's column (its x rank) is as listed, left to right. */
function checkColumns(nodes: LineageNode[], edges: LineageEdge[], columns: string[][]): void {
  const layout = layoutLineage(nodes, edges);
  const x = new Map(layout.nodes.map((p) => [p.node.id, p.x]));
  const distinct = [...new Set(layout.nodes.map((p) => p.x))].sort((a, b) => a - b);
  const got = distinct.map((cx) => layout.nodes.filter((p) => p.x === cx).map((p) => p.node.id).sort());
  assert.deepEqual(got, columns.map((c) => [...c].sort()));
  assert.equal(x.size, new Set(nodes.map((n) => n.id)).size, 'every node placed once');
}

const demo = {
  nodes: [
    node('source:bronze.orders', { layer: 'bronze' }),
    node('source:bronze.customers', { layer: 'bronze' }),
    node('model:stg_orders', { materialized: 'view', layer: 'silver', focus: true }),
    node('model:stg_customers', { materialized: 'view', layer: 'silver' }),
    node('model:mart_revenue', { materialized: 'table', layer: 'gold' }),
    node('model:mart_customer_orders', { materialized: 'table', layer: 'gold' }),
  ],
  edges: [
    edge('source:bronze.orders', 'model:stg_orders'),
    edge('source:bronze.customers', 'model:stg_customers'),
    edge('model:stg_orders', 'model:mart_revenue'),
    edge('model:stg_orders', 'model:mart_customer_orders'),
    edge('model:stg_customers', 'model:mart_customer_orders'),
  ],
};

test('sources sit left of staging models, which sit left of marts', () => {
  checkColumns(demo.nodes, demo.edges, [
    ['source:bronze.orders', 'source:bronze.customers'],
    ['model:stg_orders', 'model:stg_customers'],
    ['model:mart_revenue', 'model:mart_customer_orders'],
  ]);
});

test('a longer path pushes a node further right; a lone node still gets a place', () => {
  checkColumns(
    [node('model:a'), node('model:b'), node('model:c'), node('model:lone')],
    [edge('model:a', 'model:b'), edge('model:b', 'model:c'), edge('model:a', 'model:c')],
    [['model:a', 'model:lone'], ['model:b'], ['model:c']],
  );
});

test('edges to nodes not in the graph, self-loops and repeats are dropped; duplicate nodes are placed once', () => {
  const layout = layoutLineage(
    [node('model:a'), node('model:b'), node('model:a')],
    [edge('model:a', 'model:b'), edge('model:a', 'model:b'), edge('model:a', 'model:a'), edge('model:b', 'model:gone'), edge('source:x.y', 'model:a')],
  );
  assert.deepEqual(layout.edges.map((e) => `${e.from}->${e.to}`), ['model:a->model:b']);
  assert.deepEqual(layout.nodes.map((p) => p.node.id), ['model:a', 'model:b']);
});

test('boxes do not overlap, fit inside the graph size, and edges run from the right side of one box to the left side of the next', () => {
  const layout = layoutLineage(demo.nodes, demo.edges);
  for (const p of layout.nodes) {
    assert.equal(p.width, NODE_WIDTH);
    assert.equal(p.height, NODE_HEIGHT);
    assert.ok(p.x >= 0 && p.y >= 0 && p.x + p.width <= layout.width && p.y + p.height <= layout.height, `${p.node.id} inside`);
    for (const q of layout.nodes) {
      if (p === q) continue;
      const apart = p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y;
      assert.ok(apart, `${p.node.id} overlaps ${q.node.id}`);
    }
  }
  const box = new Map(layout.nodes.map((p) => [p.node.id, p]));
  for (const e of layout.edges) {
    const first = e.points[0];
    const last = e.points[e.points.length - 1];
    assert.ok(Math.abs(first.x - (box.get(e.from)!.x + NODE_WIDTH)) < 1, `${e.from} edge starts at its right side`);
    assert.ok(Math.abs(last.x - box.get(e.to)!.x) < 1, `${e.to} edge ends at its left side`);
  }
});

test('edge paths: a line for two points, curves through the rest, ending on the last point', () => {
  const cases: Array<[Array<{ x: number; y: number }>, string]> = [
    [[], ''],
    [[{ x: 0, y: 0 }, { x: 10, y: 5 }], 'M0,0 L10,5'],
    [[{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 20, y: 10 }], 'M0,0 Q10,0 20,10'],
    [[{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 20, y: 10 }, { x: 30, y: 10.04 }], 'M0,0 Q10,0 15,5 Q20,10 30,10'],
  ];
  for (const [points, d] of cases) assert.equal(edgePath(points), d);
});

test('box text: badge, layer and tests; the tooltip names the Iceberg table', () => {
  const cases: Array<[LineageNode, string, string]> = [
    [node('model:stg_orders', { materialized: 'view', layer: 'silver', tests: 2 }), 'view · silver · 2 tests', 'stg_orders\nClick to open, double-click to centre the lineage here'],
    [node('model:mart_revenue', { materialized: 'table', layer: 'gold', tests: 1, icebergTable: 'demo.gold.mart_revenue' }), 'table · gold · 1 test', 'mart_revenue → demo.gold.mart_revenue\nClick to open, double-click to centre the lineage here'],
    [node('model:m'), 'model', 'm\nClick to open, double-click to centre the lineage here'],
    [node('source:bronze.orders', { layer: 'bronze', icebergTable: 'demo.bronze.orders' }), 'source · bronze', 'bronze.orders → demo.bronze.orders\nClick to open, double-click to centre the lineage here'],
    [node('seed:country_codes', { materialized: 'seed' }), 'seed', 'country_codes\nClick to open, double-click to centre the lineage here'],
  ];
  for (const [n, detail, tooltip] of cases) {
    assert.equal(nodeDetail(n), detail);
    assert.equal(nodeTooltip(n), tooltip);
  }
  assert.equal(clip('mart_customer_orders', 30), 'mart_customer_orders');
  assert.equal(clip('abcdefgh', 5), 'abcd…');
});

test('fit: a small graph keeps its size, centred; a large one shrinks to show all of it', () => {
  assert.deepEqual(fitViewBox({ width: 200, height: 100 }, { width: 400, height: 300 }), { x: -100, y: -100, width: 400, height: 300 });
  const big = fitViewBox({ width: 1600, height: 300 }, { width: 800, height: 600 });
  assert.deepEqual(big, { x: 0, y: -450, width: 1600, height: 1200 });
});

test('fit never shrinks text below the readable scale: a graph too large is shown around its focus, within the graph', () => {
  const graph = { width: 3000, height: 400 };
  const viewport = { width: 600, height: 400 };
  const around = fitViewBox(graph, viewport, { minScale: 0.8, focus: { x: 1500, y: 200 } });
  assert.deepEqual(around, { x: 1125, y: -50, width: 750, height: 500 });
  assert.equal(fitViewBox(graph, viewport, { minScale: 0.8, focus: { x: 10, y: 200 } }).x, 0, 'near an edge the view stops at the graph');
  assert.equal(fitViewBox(graph, viewport, { minScale: 0.8, focus: { x: 2990, y: 200 } }).x, 3000 - 750);
  assert.deepEqual(fitViewBox({ width: 700, height: 300 }, viewport, { minScale: 0.8 }), fitViewBox({ width: 700, height: 300 }, viewport), 'a graph that fits readably is shown whole');
});

test('a tall narrow panel gets the top-to-bottom layout when it shows the graph larger; a wide one keeps left to right', () => {
  const layouts = { LR: layoutLineage(demo.nodes, demo.edges, 'LR'), TB: layoutLineage(demo.nodes, demo.edges, 'TB') };
  const tall = { width: 480, height: 760 };
  assert.equal(bestLayout(layouts, tall).direction, 'TB');
  assert.ok(fitScale(layouts.TB, tall) > fitScale(layouts.LR, tall));
  assert.equal(bestLayout(layouts, { width: 1400, height: 500 }).direction, 'LR');
  const tb = new Map(layouts.TB.nodes.map((p) => [p.node.id, p.y]));
  for (const e of layouts.TB.edges) assert.ok(tb.get(e.from)! < tb.get(e.to)!, `${e.from} above ${e.to}`);
});

test('zoom keeps the point under the mouse where it was', () => {
  const box = { x: 0, y: 0, width: 400, height: 200 };
  const at = { x: 100, y: 50 };
  const z = zoomViewBox(box, 2, at);
  assert.deepEqual(z, { x: 50, y: 25, width: 200, height: 100 });
  // The point's relative position in the view is unchanged.
  assert.equal((at.x - z.x) / z.width, (at.x - box.x) / box.width);
});
