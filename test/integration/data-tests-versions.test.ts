// A versioned model's data tests run on every version, as dbt's parser makes one test node per version
// (parse_versioned_tests): the version's own tests if it declares any, else the model's; the tests of the model's
// columns it keeps (`include`/`exclude`, get_columns_for_version), and those of the columns it declares itself.
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
    '      - v: 1', '        columns:', '          - include: all', '          - name: score', '            data_tests: [unique]',
    '      - v: 2', '        data_tests:', '          - unique:', '              column_name: id',
    '        columns:', '          - include: all', '            exclude: [name]',
  ].join('\n'));
  return root;
}

test('each version of a versioned model gets its own tests or the model\'s, its kept and own columns\' tests, named and run per version', async () => {
  const root = project();
  const ls = await runFloe(['ls', '--resource-type', 'test', '--project-dir', root], {}, root);
  assert.equal(ls.code, 0, ls.err);
  assert.deepEqual(ls.out.trim().split('\n'), [
    // the model's own test on version 1; version 2's own test replaces it
    'vt.dbt_utils_at_least_one_dim_customers_v1_id',
    'vt.not_null_dim_customers_v1_id',
    // the model's column `score`, which version 1 keeps (include: all) beside its own `score`
    'vt.not_null_dim_customers_v1_score',
    'vt.not_null_dim_customers_v2_id',
    'vt.not_null_dim_customers_v2_score',
    'vt.unique_dim_customers_v1_name',
    // version 1's own column's test
    'vt.unique_dim_customers_v1_score',
    // version 2's own test
    'vt.unique_dim_customers_v2_id',
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
