// Preview and materialize against the local lakehouse: the catalog over HTTP, real DuckDB, real Iceberg files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers, type Lakehouse } from '../../server/src/run/lakehouse';
import { writeDemoBronze, DEMO_SIZES } from '../../server/src/run/demo-bronze';
import { preparePreview } from '../../server/src/run/preview';
import { materialize } from '../../server/src/run/materialize';
import { ModelRunError } from '../../server/src/run/run-error';
import { DuckSession } from '../../server/src/engine/session';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import { copyDemo } from '../helpers/demo-copy';

let dir: string;
let project: DbtProject;
let lakehouse: Lakehouse;
let direct: DuckSession;

/** The demo's SQL run directly on generated rows, without Floe: the reference for previews and marts. */
async function directSession(root: string): Promise<DuckSession> {
  const s = await DuckSession.open();
  for (const [k, v] of Object.entries(DEMO_SIZES.small)) await s.run(`SET VARIABLE ${k} = ${v}`);
  await s.run('CREATE SCHEMA IF NOT EXISTS ref');
  for (const t of ['customers', 'orders', 'products', 'order_items']) {
    await s.run(`CREATE OR REPLACE TABLE ref.src_${t} AS ${fs.readFileSync(path.join(root, 'bronze', `${t}.sql`), 'utf8')}`);
  }
  const plain = (file: string) => fs.readFileSync(path.join(root, 'models', file), 'utf8')
    .replace(/\{\{\s*config\([\s\S]*?\)\s*\}\}/, '')
    .replace(/\{\{\s*source\('bronze',\s*'(\w+)'\)\s*\}\}/g, 'ref.src_$1')
    .replace(/\{\{\s*ref\('(\w+)'\)\s*\}\}/g, 'ref.$1');
  for (const m of ['stg_customers', 'stg_orders', 'stg_products', 'stg_order_items']) await s.run(`CREATE OR REPLACE VIEW ref.${m} AS ${plain(`staging/${m}.sql`)}`);
  for (const m of ['mart_customer_orders', 'mart_revenue', 'mart_product_performance']) await s.run(`CREATE OR REPLACE VIEW ref.${m} AS ${plain(`marts/${m}.sql`)}`);
  return s;
}

before(async () => {
  dir = copyDemo();
  project = DbtProject.load(dir);
  lakehouse = await openLakehouse(project);
  await writeDemoBronze(lakehouse, path.join(dir, 'bronze'), DEMO_SIZES.small);
  direct = await directSession(dir);
});
after(async () => {
  direct?.close();
  await stopLocalCatalogServers();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the local lakehouse is a catalog on loopback with its warehouse inside the project', () => {
  assert.equal(lakehouse.kind, 'local');
  assert.match(lakehouse.uri, /^http:\/\/127\.0\.0\.1:\d+\/api\/catalog$/);
  assert.ok(fs.existsSync(path.join(dir, '.floe', 'warehouse', 'demo', 'bronze', 'bronze_customers', 'metadata')));
});

test('a staging preview returns exactly the rows of the same SQL run directly', async () => {
  for (const model of ['stg_customers', 'stg_orders', 'stg_order_items']) {
    const preview = await preparePreview(project, lakehouse, { model, limit: 100_000 });
    try {
      const got = await preview.guard(() => preview.run.session.query(`SELECT * FROM (${preview.sql}) ORDER BY ALL`));
      const want = await direct.query(`SELECT * FROM ref.${model} ORDER BY ALL`);
      assert.deepEqual(got.columns.map((c) => `${c.name}:${c.type}`), want.columns.map((c) => `${c.name}:${c.type}`), model);
      assert.ok(got.rows.length > 0);
      assert.deepEqual(got.rows, want.rows, model);
    } finally {
      await preview.run.close();
    }
  }
});

test('the preview limit holds and the CTE under the cursor can be previewed alone', async () => {
  const limited = await preparePreview(project, lakehouse, { model: 'stg_customers', limit: 7 });
  try {
    assert.equal((await limited.run.session.query(limited.sql)).rows.length, 7);
  } finally {
    await limited.run.close();
  }
  const text = fs.readFileSync(path.join(dir, 'models/staging/stg_customers.sql'), 'utf8').split('\n');
  const line = text.findIndex((l) => l.startsWith('ranked as'));
  const cte = await preparePreview(project, lakehouse, { model: 'stg_customers', limit: 100_000, cteAt: { line, character: 2 } });
  try {
    const got = await cte.run.session.query(cte.sql);
    assert.ok(got.columns.some((c) => c.name === 'version_rank'), 'the ranked CTE has version_rank');
    assert.equal(got.rows.length, 1100, 'all bronze versions, before deduplication');
  } finally {
    await cte.run.close();
  }
});

test('materialize writes every mart; each reads back equal to its SQL run directly, with DECIMAL kept', async () => {
  const results = await materialize(project, lakehouse, undefined);
  assert.deepEqual(results.map((r) => r.table).sort(), ['demo.gold.mart_customer_orders', 'demo.gold.mart_product_performance', 'demo.gold.mart_revenue']);
  const revenue = await lakehouse.catalog.loadTable({ namespace: ['demo', 'gold'], name: 'mart_revenue' });
  assert.equal(String(revenue.metadata['current-snapshot-id']), results.find((r) => r.model === 'mart_revenue')!.snapshot_id);
  assert.deepEqual(revenue.metadata['partition-specs'].at(-1)!.fields.map((f) => f.transform), ['month']);
  const revenueType = revenue.metadata.schemas.at(-1)!.fields.find((f) => f.name === 'revenue')!.type;
  assert.equal(revenueType, 'decimal(38, 2)');
  for (const r of results) {
    const [ns1, ns2, name] = r.table.split('.');
    const loaded = await lakehouse.catalog.loadTable({ namespace: [ns1, ns2], name });
    await registerIcebergTable(direct, `gold_${name}`, loaded);
    const got = await direct.query(`SELECT * FROM "gold_${name}" ORDER BY ALL`);
    const want = await direct.query(`SELECT * FROM ref.${r.model} ORDER BY ALL`);
    assert.equal(String(got.rows.length), r.rows, r.model);
    assert.deepEqual(got.rows, want.rows, r.model);
  }
});

test('an incremental model with unique_key merges on a second run', async () => {
  const file = path.join(dir, 'models/marts/mart_customer_latest.sql');
  fs.writeFileSync(file, `{{ config(materialized='incremental', unique_key='customer_id', polaris_namespace='demo.gold') }}\nselect customer_id, email from {{ ref('stg_customers') }}\n`);
  project.reload();
  const first = await materialize(project, lakehouse, 'mart_customer_latest');
  const second = await materialize(project, lakehouse, 'mart_customer_latest');
  assert.equal(first[0].rows, '1000');
  assert.equal(first[0].operation, 'append');
  assert.notEqual(first[0].snapshot_id, second[0].snapshot_id);
  const loaded = await lakehouse.catalog.loadTable({ namespace: ['demo', 'gold'], name: 'mart_customer_latest' });
  assert.equal(loaded.metadata.snapshots.length, 2, 'the merge is a second snapshot, not a rewrite of history');
  await registerIcebergTable(direct, 'latest', loaded);
  const counts = await direct.query('SELECT count(*) AS n, count(DISTINCT customer_id) AS k FROM latest');
  assert.deepEqual(counts.rows, [['1000', '1000']], 'merged on customer_id: no duplicates');
  fs.rmSync(file);
  project.reload();
});

test('a SQL error in a model points at the model line, and nothing is written', async () => {
  const file = path.join(dir, 'models/marts/mart_broken.sql');
  fs.writeFileSync(file, `{{ config(materialized='table', polaris_namespace='demo.gold') }}\n\nselect\n    customer_id,\n    customer_nmae\nfrom {{ ref('stg_customers') }}\n`);
  project.reload();
  try {
    await assert.rejects(materialize(project, lakehouse, 'mart_broken'), (e: unknown) => {
      assert.ok(e instanceof ModelRunError, String(e));
      assert.equal(e.location?.file, file);
      assert.equal(e.location?.position.line, 4, e.message);
      assert.match(e.message, /customer_nmae/);
      return true;
    });
    assert.equal(await lakehouse.catalog.tableExists({ namespace: ['demo', 'gold'], name: 'mart_broken' }), false);
  } finally {
    fs.rmSync(file);
    project.reload();
  }
});

test('a missing bronze data file is named in the error', async () => {
  const loaded = await lakehouse.catalog.loadTable({ namespace: ['demo', 'bronze'], name: 'bronze_products' });
  const dataDir = path.join(loaded.metadata.location.replace(/^file:\/\//, ''), 'data');
  const victim = fs.readdirSync(dataDir, { recursive: true }).map(String).find((f) => f.endsWith('.parquet'))!;
  const moved = `${path.join(dataDir, victim)}.bak`;
  fs.renameSync(path.join(dataDir, victim), moved);
  try {
    await assert.rejects(preparePreview(project, lakehouse, { model: 'stg_products', limit: 5 }), (e: unknown) => {
      assert.match(String((e as Error).message), new RegExp(victim.replace(/[.]/g, '\\.')));
      assert.match(String((e as Error).message), /bronze_products/);
      return true;
    });
  } finally {
    fs.renameSync(moved, path.join(dataDir, victim));
  }
});
