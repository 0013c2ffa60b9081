// floe test on a copy of the demo with its local lakehouse: the demo's tests pass (exit 0), a failing error test
// prints FAIL with its count and exits 1, a warn test does not fail the run, and --format json parses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { copyDemo, REPO_ROOT } from '../helpers/demo-copy';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers } from '../../server/src/run/lakehouse';
import { writeDemoBronze, DEMO_SIZES } from '../../server/src/run/demo-bronze';
import type { DataTestResult } from '../../server/src/protocol/dataTests';

const MAIN = path.join(REPO_ROOT, 'server/src/cli/main.ts');
let dir: string;

function floe(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  dir = copyDemo();
  await writeDemoBronze(await openLakehouse(DbtProject.load(dir)), path.join(dir, 'bronze'), DEMO_SIZES.small);
  await stopLocalCatalogServers();
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('floe test: the demo tests pass, one PASS line each and a summary, exit 0', () => {
  const r = floe('test', '--project', dir);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^PASS not_null\(stg_orders\.order_id\) \[\d+ ms\]$/m);
  assert.match(r.out, /^PASS relationships\(stg_orders\.customer_id\)/m);
  assert.match(r.out, /^PASS not_null\(source:bronze\.orders\.order_id\)/m);
  assert.match(r.out, /^PASS assert_positive_line_amounts/m);
  assert.match(r.out, /^Done\. PASS=16 WARN=0 FAIL=0 ERROR=0 TOTAL=16$/m);
});

test('a failing error test prints FAIL with its count and sample and exits 1; --select narrows; json parses', () => {
  const schema = path.join(dir, 'models/schema.yml');
  const original = fs.readFileSync(schema, 'utf8');
  fs.writeFileSync(schema, original
    .replace("values: ['placed', 'shipped', 'completed', 'cancelled']", "values: ['placed', 'shipped']")
    .replace('      - name: email\n', "      - name: email\n        tests:\n          - accepted_values:\n              values: ['x']\n              severity: warn\n"));
  fs.writeFileSync(path.join(dir, 'tests/assert_broken.sql'), "select * from {{ ref('stg_orders') }} where no_such_column > 0\n");
  try {
    const r = floe('test', dir, '--select', 'stg_orders');
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /^FAIL 2 accepted_values\(stg_orders\.status\)/m);
    assert.match(r.out, /^ {2}value_field \| n_records$/m);
    assert.match(r.out, /^ {2}cancelled {3}\| +\d+$/m);
    assert.match(r.out, /^ERROR assert_broken[\s\S]*tests\/assert_broken\.sql:1:\d+:.*no_such_column/m);
    assert.doesNotMatch(r.out, /stg_customers/, 'only the selected model\'s tests');
    assert.match(r.out, /^Done\. PASS=\d+ WARN=0 FAIL=1 ERROR=1 TOTAL=\d+$/m);

    const warnOnly = floe('test', dir, '--select', 'stg_customers');
    assert.equal(warnOnly.code, 0, 'a warn test fails no run');
    assert.match(warnOnly.out, /^WARN \d+ accepted_values\(stg_customers\.email\)/m);

    const json = floe('test', dir, '--select', 'stg_orders', '--format', 'json');
    assert.equal(json.code, 1);
    const { results } = JSON.parse(json.out) as { results: DataTestResult[] };
    const values = results.find((x) => x.id === 'stg_orders.status.accepted_values');
    assert.equal(values?.status, 'fail');
    assert.equal(values?.failures, '2');
    assert.deepEqual(values?.sample?.columns, ['value_field', 'n_records']);
  } finally {
    fs.writeFileSync(schema, original);
    fs.rmSync(path.join(dir, 'tests/assert_broken.sql'));
  }
});

test("--select/--exclude take dbt's syntax: a folder's tests less a test name; tests picked by type; a no-match warning", () => {
  const staging = floe('test', dir, '--select', 'staging', '--exclude', 'test_name:not_null');
  assert.equal(staging.code, 0, staging.out + staging.err);
  assert.doesNotMatch(staging.out, /not_null\(/);
  assert.match(staging.out, /^PASS unique\(stg_products\.product_id\)/m);
  assert.match(staging.out, /^PASS assert_positive_line_amounts/m, 'the singular test refs a staging model');
  assert.match(staging.out, /^Done\. PASS=8 WARN=0 FAIL=0 ERROR=0 TOTAL=8$/m);
  const singular = floe('test', dir, '--select', 'test_type:singular marts_nothing');
  assert.equal(singular.code, 0, singular.out + singular.err);
  assert.match(singular.out, /^Done\. PASS=1 WARN=0 FAIL=0 ERROR=0 TOTAL=1$/m);
  assert.match(singular.err, /floe test: warning: The selection criterion 'marts_nothing' does not match any enabled nodes\./);
  // Cautious indirect selection leaves out a test that also depends on an unselected model.
  const cautious = floe('test', dir, '--select', 'stg_orders', '--indirect-selection', 'cautious');
  assert.equal(cautious.code, 0, cautious.out + cautious.err);
  assert.match(cautious.out, /^PASS not_null\(stg_orders\.order_id\)/m);
  assert.doesNotMatch(cautious.out, /relationships\(stg_orders\.customer_id\)/);
  const bad = floe('test', dir, '--indirect-selection', 'lazy');
  assert.equal(bad.code, 2, bad.out + bad.err);
  assert.match(bad.err, /--indirect-selection must be one of eager, cautious, buildable, empty, not 'lazy'/);
});
