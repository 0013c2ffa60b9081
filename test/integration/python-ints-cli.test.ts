// Ints past 2**53 written in YAML keep every digit wherever dbt renders or writes them: var() from dbt_project.yml and
// --vars, config values (meta) in compiled SQL and in manifest.json (a JSON number, as Python's json writes it), a data
// test's arguments in the SQL run in DuckDB (rounded, the tests fail) and in its name and unique id (dbt's hash of Python's str() of
// them), and vars a unit test overrides. Before, JavaScript's number rounded 9007199254740993 to ...992 without an error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/demo-copy';
import { runFloe as floe } from '../helpers/floe-cli';

let dir: string;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-bigints-'));
  fs.cpSync(path.join(REPO_ROOT, 'test/fixtures/projects/bigints'), dir, { recursive: true });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('floe compile prints vars, --vars, meta, fromyaml and fromjson ints past 2**53 with every digit; 017, 1_000, 1:30 as PyYAML reads them', async () => {
  const r = await floe(['compile', '--project-dir', dir, '--select', 'printed', '--vars', '{cli: 9007199254740997}']);
  assert.equal(r.code, 0, r.out + r.err);
  const sql = fs.readFileSync(path.join(dir, 'target/compiled/bigints/models/printed.sql'), 'utf8');
  assert.equal(sql, `select
  9007199254740993 as big,
  -9007199254740993 as negative,
  9007199254740995 as tagged,
  123456789012345678901234567890 as huge,
  '{'a': [9007199254740993, 2]}' as nested,
  15 as octal,
  1000 as underscored,
  90 as sexagesimal,
  9007199254740993 as hex_big,
  9007199254740997 as cli,
  9007199254740994 as big_plus_one,
  9007199254740993 as owner_id,
  9007199254740993 as from_yaml,
  9007199254740993 as from_json`);
  // manifest.json: the meta value a JSON number of its digits, as dbt writes it
  const manifest = fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8');
  assert.match(manifest, /"meta": \{\n\s*"owner_id": 9007199254740993\n/);
});

test("floe test: data test arguments past 2**53 run exact in DuckDB and name the test as dbt does; a unit test's overridden var is exact", async () => {
  const r = await floe(['test', '--project-dir', dir]);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^PASS accepted_values\(src\.id\)/m);
  assert.match(r.out, /^PASS at_least\(src\.high\)/m);
  assert.match(r.out, /^PASS var_big::overridden_big_var/m);
  assert.match(r.out, /^Done\. PASS=3 WARN=0 FAIL=0 ERROR=0 TOTAL=3$/m);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8'));
  const tests = Object.values(manifest.nodes as Record<string, any>).filter((n) => n.resource_type === 'test');
  // unique ids with dbt's hash: md5 of the name and repr() of the metadata with str() of each argument (computed with Python)
  assert.deepEqual(tests.map((t) => t.unique_id).sort(), [
    'test.bigints.accepted_values_src_id__False__9007199254740993__9007199254740995.d7c372eeb9',
    'test.bigints.at_least_src_high__9007199254740995.0c431d3ebd',
  ]);
});
