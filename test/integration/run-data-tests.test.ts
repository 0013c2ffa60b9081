// runDataTests on the real engine and the local lakehouse: each tested model is built once, a cancelled run
// reports the tests it did not run as cancelled errors, and a catalog that is down makes every test an error
// naming it instead of a crash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { copyDemo } from '../helpers/demo-copy';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers, type Lakehouse } from '../../server/src/run/lakehouse';
import { writeDemoBronze, DEMO_SIZES } from '../../server/src/run/demo-bronze';
import { projectDataTests } from '../../server/src/project/dataTests';
import { runDataTests } from '../../server/src/run/data-tests';
import { runTests } from '../../server/src/cli/commands/test';

let dir: string;
let project: DbtProject;
let lakehouse: Lakehouse;

before(async () => {
  dir = copyDemo();
  project = DbtProject.load(dir);
  lakehouse = await openLakehouse(project);
  await writeDemoBronze(lakehouse, path.join(dir, 'bronze'), DEMO_SIZES.small);
});
after(async () => {
  await stopLocalCatalogServers();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('every model is built once per run, however many tests it has', async () => {
  const stages: string[] = [];
  const results = await runDataTests(project, lakehouse, projectDataTests(project), { onStage: (s) => stages.push(s) });
  assert.deepEqual(results.map((r) => r.status).filter((s) => s !== 'pass'), []);
  const builds = stages.filter((s) => s.startsWith('building '));
  assert.deepEqual(builds, [...new Set(builds)], `each model once: ${builds.join(', ')}`);
  assert.ok(builds.includes('building stg_orders') && builds.includes('building mart_customer_orders'));
  assert.equal(stages.filter((s) => s === 'reading demo.bronze.bronze_orders').length, 1);
});

test('cancelling mid-run: the tests after the cancel are errors saying so, and the run closes cleanly', async () => {
  const tests = projectDataTests(project).slice(0, 5);
  const controller = new AbortController();
  const results = await runDataTests(project, lakehouse, tests, { signal: controller.signal, onTest: (_t, i) => { if (i === 2) controller.abort(); } });
  assert.equal(results.length, 5);
  assert.deepEqual(results.slice(0, 2).map((r) => r.status), ['pass', 'pass']);
  for (const r of results.slice(3)) {
    assert.equal(r.status, 'error');
    assert.match(r.message ?? '', /cancelled/);
  }
  // The session was closed and the lakehouse still serves the next run.
  const again = await runDataTests(project, lakehouse, tests.slice(0, 1));
  assert.equal(again[0].status, 'pass');
});

test('custom generic tests: {% test %} macros run with the relation, column, YAML arguments (ref() too) and where', async () => {
  // demo/macros holds nothing tracked, so a clean clone has no such folder.
  fs.mkdirSync(path.join(dir, 'macros'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'macros/tests.sql'), [
    '{% test at_least(model, column_name, minimum=0) %}',
    'select {{ column_name }} from {{ model }} where {{ column_name }} < {{ minimum }}',
    '{% endtest %}',
    // an argument named as a dict method (`values`) reaches the macro as the YAML's list
    '{% test none_of(model, column_name, values) %}',
    'select {{ column_name }} from {{ model }} where {{ column_name }} in ({{ values | join(", ") }})',
    '{% endtest %}',
    '{% macro test_all_orders_known(model, column_name, orders) %}',
    'select {{ column_name }} from {{ model }} where {{ column_name }} not in (select order_id from {{ orders }})',
    '{% endmacro %}',
  ].join('\n'));
  const schema = path.join(dir, 'models/custom.yml');
  fs.writeFileSync(schema, [
    'models:',
    '  - name: stg_order_items',
    '    columns:',
    '      - name: quantity',
    '        data_tests:',
    '          - at_least: {arguments: {minimum: 2}}',
    '          - at_least: {minimum: 2, where: "quantity > 1"}',
    '          - at_least',
    '          - none_of: {values: [-1, -2]}',
    '      - name: order_id',
    "        data_tests: [{all_orders_known: {orders: \"ref('stg_orders')\"}}, {not_a_test: {}}]",
  ].join('\n'));
  try {
    const p = DbtProject.load(dir);
    const tests = projectDataTests(p).filter((t) => t.file === schema);
    const results = await runDataTests(p, lakehouse, tests);
    assert.deepEqual(results.map((r) => [r.status, r.failures]), [['fail', results[0].failures], ['pass', '0'], ['pass', '0'], ['pass', '0'], ['pass', '0'], ['error', '0']]);
    assert.ok(BigInt(results[0].failures) > 0n, 'quantity 1 lines fail minimum 2');
    assert.match(results[0].sql, /where quantity < 2/);
    assert.match(results[3].sql, /where quantity in \(-1, -2\)/);
    assert.match(results[4].sql, /not in \(select order_id from "floe_run_\d+_\d+"\."stg_orders"\)/);
    assert.match(results[5].message ?? '', /generic test 'not_a_test' not found/);
  } finally {
    fs.rmSync(schema);
    fs.rmSync(path.join(dir, 'macros/tests.sql'));
  }
});

test("model-level tests with column_name: run it as SQL over the model's columns (composite keys)", async () => {
  const schema = path.join(dir, 'models/composite.yml');
  fs.writeFileSync(schema, [
    'models:',
    '  - name: stg_order_items',
    '    data_tests:',
    '      - unique:',
    '          column_name: "order_item_id"',
    '      - unique:',
    "          column_name: \"cast(order_id as varchar) || '-' || cast(order_item_id as varchar)\"",
    '      - unique:',
    '          column_name: "order_id"',
    '      - not_null:',
    '          column_name: "coalesce(order_id, product_id)"',
  ].join('\n'));
  try {
    const p = DbtProject.load(dir);
    const tests = projectDataTests(p).filter((t) => t.file === schema);
    assert.deepEqual(tests.map((t) => t.label), [
      'unique(order_item_id)', "unique(cast(order_id as varchar) || '-' || cast(order_item_id as varchar))", 'unique(order_id)', 'not_null(coalesce(order_id, product_id))',
    ]);
    assert.equal(new Set(tests.map((t) => t.id)).size, 4, 'four tests, four ids');
    const results = await runDataTests(p, lakehouse, tests);
    assert.deepEqual(results.map((r) => r.status), ['pass', 'pass', 'fail', 'pass'], JSON.stringify(results.map((r) => r.message)));
    assert.ok(BigInt(results[2].failures) > 0n, 'an order has several lines');
  } finally {
    fs.rmSync(schema);
  }
});

test('a catalog that is down: every test is an error naming the catalog, no throw', async () => {
  // profiles.yml renders env_var() from the process environment.
  const saved = process.env.POLARIS_URI;
  process.env.POLARIS_URI = 'http://127.0.0.1:9/api/catalog';
  let down: DbtProject;
  try {
    down = DbtProject.load(dir, { ...process.env, DBT_TARGET: 'prod' });
  } finally {
    if (saved === undefined) delete process.env.POLARIS_URI; else process.env.POLARIS_URI = saved;
  }
  const tests = projectDataTests(down).slice(0, 3);
  const results = await runTests(down, tests);
  assert.equal(results.length, 3);
  for (const r of results) {
    assert.equal(r.status, 'error');
    assert.match(r.message ?? '', /lakehouse of floe_demo is unavailable/);
    assert.match(r.message ?? '', /127\.0\.0\.1:9/);
  }
});
