// A versioned model's data tests run on every version, as dbt's parser makes one test node per version: the model's
// tests on the columns each version keeps (`include`/`exclude`; a column a version declares itself takes its own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runFloe } from '../helpers/floe-cli';

function project(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'floe-version-tests-'));
  mkdirSync(path.join(root, 'models'));
  writeFileSync(path.join(root, 'dbt_project.yml'), 'name: vt\nprofile: vt\n');
  writeFileSync(path.join(root, 'profiles.yml'), "vt:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n");
  // version 1 breaks not_null; version 2 (the latest) keeps it
  writeFileSync(path.join(root, 'models/dim_customers_v1.sql'), "select null::int as id, 'a' as name, 1 as score\n");
  writeFileSync(path.join(root, 'models/dim_customers_v2.sql'), 'select 1 as id, 1 as score\n');
  writeFileSync(path.join(root, 'models/schema.yml'), [
    'version: 2', 'models:', '  - name: dim_customers', '    latest_version: 2',
    '    tests:', '      - dbt_utils.at_least_one:', '          column_name: id',
    '    columns:', '      - name: id', '        tests: [not_null]', '      - name: name', '        tests: [unique]', '      - name: score', '        tests: [not_null]',
    '    versions:',
    '      - v: 1', '        columns:', '          - include: all', '          - name: score',
    '      - v: 2', '        columns:', '          - include: all', '            exclude: [name]',
  ].join('\n'));
  return root;
}

test('each version of a versioned model gets the model\'s tests on the columns it keeps, named and run per version', async () => {
  const root = project();
  const ls = await runFloe(['ls', '--resource-type', 'test', '--project-dir', root], {}, root);
  assert.equal(ls.code, 0, ls.err);
  assert.deepEqual(ls.out.trim().split('\n').filter((l) => !/at_least_one/.test(l)), [
    'vt.not_null_dim_customers_v1_id',
    'vt.not_null_dim_customers_v2_id',
    'vt.not_null_dim_customers_v2_score',
    'vt.unique_dim_customers_v1_name',
  ]);
  const selected = await runFloe(['ls', '--select', 'dim_customers.v1', '--indirect-selection', 'eager', '--project-dir', root], {}, root);
  assert.match(selected.out, /not_null_dim_customers_v1_id/);
  assert.doesNotMatch(selected.out, /_v2_/);
  // version 1's NULL id fails its own test; with the tests on the latest version alone it passed unseen
  const run = await runFloe(['test', '--select', 'test_name:not_null', '--project-dir', root], {}, root);
  assert.equal(run.code, 1, run.err + run.out);
  assert.match(run.out, /FAIL 1 not_null\(dim_customers\.v1\.id\)/);
  assert.match(run.out, /PASS not_null\(dim_customers\.v2\.id\)/);
  assert.match(run.out, /PASS not_null\(dim_customers\.v2\.score\)/);
});
