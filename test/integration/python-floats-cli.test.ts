// Values written as integral floats (`1.0`) in YAML print as Python prints them wherever dbt renders them: var() from
// dbt_project.yml and --vars, config values, a data test's arguments (in its compiled SQL, run in DuckDB) and unit
// test rows. Before, JavaScript's one number type printed them `1`: accepted_values on '1.0' failed, as did the rest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../helpers/demo-copy';

const MAIN = path.join(REPO_ROOT, 'server/src/cli/main.ts');
let dir: string;

function floe(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-floats-'));
  fs.cpSync(path.join(REPO_ROOT, 'test/fixtures/projects/floats'), dir, { recursive: true });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('floe compile prints vars, --vars and config values written as 1.0 as Python does, and keeps them numbers', () => {
  const r = floe('compile', '--project-dir', dir, '--select', 'printed', '--vars', '{cli: 5.0}');
  assert.equal(r.code, 0, r.out + r.err);
  const sql = fs.readFileSync(path.join(dir, 'target/compiled/floats/models/printed.sql'), 'utf8');
  const printed = Object.fromEntries([...sql.matchAll(/^\s*(.*) as (\w+),?$/gm)].map((m) => [m[2], m[1]]));
  assert.deepEqual(printed, {
    ratio: '1.0', ratio_text: "'1.0'", doubled: "'2.0'", equals_one: "'True'", big: "'1e+16'", negative_zero: "'-0.0'",
    nested: "$${'a': 2.0, 'b': [3.0, 4]}$$", scale: "'100.0'", tolerance: "'0.0'", cli: "'5.0'", text_value: "'1.0'",
  });
});

test("floe test: a data test's 1.0 arguments print 1.0 in its SQL (accepted_values on '1.0' passes); unit test rows and overridden vars print floats as dbt does", () => {
  const r = floe('test', '--project-dir', dir);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^PASS printed_as\(printed\.ratio\)/m);
  assert.match(r.out, /^PASS accepted_values\(printed\.text_value\)/m);
  assert.match(r.out, /^PASS doubled::rows_print_floats_as_python/m);
  assert.match(r.out, /^PASS var_text::overridden_var_prints_as_python/m);
  assert.match(r.out, /^Done\. PASS=4 WARN=0 FAIL=0 ERROR=0 TOTAL=4$/m);
});
