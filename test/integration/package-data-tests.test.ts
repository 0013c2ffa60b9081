// floe test and floe build run the data tests an installed package declares, as dbt does (a package's schema YAML tests
// its models, its tests/ holds singular tests; `dbt test` selects them by default, `package:x` picks them): node ids and fqns name the package, in
// run_results.json and manifest.json, and `data_tests:` config comes from the package's dbt_project.yml with the root
// project's over it. The real CLI over a small project and real DuckDB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFloe } from '../helpers/floe-cli';

let dir: string;
const FILES: Record<string, string> = {
  // the package sets its tests' severity to error; the root project's tree for the package makes them warnings
  'dbt_project.yml': 'name: p\nprofile: p\ndata_tests:\n  pkg:\n    +severity: warn\n',
  'profiles.yml': "p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n",
  'models/a.sql': 'select 1 as id\n',
  'models/a.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n',
  'dbt_packages/pkg/dbt_project.yml': 'name: pkg\ndata_tests:\n  pkg:\n    +severity: error\n    +tags: [from_pkg]\n',
  'dbt_packages/pkg/models/pm.sql': 'select * from (values (1), (1), (null)) t(id)\n',
  'dbt_packages/pkg/models/pm.yml': 'version: 2\nmodels:\n  - name: pm\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
  // a singular test of the package's (its test-paths): it fails, a warning by the root project's tree
  'dbt_packages/pkg/tests/pm_has_no_nulls.sql': "select * from {{ ref('pm') }} where id is null\n",
};

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-pkg-tests-'));
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const floe = (...args: string[]) => runFloe([...args, '--project-dir', dir], {}, dir);
const results = () => JSON.parse(fs.readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')).results.map((r: { unique_id: string; status: string }) => `${r.unique_id} ${r.status}`).sort();

test("floe test runs an installed package's tests with the root project's; ids, fqns and config as dbt's", async () => {
  const r = await floe('test');
  assert.equal(r.code, 0, r.err + r.out);
  assert.match(r.out, /^WARN 1 unique\(pm\.id\)/m);
  assert.match(r.out, /^WARN 1 pm_has_no_nulls/m);
  assert.match(r.out, /^Done\. PASS=1 WARN=3 FAIL=0 ERROR=0 TOTAL=4$/m);
  assert.doesNotMatch(r.out, /floe test runs the root project's tests/);
  assert.deepEqual(results(), ['test.p.unique_a_id.f6a5f640da pass', 'test.pkg.not_null_pm_id.002c2b85b9 warn', 'test.pkg.pm_has_no_nulls warn', 'test.pkg.unique_pm_id.38a778b1b9 warn']);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8'));
  const node = manifest.nodes['test.pkg.unique_pm_id.38a778b1b9'];
  assert.deepEqual([node.package_name, node.fqn, node.original_file_path, node.depends_on.nodes, node.config.severity, node.tags], ['pkg', ['pkg', 'unique_pm_id'], 'models/pm.yml', ['model.pkg.pm'], 'warn', ['from_pkg']]);
  const singular = manifest.nodes['test.pkg.pm_has_no_nulls'];
  assert.deepEqual([singular.package_name, singular.fqn, singular.original_file_path, singular.depends_on.nodes], ['pkg', ['pkg', 'pm_has_no_nulls'], 'tests/pm_has_no_nulls.sql', ['model.pkg.pm']]);
});

test('package:pkg selects the package\'s tests, --exclude package:pkg leaves them out; floe build runs them after their model', async () => {
  assert.match((await floe('test', '--select', 'package:pkg')).out, /^Done\. PASS=0 WARN=3 FAIL=0 ERROR=0 TOTAL=3$/m);
  assert.deepEqual(results(), ['test.pkg.not_null_pm_id.002c2b85b9 warn', 'test.pkg.pm_has_no_nulls warn', 'test.pkg.unique_pm_id.38a778b1b9 warn']);
  assert.match((await floe('test', '--exclude', 'package:pkg')).out, /^Done\. PASS=1 WARN=0 FAIL=0 ERROR=0 TOTAL=1$/m);
  const b = await floe('build');
  assert.equal(b.code, 0, b.err + b.out);
  assert.match(b.out, /WARN 1 test unique_pm_id/);
  assert.match(b.out, /Done\. PASS=3 WARN=3 ERROR=0 SKIP=0 TOTAL=6/);
});
