// floe seed into the lakehouse as dbt seed (issue 17): delimiter, column_types and quote_columns honoured; a CSV whose
// columns changed fails with a clear message unless --full-refresh, which replaces the table in one commit. The real CLI
// over a project's local lakehouse (the catalog server over HTTP, real DuckDB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runFloe, type CliRun } from '../helpers/floe-cli';
import { writeTempProject } from '../helpers/demo-copy';

let dir: string;
const floe = (...args: string[]) => runFloe(args, {}, dir);
const ok = (r: CliRun) => { assert.equal(r.code, 0, r.err + r.out); return r; };

const FILES: Record<string, string> = {
  'dbt_project.yml': "name: seeded\nprofile: seeded\nseeds:\n  seeded:\n    +schema: ref\n",
  'profiles.yml': 'seeded:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n',
  'seeds/codes.csv': 'id;code;Full Name\n1;007;Ann\n2;010;Bob\n',
  'seeds/strict.csv': 'id,Full Name\n1,Ann\n',
  'seeds/seeds.yml': 'version: 2\nseeds:\n  - name: codes\n    config:\n      delimiter: ";"\n      quote_columns: true\n      column_types:\n        code: varchar\n  - name: strict\n    config:\n      quote_columns: false\n',
  'models/codes_view.sql': "select * from {{ ref('codes') }}\n",
};

before(() => {
  dir = writeTempProject('floe-seed-cli-', FILES);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const preview = async () => JSON.parse(ok(await floe('preview', dir, 'codes_view', '--format', 'json')).out) as { columns: { name: string; type: string }[]; rows: unknown[][] };
const snapshots = async () => JSON.parse(ok(await floe('catalog', 'tables', 'snapshots', 'ref.codes', '--format', 'json')).out).length as number;

test('floe seed: delimiter, column_types and quoted names; a changed header needs --full-refresh, which replaces the table in one commit', async () => {
  assert.match(ok(await floe('seed', '--select', 'codes')).out, /OK seed codes: loaded seeds\/codes\.csv into ref\.codes \(created\): 2 rows, snapshot \d+/);
  let p = await preview();
  assert.deepEqual(p.columns.map((c) => `${c.name} ${c.type}`), ['id INTEGER', 'code VARCHAR', 'Full Name VARCHAR']);
  assert.deepEqual(p.rows, [[1, '007', 'Ann'], [2, '010', 'Bob']]);

  // New rows with the same columns: replaced without --full-refresh (dbt's truncate and insert).
  fs.writeFileSync(path.join(dir, 'seeds', 'codes.csv'), 'id;code;Full Name\n1;007;Ann\n2;010;Bob\n3;011;Cy\n');
  assert.match(ok(await floe('seed', '--select', 'codes')).out, /into ref\.codes \(replaced\): 3 rows/);
  assert.equal(await snapshots(), 2);

  // A new column: refused, the table left as it was.
  fs.writeFileSync(path.join(dir, 'seeds', 'codes.csv'), 'id;code;Full Name;tier\n1;007;Ann;gold\n');
  const refused = await floe('seed', '--select', 'codes');
  assert.equal(refused.code, 1, refused.out);
  assert.match(refused.out, /ERROR seed codes/);
  assert.match(refused.out, /seed codes: the columns of seeds\/codes\.csv changed since it was loaded into ref\.codes \(new: tier\): run floe seed --full-refresh --select codes to replace the table with the new columns/);
  assert.equal(await snapshots(), 2);
  assert.equal((await preview()).rows.length, 3);

  // --full-refresh replaces columns and rows in one new snapshot.
  assert.match(ok(await floe('seed', '--select', 'codes', '--full-refresh')).out, /into ref\.codes \(replaced\): 1 rows/);
  assert.equal(await snapshots(), 3);
  p = await preview();
  assert.deepEqual(p.columns.map((c) => c.name), ['id', 'code', 'Full Name', 'tier']);
  assert.deepEqual(p.rows, [[1, '007', 'Ann', 'gold']]);

  // A changed type is a changed column too.
  fs.writeFileSync(path.join(dir, 'seeds', 'codes.csv'), 'id;code;Full Name;tier\n1;007;Ann;5\n');
  assert.match((await floe('seed', '--select', 'codes')).out, /\(tier was string, is now int\)/);
});

test('quote_columns: false refuses a header name that needs quoting, as dbt-duckdb does', async () => {
  const r = await floe('seed', '--select', 'strict');
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /seed strict: quote_columns is false, but seeds\/strict\.csv has column names that only work quoted: 'Full Name'; set quote_columns: true or rename them/);
});
