// dbt unit tests from the CLI on a copy of test/fixtures/projects/unit-tests: `floe test --select test_type:unit` runs
// them with no catalog (a failure prints its diff, exit 1 as dbt), selection by name, tag and test_type, `floe ls`
// lists them as unit_test, and `floe build` runs a model's unit tests before the model, skipping it when one fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../helpers/demo-copy';
import { dbtArtifactValidators } from '../helpers/dbt-schemas';

const MAIN = path.join(REPO_ROOT, 'server/src/cli/main.ts');
const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/projects/unit-tests');
let dir: string;

function floe(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args, '--project-dir', dir], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, DBT_PROFILES_DIR: dir } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-unit-cli-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('floe test --select test_type:unit: passes, overrides, a failure with its diff, exit 1', () => {
  const r = floe('test', '--select', 'test_type:unit');
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /^PASS customer_revenue::revenue_per_customer \[\d+ ms\]$/m);
  assert.match(r.out, /^PASS customer_revenue::incremental_only_new_customers /m);
  assert.match(r.out, /^PASS stg_orders::lowercases_status /m);
  assert.match(r.out, /^FAIL customer_revenue::wrong_revenue \[\d+ ms\]\n {2}unit test wrong_revenue on customer_revenue: actual differs from expected \(models\/marts\/schema\.yml:59\)\n\n {4}customer_id \| revenue\n {2}\+ 1 +\| 5\.50\n {2}- 1 +\| 6\.00$/m);
  assert.match(r.out, /^Done\. PASS=3 WARN=0 FAIL=1 ERROR=0 TOTAL=4$/m);
  assert.doesNotMatch(r.out, /assert_positive_amount/, 'data tests are not selected');
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { results: Array<{ unique_id: string; status: string }> };
  assert.deepEqual(results.results.map((x) => `${x.unique_id} ${x.status}`).sort(), [
    'unit_test.shop.customer_revenue.incremental_only_new_customers pass', 'unit_test.shop.customer_revenue.revenue_per_customer pass',
    'unit_test.shop.customer_revenue.wrong_revenue fail', 'unit_test.shop.stg_orders.lowercases_status pass',
  ]);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as { unit_tests: Record<string, { model: string; given: unknown[] }> };
  assert.equal(manifest.unit_tests['unit_test.shop.stg_orders.lowercases_status']?.model, 'stg_orders');
  const validate = dbtArtifactValidators();
  assert.ok(validate.manifest(manifest), `manifest v12: ${JSON.stringify(validate.manifest.errors?.slice(0, 3))}`);
  assert.ok(validate.runResults(results), `run results v6: ${JSON.stringify(validate.runResults.errors?.slice(0, 3))}`);
});

test('selection: by unit test name, by tag, --exclude; test_type:data leaves unit tests out; exit 0 when they pass', () => {
  const one = floe('test', '--select', 'lowercases_status', '--format', 'json');
  assert.equal(one.code, 0, one.out + one.err);
  assert.deepEqual((JSON.parse(one.out) as { results: Array<{ id: string; status: string }> }).results.map((x) => `${x.id} ${x.status}`), ['unit:stg_orders.lowercases_status pass']);
  const tagged = floe('test', '--select', 'tag:money');
  assert.equal(tagged.code, 1);
  assert.match(tagged.out, /TOTAL=1$/m);
  const excluded = floe('test', '--select', 'test_type:unit', '--exclude', 'wrong_revenue');
  assert.equal(excluded.code, 0, excluded.out + excluded.err);
  assert.match(excluded.out, /^Done\. PASS=3 WARN=0 FAIL=0 ERROR=0 TOTAL=3$/m);
  const ls = floe('ls', '--select', 'test_type:unit', '--output', 'name');
  assert.equal(ls.code, 0, ls.out + ls.err);
  assert.deepEqual(ls.out.trim().split('\n').filter((l) => !/^\d\d:/.test(l)).sort(), ['incremental_only_new_customers', 'lowercases_status', 'revenue_per_customer', 'wrong_revenue']);
  // dbt ls prints a unit test as unit_test:<package>.<name> (jaffle-shop-expand's 3 unit tests printed as fqns before).
  const selectors = floe('ls', '--select', 'stg_orders', '--resource-type', 'unit_test');
  assert.deepEqual(selectors.out.trim().split('\n').filter((l) => !/^\d\d:/.test(l)), ['unit_test:shop.lowercases_status']);
  const data = floe('ls', '--select', 'test_type:data', '--output', 'name');
  assert.deepEqual(data.out.trim().split('\n').filter((l) => !/^\d\d:/.test(l)), ['assert_positive_amount']);
});

test('floe build runs a model\'s unit tests before it; a failing one skips the model', () => {
  const r = floe('build', '--select', 'customer_revenue');
  assert.equal(r.code, 1, r.out + r.err);
  const lines = r.out.split('\n').filter((l) => /^\d+ of \d+ /.test(l));
  const model = lines.findIndex((l) => / model customer_revenue/.test(l));
  assert.ok(model > 0, r.out);
  assert.ok(lines.slice(0, model).some((l) => /PASS unit_test revenue_per_customer/.test(l)), r.out);
  assert.ok(lines.slice(0, model).some((l) => /FAIL \d+ unit_test wrong_revenue/.test(l)), r.out);
  assert.match(lines[model], /SKIP model customer_revenue: upstream wrong_revenue failed/);
});

test('a model that fails on inputs whose upstream columns Floe does not know says so and how to fix it (jaffle-shop\'s unit tests)', () => {
  // jaffle-shop's sources declare no columns: its staging models do not bind offline, so a fixture that names only some
  // columns of one is all Floe has, where dbt reads the rest (and the types) from the warehouse.
  fs.appendFileSync(path.join(dir, 'models/sources.yml'), '      - name: events\n');
  fs.writeFileSync(path.join(dir, 'models/staging/stg_events.sql'), "select id as event_id, cast(happened_at as date) as event_date from {{ source('raw', 'events') }}\n");
  fs.writeFileSync(path.join(dir, 'models/marts/daily_events.sql'), "select event_date, count(*) as n from {{ ref('stg_events') }} group by 1\n");
  fs.writeFileSync(path.join(dir, 'models/marts/events.yml'), [
    'unit_tests:', '  - name: counts_per_day', '    model: daily_events', '    given:', "      - input: ref('stg_events')",
    '        rows:', '          - {event_id: 1}', '    expect:', '      rows:', '        - {n: 1}', '',
  ].join('\n'));
  const r = floe('test', '--select', 'counts_per_day');
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /^ERROR daily_events::counts_per_day /m);
  assert.match(r.out, /daily_events failed on the given rows: .*event_date/);
  assert.match(r.out, /Floe knows no column types of ref\('stg_events'\) offline: that input has only the fixture's columns, .* Declare the columns with data_type in schema YAML/);
  // with the source's columns declared, the staging model binds and the fixture's missing column is null, as in dbt
  fs.appendFileSync(path.join(dir, 'models/sources.yml'), '        columns:\n          - {name: id, data_type: integer}\n          - {name: happened_at, data_type: timestamp}\n');
  fs.writeFileSync(path.join(dir, 'models/marts/events.yml'), fs.readFileSync(path.join(dir, 'models/marts/events.yml'), 'utf8').replace('{n: 1}', '{event_date: null, n: 1}'));
  const fixed = floe('test', '--select', 'counts_per_day');
  assert.equal(fixed.code, 0, fixed.out + fixed.err);
  assert.match(fixed.out, /^PASS daily_events::counts_per_day /m);
});
