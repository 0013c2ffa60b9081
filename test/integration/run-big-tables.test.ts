// Big tables (issue 16) in model previews: a LIMIT over one source plans only its first files, yet the grid's total,
// sorts and exports see the whole table; count/min/max over a source come from its manifests when exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers, type Lakehouse } from '../../server/src/run/lakehouse';
import { writeDemoBronze, DEMO_SIZES } from '../../server/src/run/demo-bronze';
import { RunService } from '../../server/src/run/run-service';
import { preparePreview } from '../../server/src/run/preview';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { copyDemo } from '../helpers/demo-copy';

let dir: string;
let project: DbtProject;
let lakehouse: Lakehouse;
const service = new RunService();
const ORDERS = { namespace: ['demo', 'bronze'], name: 'bronze_orders' };

before(async () => {
  dir = copyDemo();
  fs.writeFileSync(path.join(dir, 'models', 'orders_rows.sql'), "select order_id, status from {{ source('bronze', 'orders') }}\n");
  fs.writeFileSync(path.join(dir, 'models', 'orders_stats.sql'), "select count(*) as n, min(order_id), max(order_id) as last_id from {{ source('bronze', 'orders') }}\n");
  project = DbtProject.load(dir);
  lakehouse = await openLakehouse(project);
  await writeDemoBronze(lakehouse, path.join(dir, 'bronze'), DEMO_SIZES.small);
  // more files and manifests: three appends of later orders
  const session = await DuckSession.open();
  try {
    for (let i = 1; i <= 3; i++) {
      await writeTable({ session, catalog: lakehouse.catalog, table: ORDERS, mode: 'append', onSchemaChange: 'ignore',
        sql: `SELECT (${i * 100_000} + r)::BIGINT AS order_id, 1::BIGINT AS customer_id, TIMESTAMP '2024-06-01' AS ordered_at, 'SHIPPED' AS status, TIMESTAMP '2024-06-02' AS updated_at FROM range(1000) t(r)` });
    }
  } finally {
    session.close();
  }
});
after(async () => {
  await service.dispose();
  await stopLocalCatalogServers();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a LIMIT preview over one source reads its first files; the total, sorts and exports see the whole table', async () => {
  const preview = await service.preview(project, { model: path.join(dir, 'models', 'orders_rows.sql'), limit: 10 }, {});
  assert.equal(preview.rowCount, 10);
  assert.equal(preview.truncated, true);
  const all = await service.preview(project, { model: path.join(dir, 'models', 'orders_rows.sql'), limit: 100_000 }, {});
  assert.equal(preview.totalRows, all.rowCount, 'the total comes from the manifest list');
  const prepared = await preparePreview(project, lakehouse, { model: 'orders_rows', limit: 11 });
  try {
    const read = prepared.run.sources.get('demo.bronze.bronze_orders')!;
    assert.equal(read.dataFiles, 1, 'one file of the four holds 11 rows');
    assert.equal(prepared.run.partialSources.size, 1);
    await prepared.run.completeSources();
    assert.equal(prepared.run.sources.get('demo.bronze.bronze_orders')!.dataFiles, 4);
  } finally {
    await prepared.run.close();
  }
  // Sorting the grid reads the whole table: the largest id is one of the last append's.
  const sorted = await service.query(preview.sql, { sort: { column: 0, descending: true } });
  assert.equal(sorted.totalRows, all.rowCount);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'floe-big-')), 'rows.csv');
  const exported = await service.exportResult(preview.sql, 'csv', out);
  assert.equal(exported.rows, all.rowCount);
  const session = await DuckSession.open();
  try {
    const max = await session.query(`SELECT max(order_id) FROM read_csv(${`'${out}'`})`);
    assert.ok(Number(max.rows[0]![0]) > 300_000, `${max.rows[0]![0]} is an order of the third append`);
  } finally {
    session.close();
  }
});

test('count/min/max over a source come from its manifests, exactly as reading it gives', async () => {
  const fast = await service.preview(project, { model: path.join(dir, 'models', 'orders_stats.sql'), limit: 10 }, {});
  assert.match(fast.sql, /^-- answered from table metadata: \d+ data file\(s\)/);
  const session = await DuckSession.open();
  try {
    // the reference: the same aggregates over the rows, through a preview whose query no shortcut takes
    fs.writeFileSync(path.join(dir, 'models', 'orders_stats_read.sql'), "select count(*) as n, min(order_id), max(order_id) as last_id from {{ source('bronze', 'orders') }} where true\n");
    const slow = await service.preview(DbtProject.load(dir), { model: path.join(dir, 'models', 'orders_stats_read.sql'), limit: 10 }, {});
    assert.doesNotMatch(slow.sql, /metadata/);
    assert.deepEqual(fast.columns, slow.columns);
    assert.equal(Buffer.from(fast.arrow, 'base64').length > 0, true);
    const rows = async (sql: string) => (await service.query(sql, {})).rowCount;
    assert.equal(await rows(fast.sql), 1);
    const a = await service.exportResult(fast.sql, 'json', path.join(os.tmpdir(), `floe-big-fast-${process.pid}.json`));
    const b = await service.exportResult(slow.sql, 'json', path.join(os.tmpdir(), `floe-big-slow-${process.pid}.json`));
    assert.equal(a.rows, 1);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(os.tmpdir(), `floe-big-fast-${process.pid}.json`), 'utf8')), JSON.parse(fs.readFileSync(path.join(os.tmpdir(), `floe-big-slow-${process.pid}.json`), 'utf8')));
    assert.equal(b.rows, 1);
  } finally {
    session.close();
  }
});

test('the explorer\'s table preview reads the first files; its total and sorts see the whole table', async () => {
  const all = await service.preview(project, { model: path.join(dir, 'models', 'orders_rows.sql'), limit: 100_000 }, {});
  const preview = await service.previewTable(lakehouse.catalog, lakehouse, ORDERS, { limit: 10 });
  assert.equal(preview.rowCount, 10);
  assert.equal(preview.totalRows, all.rowCount);
  const sorted = await service.query(preview.sql, { sort: { column: 0, descending: true } });
  assert.equal(sorted.totalRows, all.rowCount, 'a sort reads the whole table');
  const filtered = await service.query(preview.sql, { filter: { text: '300999' } });
  assert.equal(filtered.totalRows, 1, 'the last order of the third append is found');
});
