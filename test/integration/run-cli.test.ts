// The CLI of the core loop, as a user runs it: floe demo, materialize, preview, then floe query reads gold back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { copyDemo, REPO_ROOT } from '../helpers/demo-copy';
import { spawnCatalogServe } from '../helpers/local-catalog';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
let dir: string;

function floe(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is built (npm test builds first)');
  dir = copyDemo();
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('floe demo runs the whole loop and prints every gold mart with its rows and location', () => {
  const r = floe('demo', dir);
  assert.equal(r.code, 0, r.err);
  for (const mart of ['mart_customer_orders', 'mart_revenue', 'mart_product_performance']) {
    assert.match(r.out, new RegExp(`demo\\.gold\\.${mart} — \\d+ rows, snapshot \\d+`), mart);
    assert.ok(r.out.includes(path.join(dir, '.floe', 'warehouse', 'demo', 'gold', mart, 'metadata')), `${mart} location`);
  }
  assert.match(r.out, /Previewing staging model stg_customers[\s\S]*\(5 rows\)/);
});

test('floe materialize --format json reports each write, and floe query reads the gold table back through the catalog', async () => {
  const m = floe('materialize', dir, '--select', 'mart_revenue', '--format', 'json');
  assert.equal(m.code, 0, m.err);
  const [result] = JSON.parse(m.out) as Array<{ model: string; table: string; snapshot_id: string; rows: string; files: number; ms: number }>;
  assert.equal(result.model, 'mart_revenue');
  assert.equal(result.table, 'demo.gold.mart_revenue');
  assert.match(result.snapshot_id, /^\d+$/);

  const serve = await spawnCatalogServe(['--warehouse', path.join(dir, '.floe', 'warehouse'), '--port', '0']);
  try {
    const q = floe('query', '--catalog', serve.uri, '--warehouse', 'floe', '--format', 'json', 'SELECT count(*) AS n, sum(revenue) AS total FROM demo.gold.mart_revenue');
    assert.equal(q.code, 0, q.err);
    const body = JSON.parse(q.out) as { columns: { name: string; type: string }[]; rows: string[][] };
    assert.equal(body.rows[0][0], result.rows);
    assert.match(body.rows[0][1], /^\d+\.\d{2}$/, 'revenue is an exact decimal');
    const p = floe('preview', dir, 'mart_revenue', '--limit', '1000', '--format', 'json');
    assert.equal(p.code, 0, p.err);
    const preview = JSON.parse(p.out) as { rows: string[][]; columns: { name: string }[] };
    const i = preview.columns.findIndex((c) => c.name === 'revenue');
    const sum = preview.rows.reduce((n, row) => n + BigInt(row[i].replace('.', '')), 0n);
    assert.equal(sum.toString(), body.rows[0][1].replace('.', ''), 'the previewed model and the gold table agree');
  } finally {
    await serve.stop();
  }
});

test("floe materialize --select 'marts.*' (dbt's fqn selector) writes the marts, less --exclude; what matched nothing is a warning", () => {
  const m = floe('materialize', dir, '--select', 'marts.* nothing_here', '--exclude', 'mart_revenue', '--format', 'json');
  assert.equal(m.code, 0, m.err);
  const written = (JSON.parse(m.out) as Array<{ model: string; table: string }>).map((r) => r.table).sort();
  assert.deepEqual(written, ['demo.gold.mart_customer_orders', 'demo.gold.mart_product_performance']);
  assert.match(m.err, /floe materialize: warning: The selection criterion 'nothing_here' does not match any enabled nodes\./);
  const views = floe('materialize', dir, '--select', 'tag:silver');
  assert.equal(views.code, 1);
  assert.match(views.err, /Nothing to materialize: --select 'tag:silver' selects \d+ models and none is written to the catalog/);
  assert.match(views.err, /^ {2}stg_\w+ is a view \(materialized='view'\), so there is no Iceberg table to write; preview it instead/m);
  const one = floe('materialize', dir, '--select', 'stg_orders');
  assert.equal(one.code, 1);
  assert.match(one.err, /Nothing to materialize: stg_orders is a view \(materialized='view'\), so there is no Iceberg table to write; preview it instead, or set materialized='table' and a schema to write it\./);
  const bad = floe('materialize', dir, '--select', 'config:table');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /Invalid selector 'config:table': config needs a key, as in config\.materialized:table/);
});

test('a broken model fails with its file and line, and an unreachable catalog is named', () => {
  const model = path.join(dir, 'models/staging/stg_products.sql');
  const original = fs.readFileSync(model, 'utf8');
  const remote = copyDemo({ 'profiles.yml': "floe_demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      plugins:\n        - module: p\n          config: { catalog_uri: 'http://127.0.0.1:9/api/catalog', warehouse: 'w' }\n" });
  try {
    fs.writeFileSync(model, "{{ config(materialized='view') }}\nselect\n    product_idd\nfrom {{ source('bronze', 'products') }}\n");
    const r = floe('preview', dir, 'stg_products');
    assert.equal(r.code, 1);
    assert.match(r.err, /stg_products\.sql:3:5: .*product_idd/);
    const u = floe('materialize', remote);
    assert.equal(u.code, 1);
    assert.match(u.err, /127\.0\.0\.1:9/);
    assert.doesNotMatch(u.err, /\n\s+at /, 'no stack trace');
  } finally {
    fs.writeFileSync(model, original);
    fs.rmSync(remote, { recursive: true, force: true });
  }
});

test('preview and materialize errors name the model, line and column, say what is wrong and the fix, DuckDB kept as detail', () => {
  const model = path.join(dir, 'models/staging/stg_products.sql');
  const original = fs.readFileSync(model, 'utf8');
  const cases: [string, RegExp][] = [
    ["select * from {{ ref('stg_orderz') }}\n", /stg_products\.sql:1:23: Model 'stg_orderz' not found \(referenced by stg_products\)\. Did you mean 'stg_orders'\?/],
    ["select * from {{ source('bronze', 'prodcts') }}\n", /stg_products\.sql:1:18: Source 'bronze\.prodcts' not found \(referenced by stg_products\): declare it under sources: in a schema YAML file\. Did you mean 'products'\?/],
    ["select\n  cast(category as integer) as n\nfrom {{ source('bronze', 'products') }}\n", /stg_products\.sql:2:\d+: The value '[^']+' of column 'category' cannot be converted to INTEGER: use TRY_CAST\(\.\.\. AS INTEGER\)[^\n]*\nDuckDB: Could not convert string/],
    ['select * from products_raw\n', /stg_products\.sql:1:15: There is no relation 'products_raw': read models with \{\{ ref\('\.\.\.'\) \}\} and sources with [^\n]*\nDuckDB: Table with name products_raw does not exist!\n/],
  ];
  try {
    for (const [sql, expected] of cases) {
      fs.writeFileSync(model, sql);
      const r = floe('preview', dir, 'stg_products');
      assert.equal(r.code, 1, sql);
      assert.match(r.err, expected, sql);
      assert.doesNotMatch(r.err, /pg_|duckdb_|\n\s+at /, 'no DuckDB internals or stack');
    }
    // Materializing a mart over the broken model names the model's own line.
    fs.writeFileSync(model, cases[0][0]);
    const m = floe('materialize', dir, '--select', 'mart_product_performance');
    assert.equal(m.code, 1);
    assert.match(m.err, /stg_products\.sql:1:23: Model 'stg_orderz' not found.*Did you mean 'stg_orders'\?/);
  } finally {
    fs.writeFileSync(model, original);
  }
});
