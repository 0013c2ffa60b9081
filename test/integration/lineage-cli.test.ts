// floe lineage on a copy of the demo: the indented tree around a model, the whole project, the LineageResponse
// JSON, Graphviz DOT that parses, depth limits, and usage errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { copyDemo, REPO_ROOT } from '../helpers/demo-copy';
import type { LineageResponse } from '../../server/src/protocol/lineage';

const MAIN = path.join(REPO_ROOT, 'server/src/cli/main.ts');
let dir: string;

function floe(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'lineage', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  dir = copyDemo();
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('text: the model, its bronze source upstream and the marts downstream as an indented tree', () => {
  const r = floe(dir, 'stg_orders');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, [
    'stg_orders (model, view, silver, 5 tests)',
    'upstream:',
    '  bronze.orders (source, bronze, 1 test, demo.bronze.bronze_orders)',
    'downstream:',
    '  mart_customer_orders (model, external, gold, 1 test, demo.gold.mart_customer_orders)',
    '  mart_revenue (model, external, gold, demo.gold.mart_revenue)',
    '',
  ].join('\n'));
});

test('text without a model: every source with its descendants, shared marts shown once', () => {
  const r = floe(dir);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.deepEqual(lines.filter((l) => !l.startsWith(' ')).map((l) => l.split(' ')[0]), ['bronze.customers', 'bronze.order_items', 'bronze.orders', 'bronze.products']);
  for (const model of ['stg_customers', 'stg_orders', 'stg_order_items', 'stg_products', 'mart_revenue', 'mart_customer_orders', 'mart_product_performance']) {
    assert.equal(lines.filter((l) => l.trim().startsWith(`${model} (`) && !l.endsWith('(see above)')).length, 1, `${model} described once:\n${r.out}`);
  }
  assert.match(r.out, /^ {4}mart_revenue \(see above\)$/m);
});

test('json: the LineageResponse, with the model file given as a path and a depth limit', () => {
  const r = floe(dir, path.join(dir, 'models/marts/mart_revenue.sql'), '--format', 'json', '--upstream', '1');
  assert.equal(r.code, 0, r.err);
  const response = JSON.parse(r.out) as LineageResponse;
  assert.ok(!('error' in response));
  assert.deepEqual(response.nodes.map((n) => n.id).sort(), ['model:mart_revenue', 'model:stg_customers', 'model:stg_order_items', 'model:stg_orders']);
  assert.equal(response.edges.length, 3);
  assert.deepEqual(response.nodes.filter((n) => n.focus).map((n) => n.id), ['model:mart_revenue']);
  assert.ok(response.nodes.every((n) => n.uri.startsWith('file://') && n.uri.includes(path.basename(dir))));
});

test('dot: a digraph with one statement per node and well-formed edges', () => {
  const r = floe(dir, 'source:bronze.orders', '--format=dot');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines[0], 'digraph lineage {');
  assert.equal(lines[lines.length - 1], '}');
  const edges = lines.filter((l) => l.includes('->'));
  assert.ok(edges.length >= 3, r.out);
  for (const l of edges) assert.match(l, /^ {2}"(source|model|seed|snapshot):[^"]+" -> "(source|model|seed|snapshot):[^"]+";$/);
  const declared = new Set(lines.map((l) => /^ {2}("[^"]+") \[label="[^"]*"/.exec(l)?.[1]).filter(Boolean));
  for (const l of edges) for (const id of l.trim().replace(/;$/, '').split(' -> ')) assert.ok(declared.has(id), `${id} declared`);
  assert.match(r.out, /"source:bronze\.orders" \[label="bronze\.orders\\nsource\\nbronze", shape=cylinder, style=bold\];/);
});

test('an unknown model exits 1 with a suggestion; bad flags exit 2', () => {
  const missing = floe(dir, 'stg_ordrs');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /'stg_ordrs' is not a model, seed, snapshot or source of floe_demo\. Did you mean 'stg_orders'\?/);
  assert.equal(floe(dir, 'stg_orders', '--downstream', '-1').code, 2);
  assert.equal(floe(dir, '--format', 'svg').code, 2);
  assert.equal(floe(path.join(dir, 'models')).code, 2, 'not a project folder');
});

test('--select/--exclude: the subgraph of a dbt selection; criteria that match nothing warn, bad syntax exits 2', () => {
  // Exclusion comes after the graph operators: stg_order_items leaves with +mart_product_performance.
  const r = floe(dir, '--select', '+marts.*', '--exclude', '+mart_product_performance mart_customer_orders', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const body = JSON.parse(r.out) as { nodes: Array<{ id: string }>; edges: Array<{ from: string; to: string }> };
  assert.deepEqual(body.nodes.map((n) => n.id).sort(), [
    'model:mart_revenue', 'model:stg_customers', 'model:stg_orders', 'source:bronze.customers', 'source:bronze.orders',
  ]);
  assert.ok(body.edges.some((e) => e.from === 'model:stg_orders' && e.to === 'model:mart_revenue'), r.out);
  const none = floe(dir, '--select', 'marts.* nothing_here', '--format', 'json');
  assert.equal(none.code, 0, none.err);
  assert.match(none.err, /warning: The selection criterion 'nothing_here' does not match any enabled nodes\./);
  const bad = floe(dir, '--select', '@+stg_orders');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /Invalid selector '@\+stg_orders': '@' and a leading '\+' cannot be combined/);
  assert.equal(floe(dir, 'stg_orders', '--select', 'marts.*').code, 2, 'a MODEL and --select together');
});

test('--selector NAME: a selector from the project\'s selectors.yml; an unknown one exits 2 naming those there are', () => {
  fs.writeFileSync(path.join(dir, 'selectors.yml'), 'selectors:\n  - name: revenue_inputs\n    definition: {method: fqn, value: mart_revenue, parents: true, parents_depth: 1}\n');
  try {
    const r = floe(dir, '--selector', 'revenue_inputs', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    const body = JSON.parse(r.out) as { nodes: Array<{ id: string }> };
    assert.deepEqual(body.nodes.map((n) => n.id).sort(), ['model:mart_revenue', 'model:stg_customers', 'model:stg_order_items', 'model:stg_orders']);
    const unknown = floe(dir, '--selector', 'revenue');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /there is no selector 'revenue' in selectors\.yml \(there are: revenue_inputs\)/);
    assert.equal(floe(dir, '--selector', 'revenue_inputs', '--select', 'marts.*').code, 2, '--selector with --select');
  } finally {
    fs.rmSync(path.join(dir, 'selectors.yml'));
  }
});
