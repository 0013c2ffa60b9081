// A data test whose ref names no node is dropped as dbt drops it (process_refs disables it and warns "depends on a
// node named ... which was not found"): a singular test's ref('gone'), schema YAML tests of a model with no file, a
// relationships test to a model that does not exist. `floe ls`, `compile` (its manifest), `test` and `build` leave
// them out and warn, naming the test and the missing node (corpus 15's dbt-models-mert, wowzi).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { copyDemo } from '../helpers/demo-copy';
import { runFloe } from '../helpers/floe-cli';

const dir = copyDemo({
  'tests/assert_gone.sql': "select * from {{ ref('gone_model') }} where 1 = 0\n",
  'models/missing.yml': [
    'version: 2', 'models:', '  - name: no_such_model', '    columns:', '      - name: id', '        data_tests: [unique]',
    '  - name: stg_orders', '    columns:', '      - name: customer_id', '        data_tests:',
    '          - relationships:', "              to: ref('no_customers')", '              field: id', '',
  ].join('\n'),
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const DROPPED = ['assert_gone', 'unique_no_such_model_id', 'relationships_stg_orders_customer_id__id__ref_no_customers_'];

test('floe ls and compile leave out a test whose ref names no node, with a warning naming the test and the node', async () => {
  const r = await runFloe(['ls', '--resource-type', 'test', '--output', 'name'], {}, dir);
  assert.equal(r.code, 0, r.err + r.out);
  const listed = r.out.trim().split('\n');
  assert.ok(listed.includes('not_null_stg_orders_order_id'), listed.join(' '));
  for (const name of DROPPED) assert.ok(!listed.includes(name), `${name} listed`);
  assert.match(r.err, /warning: test assert_gone \(tests\/assert_gone\.sql\): it depends on a node named 'gone_model' which was not found; dbt skips it/);
  assert.match(r.err, /warning: test unique_no_such_model_id \(models\/missing\.yml\): it depends on a node named 'no_such_model' which was not found/);
  assert.match(r.err, /warning: test relationships_stg_orders_customer_id__id__ref_no_customers_ \(models\/missing\.yml\): it depends on a node named 'no_customers' which was not found/);

  const c = await runFloe(['compile'], {}, dir);
  assert.equal(c.code, 0, c.err + c.out);
  assert.match(c.err, /floe compile: warning: test assert_gone /);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { name: string }> };
  const names = Object.values(manifest.nodes).map((n) => n.name);
  assert.ok(names.includes('not_null_stg_orders_order_id'));
  for (const name of DROPPED) assert.ok(!names.includes(name), `${name} in the manifest`);
});

test('floe test and build run no test whose ref names no node, and warn', async () => {
  for (const command of ['test', 'build']) {
    const r = await runFloe([command, '--select', 'assert_gone', 'unique_no_such_model_id'], {}, dir);
    assert.match(r.err, new RegExp(`floe ${command}: warning: test assert_gone \\(tests/assert_gone\\.sql\\): it depends on a node named 'gone_model'`), r.err + r.out);
    assert.doesNotMatch(r.out + r.err, /(PASS|FAIL|ERROR|OK)[^\n]*(assert_gone|no_such_model)/, r.err + r.out);
  }
});
