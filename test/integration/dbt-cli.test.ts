// Issue 17: Floe as dbt's command line in a pipeline: `floe run --select marts.*` in the project folder (the seed's
// Dagster call), `floe build` in DAG order skipping what depends on a failure, `floe seed`, `floe ls`, dbt's flags and
// exit codes; the real CLI over the demo project and its local lakehouse (a catalog server over HTTP, real DuckDB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyDemo } from '../helpers/demo-copy';
import { runFloe, type CliRun } from '../helpers/floe-cli';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers } from '../../server/src/run/lakehouse';
import { writeDemoBronze } from '../../server/src/run/demo-bronze';
import Ajv2020 from 'ajv/dist/2020';
import { dbtArtifactValidators } from '../helpers/dbt-schemas';

let dir: string;
const floe = (...args: string[]) => runFloe(args, {}, dir);
const lines = (r: CliRun) => r.out.trim().split('\n');
const ok = (r: CliRun) => { assert.equal(r.code, 0, r.err + r.out); return r; };

const EXTRA = {
  'seeds/loaded/countries.csv': 'code,name\nNL,Netherlands\nFR,France\n',
  'seeds/plain_codes.csv': 'code\nA\nB\n',
  'models/extra/by_status.sql': "{{ config(materialized='table', polaris_namespace='demo.extra') }}\nselect '{{ var(\"wanted_status\") }}' as status, count(*) as n from {{ ref('stg_orders') }} where status = '{{ var(\"wanted_status\") }}'\n",
  'models/extra/loose_table.sql': "{{ config(materialized='table') }}\nselect code, name from {{ ref('countries') }}\n",
  'models/extra/after_loose.sql': "select count(*) as n from {{ ref('loose_table') }}\n",
  'models/extra/extra.yml': 'version: 2\nmodels:\n  - name: loose_table\n    columns:\n      - name: code\n        data_tests:\n          - accepted_values:\n              arguments:\n                values: [NL]\n',
};

before(async () => {
  dir = copyDemo(EXTRA);
  fs.appendFileSync(path.join(dir, 'dbt_project.yml'), '\nseeds:\n  floe_demo:\n    loaded:\n      +schema: ref\n');
  // Bronze tables in the project's local lakehouse, written as `floe demo` writes them (fewer rows).
  try {
    await writeDemoBronze(await openLakehouse(DbtProject.load(dir)), path.join(dir, 'bronze'), { customers: 40, orders: 150, products: 12 });
  } finally {
    await stopLocalCatalogServers();
  }
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("floe run --select marts.* in the project folder writes the gold marts, as the seed's Dagster asset calls dbt", async () => {
  const r = ok(await floe('run', '--select', 'marts.*'));
  assert.deepEqual(lines(r).slice(0, 3).map((l) => l.replace(/: .*/, '')), ['1 of 3 OK model mart_customer_orders', '2 of 3 OK model mart_product_performance', '3 of 3 OK model mart_revenue']);
  assert.match(r.out, /OK model mart_revenue: created demo\.gold\.mart_revenue in the local lakehouse: \d+ rows, snapshot \d+ \[\d+\.\d\ds\]/);
  assert.match(r.out, /\nDone\. PASS=3 WARN=0 ERROR=0 SKIP=0 TOTAL=3\n$/);
  assert.equal(ok(await floe('catalog', 'tables', 'list', 'demo.gold')).out, 'demo.gold.mart_customer_orders\ndemo.gold.mart_product_performance\ndemo.gold.mart_revenue\n');
  // Run again: the external marts are replaced, one new snapshot each.
  assert.match(ok(await floe('run', '-s', 'mart_revenue')).out, /OK model mart_revenue: replaced demo\.gold\.mart_revenue/);
  assert.equal(JSON.parse(ok(await floe('catalog', 'tables', 'snapshots', 'demo.gold.mart_revenue', '--format', 'json')).out).length, 2);
});

test('floe build: seeds, models and tests in DAG order; a failure skips what depends on it; exit 1', async () => {
  const r = await floe('build', '--select', 'path:models/extra', 'path:seeds');
  assert.equal(r.code, 1, r.err + r.out);
  const byName = new Map(lines(r).map((l) => [/^\d+ of \d+ [A-Z]+(?: \d+)? \w+ (\w+)/.exec(l)?.[1], l]).filter((e): e is [string, string] => e[0] !== undefined));
  assert.match(byName.get('countries')!, /OK seed countries: loaded seeds\/loaded\/countries\.csv into ref\.countries \(created\): 2 rows/);
  assert.match(byName.get('plain_codes')!, /OK seed plain_codes: read from seeds\/plain_codes\.csv by the models that ref it/);
  assert.match(byName.get('loose_table')!, /OK model loose_table: materialized 'table' without polaris_namespace or schema, so there is no Iceberg namespace to write it to/);
  assert.match(byName.get('accepted_values_loose_table_code__NL')!, /FAIL 1 test accepted_values_loose_table_code__NL/);
  assert.match(byName.get('after_loose')!, /SKIP model after_loose: upstream accepted_values_loose_table_code__NL failed/);
  assert.match(byName.get('by_status')!, /ERROR model by_status/);
  assert.match(r.out, /models\/extra\/by_status\.sql:\d+:\d+: .*Required var 'wanted_status' not found/);
  assert.match(r.out, /Done\. PASS=3 WARN=0 ERROR=2 SKIP=1 TOTAL=6\n$/);
  // The order: seeds before the model that refs them, the test before the model below what it tests.
  const order = [...byName.keys()];
  assert.ok(order.indexOf('countries') < order.indexOf('loose_table'));
  assert.ok(order.indexOf('accepted_values_loose_table_code__NL') < order.indexOf('after_loose'));
  assert.doesNotMatch(r.out + r.err, /\bat \S+\.ts:\d+/);

  const failFast = await floe('build', '--select', 'path:models/extra', '--fail-fast', '--vars', '{wanted_status: shipped}');
  assert.equal(failFast.code, 1);
  assert.match(failFast.out, /SKIP model \w+: --fail-fast: the run stopped after accepted_values_loose_table_code__NL failed/);
});

test('floe run --vars (YAML) reaches var(); floe seed loads and --full-refresh reloads; models read the seeded table', async () => {
  const r = ok(await floe('run', '--select', 'by_status', '--vars', '{wanted_status: shipped}'));
  assert.match(r.out, /OK model by_status: (created|replaced) demo\.extra\.by_status in the local lakehouse: 1 rows/);
  const seeded = ok(await floe('seed'));
  assert.match(seeded.out, /OK seed countries: loaded seeds\/loaded\/countries\.csv into ref\.countries \((created|replaced)\)/);
  assert.match(ok(await floe('seed', '--full-refresh', '--select', 'countries')).out, /into ref\.countries \(replaced\): 2 rows/);
  assert.ok(JSON.parse(ok(await floe('catalog', 'tables', 'snapshots', 'ref.countries', '--format', 'json')).out).length >= 2);
  // Models read the seeded table, as dbt reads the seeded relation: a row added to the CSV since is not seen until seeded again.
  const csv = path.join(dir, 'seeds', 'loaded', 'countries.csv');
  const before = fs.readFileSync(csv, 'utf8');
  try {
    fs.appendFileSync(csv, 'DE,Germany\n');
    const rows = () => floe('preview', dir, 'loose_table', '--format', 'json').then((r) => JSON.parse(ok(r).out).rows.length);
    assert.equal(await rows(), 2);
    ok(await floe('seed', '-s', 'countries'));
    assert.equal(await rows(), 3);
  } finally {
    fs.writeFileSync(csv, before);
    ok(await floe('seed', '-s', 'countries'));
  }
});

test('floe ls: --resource-type, --output selector|name|path|json, --output-keys, in unique_id order', async () => {
  assert.equal(ok(await floe('ls', '--resource-type', 'seed', '--output', 'name')).out, 'countries\nplain_codes\n');
  assert.equal(ok(await floe('ls', '-s', 'marts.*', '--resource-type', 'model')).out, 'floe_demo.marts.mart_customer_orders\nfloe_demo.marts.mart_product_performance\nfloe_demo.marts.mart_revenue\n');
  assert.equal(ok(await floe('ls', '-s', 'stg_orders', '--resource-type', 'model', '--output', 'path')).out, 'models/staging/stg_orders.sql\n');
  assert.match(ok(await floe('ls', '--resource-type', 'source', '--output', 'selector')).out, /^source:floe_demo\.bronze\.customers\n/);
  const json = lines(ok(await floe('ls', '-s', 'mart_revenue', '--output', 'json'))).map((l) => JSON.parse(l));
  const model = json.find((j) => j.resource_type === 'model');
  assert.equal(model.unique_id, 'model.floe_demo.mart_revenue');
  assert.equal(model.config.materialized, 'external');
  assert.deepEqual(model.depends_on.nodes.sort(), ['model.floe_demo.stg_customers', 'model.floe_demo.stg_order_items', 'model.floe_demo.stg_orders']);
  assert.equal(ok(await floe('ls', '-s', 'mart_revenue', '--resource-type', 'model', '--output', 'json', '--output-keys', 'unique_id name')).out, '{"unique_id":"model.floe_demo.mart_revenue","name":"mart_revenue"}\n');
  assert.equal(ok(await floe('ls', '--resource-type', 'exposure')).out, '');
});

test("dbt's exit codes: 2 for usage errors and an unreachable lakehouse, with plain messages", async () => {
  const cases: [string[], RegExp][] = [
    [['run', '--vars', '[1, 2]'], /--vars must be a YAML mapping/],
    [['run', '--target', 'nope'], /--target nope: profile 'floe_demo' .* has no such target \(it has dev, prod\)/],
    [['ls', '--output', 'xml'], /--output must be one of selector, name, path, json/],
    [['build', '--resource-type', 'modle'], /--resource-type 'modle' is not one of/],
    [['run', '--bogus'], /Unknown option '--bogus'/],
    [['run', '--project-dir', path.join(dir, 'nowhere')], /has no dbt_project\.yml/],
    [['run', '--select', 'marts.*', '--threads', 'many'], /--threads must be a positive whole number/],
  ];
  for (const [args, message] of cases) {
    const r = await floe(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
  }
  const down = await runFloe(['run', '--select', 'marts.*', '--target', 'prod', '--threads', '4'], { POLARIS_URI: 'http://127.0.0.1:9/api/catalog' }, dir);
  assert.equal(down.code, 2, down.err);
  assert.match(down.err, /the lakehouse of floe_demo \(target prod\) is unavailable: .*127\.0\.0\.1:9/);
  assert.doesNotMatch(down.err, /\bat \S+\.ts:\d+/);
  // floe catalog takes the project's --target too.
  const catalogDown = await runFloe(['catalog', 'namespaces', 'list', '--target', 'prod'], { POLARIS_URI: 'http://127.0.0.1:9/api/catalog' }, dir);
  assert.equal(catalogDown.code, 1);
  assert.match(catalogDown.err, /127\.0\.0\.1:9/);
  const nothing = ok(await floe('run', '--select', 'tag:nothing_has_this'));
  assert.match(nothing.err, /nothing to do/);
});

test("floe test and floe compile take dbt's flags: --project-dir, several --select values, --vars, --target-path", async () => {
  const t = ok(await runFloe(['test', '--project-dir', dir, '--select', 'stg_orders', 'stg_customers', '--format', 'json']));
  const results = JSON.parse(t.out).results as { status: string }[];
  assert.equal(results.length, 8);
  assert.ok(results.every((r) => r.status === 'pass'));
  const runResults = JSON.parse(fs.readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8'));
  assert.equal(runResults.args.which, 'test');
  assert.equal(runResults.results.length, 8);
  assert.ok(runResults.results.every((x: { unique_id: string; status: string; failures: number }) => /^test\.floe_demo\./.test(x.unique_id) && x.status === 'pass' && x.failures === 0));
  const one = ok(await floe('compile', '-s', 'by_status', '--vars', '{wanted_status: completed}'));
  assert.match(one.out, /where status = 'completed'/);
  // the file holds dbt's compiled_code (no newline added); the printed SQL ends in one
  const written = fs.readFileSync(path.join(dir, 'target', 'compiled', 'floe_demo', 'models', 'extra', 'by_status.sql'), 'utf8');
  assert.equal(written.endsWith('\n') ? written : `${written}\n`, one.out);
  const many = ok(await floe('compile', '--select', 'marts.*', '--target-path', 'build_out'));
  // the three marts and, as dbt's eager indirect selection picks it, the test over one of them
  assert.equal(lines(many).length, 4, many.out);
  assert.ok(fs.existsSync(path.join(dir, 'build_out', 'compiled', 'floe_demo', 'models', 'marts', 'mart_revenue.sql')));
  assert.ok(fs.existsSync(path.join(dir, 'build_out', 'compiled', 'floe_demo', 'models', 'schema.yml', 'unique_mart_customer_orders_customer_id.sql')));
  const bad = await floe('compile', '-s', 'by_status');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^models\/extra\/by_status\.sql:1:\d+: error: Required var 'wanted_status'/);
});

test("target/manifest.json and target/run_results.json validate against dbt's published schemas and carry what consumers read", async () => {
  const r = await floe('build', '--select', 'path:models/extra', 'path:seeds', 'mart_revenue', '--vars', '{wanted_status: shipped}');
  assert.equal(r.code, 1, r.err);
  const read = (name: string): Record<string, any> => JSON.parse(fs.readFileSync(path.join(dir, 'target', name), 'utf8'));
  const manifest = read('manifest.json');
  const runResults = read('run_results.json');
  const { manifest: validManifest, runResults: validRunResults } = dbtArtifactValidators();
  assert.ok(validManifest(manifest), JSON.stringify(validManifest.errors?.slice(0, 3)));
  assert.ok(validRunResults(runResults), JSON.stringify(validRunResults.errors?.slice(0, 3)));
  // The validators do reject what dbt's schemas forbid.
  assert.equal(validRunResults({ ...runResults, results: [{ ...runResults.results[0], status: 'done' }] }), false);
  assert.equal(validManifest({ ...manifest, nodes: { x: { ...manifest.nodes['model.floe_demo.mart_revenue'], resource_type: 'table' } } }), false);

  assert.equal(manifest.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/manifest/v12.json');
  assert.equal(manifest.metadata.project_name, 'floe_demo');
  const mart = manifest.nodes['model.floe_demo.mart_revenue'];
  assert.deepEqual([mart.resource_type, mart.name, mart.schema, mart.alias, mart.config.materialized, mart.path, mart.original_file_path],
    ['model', 'mart_revenue', 'demo.gold', 'mart_revenue', 'external', 'marts/mart_revenue.sql', 'models/marts/mart_revenue.sql']);
  assert.deepEqual(mart.fqn, ['floe_demo', 'marts', 'mart_revenue']);
  assert.deepEqual([...mart.depends_on.nodes].sort(), ['model.floe_demo.stg_customers', 'model.floe_demo.stg_order_items', 'model.floe_demo.stg_orders']);
  // dbt's compiled SQL names relations as dbt does (the demo's silver models: target schema main, custom schema silver)
  assert.match(mart.compiled_code, /from "memory"\."main_silver"\."stg_orders" o/);
  assert.equal(manifest.nodes['model.floe_demo.stg_orders'].compiled, false, 'not run in this invocation');
  const testId = Object.keys(manifest.nodes).find((id) => id.startsWith('test.floe_demo.accepted_values_loose_table_code__NL.'))!;
  assert.match(testId, /^test\.floe_demo\.accepted_values_loose_table_code__NL\.[0-9a-f]{10}$/);
  const t = manifest.nodes[testId];
  assert.deepEqual([t.resource_type, t.attached_node, t.column_name, t.test_metadata.name, t.test_metadata.kwargs.values], ['test', 'model.floe_demo.loose_table', 'code', 'accepted_values', ['NL']]);
  assert.equal(manifest.nodes['seed.floe_demo.countries'].schema, 'ref');
  const source = manifest.sources['source.floe_demo.bronze.orders'];
  assert.deepEqual([source.source_name, source.name, source.resource_type], ['bronze', 'orders', 'source']);
  assert.ok(manifest.child_map['model.floe_demo.stg_orders'].includes('model.floe_demo.mart_revenue'));
  assert.deepEqual(manifest.parent_map['model.floe_demo.mart_revenue'], [...mart.depends_on.nodes].sort());

  const byId = new Map(runResults.results.map((x: { unique_id: string }) => [x.unique_id, x]));
  for (const id of byId.keys()) assert.ok(manifest.nodes[id as string], `${id} is in the manifest`);
  const written = byId.get('model.floe_demo.mart_revenue') as Record<string, any>;
  assert.equal(written.status, 'success');
  assert.match(written.adapter_response.snapshot_id, /^\d+$/);
  assert.ok(written.adapter_response.rows_affected > 0);
  assert.equal(written.relation_name, '"memory"."demo.gold"."mart_revenue"');
  assert.equal(written.timing[0].name, 'execute');
  assert.ok(Date.parse(written.timing[0].completed_at) >= Date.parse(written.timing[0].started_at));
  const failed = byId.get(testId) as Record<string, any>;
  assert.deepEqual([failed.status, failed.failures], ['fail', 1]);
  const skipped = byId.get('model.floe_demo.after_loose') as Record<string, any>;
  assert.deepEqual([skipped.status, skipped.timing], ['skipped', []]);
  assert.equal((byId.get('seed.floe_demo.countries') as Record<string, any>).adapter_response.rows_affected, 2);
  assert.equal(runResults.args.which, 'build');
  assert.ok(runResults.elapsed_time > 0);
});

test('as dagster-dbt calls it: global flags first, DBT_LOG_FORMAT=json and DBT_TARGET_PATH in the environment, --profile and --target after', async () => {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-dagster-target-'));
  try {
    const env = { DBT_LOG_FORMAT: 'json', DBT_TARGET_PATH: target, DBT_PROJECT_DIR: dir, DBT_PROFILES_DIR: dir, DBT_LOG_PATH: target, DAGSTER_DBT_CLI: 'true' };
    const r = await runFloe(['--no-use-colors', 'run', '--select', 'fqn:floe_demo.marts.mart_revenue', 'stg_orders', '--profile', 'floe_demo', '--target', 'dev'], env, dir);
    assert.equal(r.code, 0, r.err + r.out);
    const events = lines(r).map((l) => JSON.parse(l));
    const results = events.filter((e) => e.info.name === 'LogModelResult');
    assert.deepEqual(results.map((e) => [e.data.node_info.unique_id, e.data.node_info.node_status, e.data.node_info.materialized]),
      [['model.floe_demo.stg_orders', 'success', 'view'], ['model.floe_demo.mart_revenue', 'success', 'external']]);
    for (const e of results) {
      assert.ok(Date.parse(e.data.node_info.node_finished_at) >= Date.parse(e.data.node_info.node_started_at));
      assert.equal(e.info.level, 'info');
      assert.match(e.info.invocation_id, /^[0-9a-f-]{36}$/);
    }
    const stats = events.at(-1);
    assert.deepEqual([stats.info.name, stats.data.stats], ['StatsLine', { error: 0, pass: 2, skip: 0, total: 2, warn: 0 }]);
    const runResults = JSON.parse(fs.readFileSync(path.join(target, 'run_results.json'), 'utf8'));
    assert.equal(runResults.metadata.invocation_id, results[0].info.invocation_id, 'the events and the artifacts name one invocation');
    assert.ok(fs.existsSync(path.join(target, 'manifest.json')));
    const failing = await runFloe(['build', '--select', 'loose_table+'], { DBT_LOG_FORMAT: 'json' }, dir);
    assert.equal(failing.code, 1);
    const failed = lines(failing).map((l) => JSON.parse(l)).find((e) => e.info.name === 'LogTestResult');
    assert.deepEqual([failed.data.node_info.node_status, failed.data.num_failures, failed.info.level], ['fail', 1, 'error']);
    assert.ok(lines(failing).map((l) => JSON.parse(l)).some((e) => e.info.name === 'SkippingDetails' && e.data.node_info.unique_id === 'model.floe_demo.after_loose'));
  } finally {
    fs.rmSync(target, { recursive: true, force: true });
  }
});

test("floe docs generate writes the manifest and target/catalog.json (dbt's catalog v1): Iceberg schemas for tables, DuckDB's for views", async () => {
  ok(await floe('seed', '-s', 'countries'));
  ok(await floe('run', '-s', 'mart_revenue'));
  // by_status exists as a table only after a run with its var: without the table and the var it cannot be described.
  ok(await floe('run', '-s', 'by_status', '--vars', '{wanted_status: shipped}'));
  ok(await floe('catalog', 'tables', 'drop', 'demo.extra.by_status'));
  const r = await floe('docs', 'generate');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /warning: model\.floe_demo\.by_status: .*Required var 'wanted_status'/);
  const catalog: Record<string, any> = JSON.parse(fs.readFileSync(path.join(dir, 'target', 'catalog.json'), 'utf8'));
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const valid = ajv.compile(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'dbt-schemas', 'catalog-v1.json'), 'utf8')));
  assert.ok(valid(catalog), JSON.stringify(valid.errors?.slice(0, 3)));
  assert.equal(valid({ ...catalog, nodes: { x: { columns: {}, stats: {} } } }), false, 'a node without metadata is refused');
  const mart = catalog.nodes['model.floe_demo.mart_revenue'];
  assert.deepEqual([mart.metadata.type, mart.metadata.schema, mart.metadata.name], ['ICEBERG TABLE', 'demo.gold', 'mart_revenue']);
  assert.deepEqual(Object.values(mart.columns).map((c) => [(c as { name: string }).name, (c as { index: number }).index]), [['order_month', 1], ['country', 2], ['orders', 3], ['revenue', 4]]);
  assert.equal(mart.columns.revenue.type.startsWith('DECIMAL'), true);
  const view = catalog.nodes['model.floe_demo.loose_table'];
  assert.deepEqual([view.metadata.type, view.columns.code.type, view.columns.name.index], ['VIEW', 'VARCHAR', 2]);
  assert.equal(catalog.nodes['seed.floe_demo.countries'].metadata.type, 'ICEBERG TABLE');
  assert.equal(catalog.nodes['seed.floe_demo.plain_codes'].metadata.type, 'VIEW');
  assert.equal(catalog.sources['source.floe_demo.bronze.orders'].metadata.type, 'ICEBERG TABLE');
  assert.ok(catalog.errors.some((e: string) => e.startsWith('model.floe_demo.by_status: ')));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8'));
  assert.equal(manifest.nodes['model.floe_demo.stg_orders'].compiled, true, 'docs generate compiles every model');
  assert.equal(manifest.nodes['model.floe_demo.by_status'].compiled, false);
});

test("survey 14: floe docs generate leaves out, as dbt's catalog does, a source the lakehouse lacks and a view over it; no warning", async () => {
  // dbt's catalog lists what the warehouse has: a never-loaded source (and a view over it) is absent, not an error
  const ghost = { 'models/extra/ghost.yml': 'version: 2\nsources:\n  - name: ghost\n    schema: demo.ghost\n    tables:\n      - name: events\n',
    'models/extra/ghost_view.sql': "select * from {{ source('ghost', 'events') }}\n" };
  for (const [f, text] of Object.entries(ghost)) fs.writeFileSync(path.join(dir, f), text);
  try {
    const r = await floe('docs', 'generate');
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err, /ghost/);
    const catalog: Record<string, any> = JSON.parse(fs.readFileSync(path.join(dir, 'target', 'catalog.json'), 'utf8'));
    assert.equal(catalog.sources['source.floe_demo.ghost.events'], undefined);
    assert.equal(catalog.nodes['model.floe_demo.ghost_view'], undefined);
    assert.ok(!(catalog.errors ?? []).some((e: string) => e.includes('ghost')), JSON.stringify(catalog.errors));
    assert.equal(catalog.sources['source.floe_demo.bronze.orders'].metadata.type, 'ICEBERG TABLE');
  } finally {
    for (const f of Object.keys(ghost)) fs.rmSync(path.join(dir, f));
  }
});
