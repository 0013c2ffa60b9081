// Issue 17: `floe source freshness` as dbt runs it, over the demo's local lakehouse (catalog server over HTTP, real
// DuckDB): max(loaded_at_field) read from the Iceberg tables, or the current snapshot's time when there is no
// loaded_at_field; dbt's statuses and exit codes; target/sources.json valid against dbt's sources v3 schema.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { copyDemo } from '../helpers/demo-copy';
import { runFloe } from '../helpers/floe-cli';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers } from '../../server/src/run/lakehouse';
import { writeDemoBronze } from '../../server/src/run/demo-bronze';

let dir: string;
const floe = (...args: string[]) => runFloe(args, {}, dir);

const FRESHNESS = `version: 2
sources:
  - name: fresh
    schema: demo.bronze
    freshness:
      warn_after: {count: 12, period: hour}
      error_after: {count: 1, period: day}
    tables:
      - name: stale_customers
        identifier: bronze_customers
        loaded_at_field: updated_at
      - name: one_customer
        identifier: bronze_customers
        loaded_at_field: updated_at
        freshness:
          filter: customer_id = 1
      - name: future_orders
        identifier: bronze_orders
        loaded_at_field: "updated_at + interval 1000 year"
      - name: products_by_snapshot
        identifier: bronze_products
      - name: items_just_written
        identifier: bronze_order_items
        freshness:
          warn_after: {count: 0, period: minute}
      - name: bad_column
        identifier: bronze_orders
        loaded_at_field: no_such_column
      - name: not_checked
        identifier: bronze_orders
        freshness: null
`;

before(async () => {
  dir = copyDemo({ 'models/freshness.yml': FRESHNESS });
  try {
    await writeDemoBronze(await openLakehouse(DbtProject.load(dir)), path.join(dir, 'bronze'), { customers: 20, orders: 30, products: 5 });
  } finally {
    await stopLocalCatalogServers();
  }
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("floe source freshness: dbt's statuses from max(loaded_at_field) or the snapshot time; exit 1 on error; sources.json", async () => {
  const r = await floe('source', 'freshness');
  assert.equal(r.code, 1, r.err + r.out);
  const line = (table: string) => r.out.split('\n').find((l) => l.includes(`freshness of fresh.${table}`)) ?? '';
  assert.match(line('stale_customers'), /^\d of 6 ERROR STALE freshness of fresh\.stale_customers: max\(loaded_at_field\) of demo\.bronze\.bronze_customers 2024-\d\d-\d\dT.*\+00:00, \d+d \d+h ago, past error_after 1 day/);
  assert.match(line('one_customer'), /ERROR STALE freshness of fresh\.one_customer: max\(loaded_at_field\) of demo\.bronze\.bronze_customers 2024-01-01T00:00:00\.104729\+00:00/);
  assert.match(line('future_orders'), /PASS freshness of fresh\.future_orders: max\(loaded_at_field\) of demo\.bronze\.bronze_orders 30\d\d-/);
  assert.match(line('products_by_snapshot'), /PASS freshness of fresh\.products_by_snapshot: last snapshot of demo\.bronze\.bronze_products \d{4}-/);
  assert.match(line('items_just_written'), /WARN freshness of fresh\.items_just_written: last snapshot of demo\.bronze\.bronze_order_items .* past warn_after 0 minutes/);
  assert.match(r.out, /ERROR freshness of fresh\.bad_column \[\d+\.\d\ds\]\n  max\(no_such_column\) over demo\.bronze\.bronze_orders failed: .*no_such_column/);
  assert.doesNotMatch(r.out, /not_checked|bronze\.orders/, 'tables without a freshness block are not checked');
  assert.match(r.out, /Done\. PASS=2 WARN=1 ERROR=3 SKIP=0 TOTAL=6\n$/);

  const sources: Record<string, any> = JSON.parse(fs.readFileSync(path.join(dir, 'target', 'sources.json'), 'utf8'));
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const valid = ajv.compile<unknown>(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'dbt-schemas', 'sources-v3.json'), 'utf8')));
  assert.ok(valid(sources), JSON.stringify(valid.errors?.slice(0, 3)));
  assert.equal(valid({ ...sources, results: [{ ...sources.results[0], status: 'stale' }] }), false);
  assert.equal(sources.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/sources/v3.json');
  const byId = new Map(sources.results.map((x: { unique_id: string }) => [x.unique_id, x]));
  const one = byId.get('source.floe_demo.fresh.one_customer') as Record<string, any>;
  assert.deepEqual([one.status, one.max_loaded_at, one.criteria], ['error', '2024-01-01T00:00:00.104729+00:00',
    { warn_after: { count: 12, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: 'customer_id = 1' }]);
  assert.ok(one.max_loaded_at_time_ago_in_s > 86400 * 300);
  assert.match(one.snapshotted_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
  const bad = byId.get('source.floe_demo.fresh.bad_column') as Record<string, any>;
  assert.deepEqual(Object.keys(bad).sort(), ['error', 'status', 'unique_id']);
  assert.equal(bad.status, 'runtime error');
  // The manifest carries the freshness config.
  ok(await floe('ls', '-s', 'source:fresh', '--resource-type', 'source'));
  const docs = ok(await floe('docs', 'generate'));
  assert.equal(docs.code, 0);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8'));
  assert.deepEqual([manifest.sources['source.floe_demo.fresh.one_customer'].loaded_at_field, manifest.sources['source.floe_demo.fresh.one_customer'].freshness.filter], ['updated_at', 'customer_id = 1']);
  assert.equal(manifest.sources['source.floe_demo.fresh.not_checked'].freshness, null);
});

test('selection, --output, warn-only exit 0, usage errors exit 2', async () => {
  const r = ok(await floe('source', 'freshness', '--select', 'source:fresh.future_orders', 'source:fresh.items_just_written', '--output', 'out/fresh.json'));
  assert.match(r.out, /Done\. PASS=1 WARN=1 ERROR=0 SKIP=0 TOTAL=2\n$/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'out', 'fresh.json'), 'utf8')).results.length, 2);
  const json = ok(await floe('source', 'freshness', '-s', 'source:fresh.future_orders', '--log-format', 'json'));
  const events = json.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(events.map((e) => e.info.name), ['LogFreshnessResult', 'StatsLine']);
  assert.equal(events[0].data.status, 'pass');
  for (const [args, message] of [[['source'], /expected 'freshness'/], [['source', 'freshness', '--bogus'], /Unknown option '--bogus'/]] as const) {
    const bad = await floe(...args);
    assert.equal(bad.code, 2);
    assert.match(bad.err, message);
  }
});

function ok(r: { code: number | null; out: string; err: string }) {
  assert.equal(r.code, 0, r.err + r.out);
  return r;
}
