// floe lineage --columns over a project whose sources carry Iceberg field ids: a model's columns with their inputs, a
// column's upstream tree to the source field and downstream tree to the last mart, JSON, DOT, and errors worded for people.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../helpers/demo-copy';
import { writeColumnLineageProject } from '../helpers/column-lineage-project';
import type { ColumnEdge } from '../../server/src/protocol/columnLineage';

const MAIN = path.join(REPO_ROOT, 'server/src/cli/main.ts');
let dir: string;

function floe(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'lineage', dir, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, FLOE_NO_CATALOG: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  dir = writeColumnLineageProject();
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a model: each column with the upstream columns it comes from, field ids and edge kinds', () => {
  const r = floe('--columns', 'stg_orders');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, [
    'stg_orders (model, 5 columns)',
    '  order_id BIGINT ← shop.orders.order_id [field 1] (pass-through)',
    '  buyer_id BIGINT ← shop.orders.customer_id [field 2] (rename)',
    '  amount DOUBLE ← shop.orders.amount_cents [field 3] (transformation)',
    '  ordered_at TIMESTAMP ← shop.orders.ordered_at [field 4] (pass-through)',
    '  status VARCHAR ← shop.orders.status [field 5] (pass-through)',
    '',
  ].join('\n'));
});

test('a column: its upstream down to the Iceberg field and its downstream to the last mart', () => {
  const r = floe('--columns', 'stg_orders.amount');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, [
    'stg_orders.amount',
    'upstream:',
    '  ← shop.orders.amount_cents [field 3] (transformation)',
    'downstream:',
    '  → mart_sales.revenue (transformation)',
    '    → mart_top.revenue (pass-through)',
    '',
  ].join('\n'));
  const top = floe('--columns', 'mart_top.revenue');
  assert.match(top.out, /← mart_sales\.revenue \(pass-through\)\n {4}← stg_orders\.amount \(transformation\)\n {6}← shop\.orders\.amount_cents \[field 3\] \(transformation\)/);
});

test('json: the edges of a column, with the columns of every node they touch', () => {
  const r = floe('--columns', 'shop.orders.amount_cents', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { column: { node: string; column: string; fieldId?: number }; edges: ColumnEdge[]; nodeColumns: Record<string, Array<{ name: string }>> };
  assert.deepEqual(j.column, { node: 'source:shop.orders', column: 'amount_cents', fieldId: 3 });
  assert.deepEqual(j.edges.map((e) => `${e.from.node}.${e.from.column} -> ${e.to.node}.${e.to.column} ${e.kind}`), [
    'source:shop.orders.amount_cents -> model:stg_orders.amount transformation',
    'model:stg_orders.amount -> model:mart_sales.revenue transformation',
    'model:mart_sales.revenue -> model:mart_top.revenue pass-through',
  ]);
  assert.equal(j.edges[0].from.fieldId, 3);
  assert.deepEqual(Object.keys(j.nodeColumns).sort(), ['model:mart_sales', 'model:mart_top', 'model:stg_orders', 'source:shop.orders']);
  assert.deepEqual(j.nodeColumns['model:mart_top'].map((c) => c.name), ['customer_name', 'city', 'revenue']);
});

test('dot: a cluster per node, a node per column, edges styled by kind', () => {
  const r = floe('--columns', 'mart_sales.city', '--format=dot');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^digraph column_lineage \{\n/);
  assert.match(r.out, /"source:shop\.customers\.address" -> "model:stg_customers\.city" \[label="pass-through", style=solid\];/);
  assert.match(r.out, /"model:stg_customers\.city" -> "model:mart_sales\.city" \[label="pass-through", style=solid\];/);
  assert.match(r.out, /"model:mart_sales\.city" \[label="city", style=bold\];/);
  assert.match(r.out, /}\n$/);
});

test('errors name what is wrong: an unknown model (with a suggestion), an unknown column (with the columns it has)', () => {
  const model = floe('--columns', 'stg_ordrs.amount');
  assert.equal(model.code, 1);
  assert.match(model.err, /'stg_ordrs\.amount' names no model, seed, snapshot or source of shop\. Did you mean 'stg_orders'\?/);
  const column = floe('--columns', 'stg_orders.amont');
  assert.equal(column.code, 1);
  assert.match(column.err, /stg_orders has no column amont \(it has order_id, buyer_id, amount, ordered_at, status\)/);
  const both = floe('stg_orders', '--columns', 'stg_orders');
  assert.equal(both.code, 2);
  assert.match(both.err, /--columns MODEL\[\.COLUMN\] alone/);
});

test('after a check kept its binds (which carry no lineage), the lineage is still whole', () => {
  const cache = fs.mkdtempSync(path.join(path.dirname(dir), 'floe-cache-'));
  try {
    const env = { ...process.env, FLOE_NO_CATALOG: '1', FLOE_CACHE_DIR: cache };
    // the built CLI: the kept binds are per build, and a run from source is a build of its own
    const cli = path.join(REPO_ROOT, 'dist/cli.js');
    const check = spawnSync(process.execPath, [cli, 'check', dir, '--format', 'json'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env });
    assert.ok(fs.readdirSync(path.join(cache, 'bind')).length > 0, check.stderr);
    const r = spawnSync(process.execPath, [cli, 'lineage', dir, '--columns', 'mart_top.revenue'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env });
    assert.equal(fs.readdirSync(path.join(cache, 'bind')).length, 1, 'the lineage read the binds the check kept');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /← mart_sales\.revenue \(pass-through\)\n {4}← stg_orders\.amount \(transformation\)\n {6}← shop\.orders\.amount_cents \[field 3\] \(transformation\)/);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
