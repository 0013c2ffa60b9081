// Issue 15: an enforced contract at materialize, against the local lakehouse (the catalog over HTTP, real DuckDB,
// real Iceberg files). The contract sets the table schema; a mismatch or a NULL in a not_null column writes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers, type Lakehouse } from '../../server/src/run/lakehouse';
import { materialize } from '../../server/src/run/materialize';
import { ModelRunError } from '../../server/src/run/run-error';
import { DuckSession } from '../../server/src/engine/session';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import { writeTempProject } from '../helpers/demo-copy';

const CONFIG = "{{ config(materialized='table', polaris_namespace='shop.gold') }}\n";
const PRICES = `${CONFIG}select
    i::integer as product_id,
    cast(i * 1.25 as decimal(10, 2)) as price,
    'p' || i as label,
    timestamptz '2026-01-01 00:00:00+00' + to_days(i::integer) as listed_at
from range(1, 6) t(i)
`;

const CONTRACT = `version: 2
models:
  - name: prices
    config:
      contract: {enforced: true}
    # a model-level not_null says the same as a column's own
    constraints:
      - type: not_null
        columns: [label]
    columns:
      - name: listed_at
        data_type: timestamp with time zone
        description: When the product was listed.
      - name: product_id
        data_type: int
        description: Product key.
        constraints:
          - type: not_null
      - name: price
        data_type: decimal(10,2)
      - name: label
        data_type: text
`;

let dir: string;
let project: DbtProject;
let lakehouse: Lakehouse;
const table = { namespace: ['shop', 'gold'], name: 'prices' };
const schemaFile = () => path.join(dir, 'models/schema.yml');
const modelFile = () => path.join(dir, 'models/prices.sql');

before(async () => {
  dir = writeTempProject('floe-contract-run-', {
    'dbt_project.yml': "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\nmodel-paths: ['models']\n",
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n',
    'models/prices.sql': PRICES,
    'models/schema.yml': CONTRACT.replace('data_type: decimal(10,2)', 'data_type: double').replace('      - name: label\n        data_type: text\n', '      - name: discount\n        data_type: int\n'),
  });
  project = DbtProject.load(dir);
  lakehouse = await openLakehouse(project);
});
after(async () => {
  await stopLocalCatalogServers();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a model that does not meet its contract is refused with every column named, and nothing is written', async () => {
  await assert.rejects(materialize(project, lakehouse, 'prices'), (e: unknown) => {
    assert.ok(e instanceof ModelRunError, String(e));
    assert.match(e.message, /prices does not meet its enforced contract, so nothing was written/);
    assert.match(e.message, /column price is DECIMAL\(10,2\) in the model's SQL but double in the contract/);
    assert.match(e.message, /column discount is in the contract but the model's SQL does not produce it/);
    assert.match(e.message, /column label is produced by the model's SQL but not in the contract/);
    return true;
  });
  assert.equal(await lakehouse.catalog.tableExists(table), false);
  assert.equal(fs.existsSync(path.join(dir, '.floe', 'warehouse', 'shop')), false, 'not even the namespace');
});

test('a NULL in a not_null column refuses the write', async () => {
  fs.writeFileSync(schemaFile(), CONTRACT);
  fs.writeFileSync(modelFile(), PRICES.replace('i::integer as product_id', 'case when i = 3 then null else i end::integer as product_id'));
  project.reload();
  await assert.rejects(materialize(project, lakehouse, 'prices'), /column product_id is not_null but 1 row has NULL in it/);
  assert.equal(await lakehouse.catalog.tableExists(table), false);
});

test('a model-level constraint naming a column the contract lacks refuses the write', async () => {
  fs.writeFileSync(schemaFile(), CONTRACT.replace('columns: [label]', 'columns: [label, lable]'));
  fs.writeFileSync(modelFile(), PRICES);
  project.reload();
  await assert.rejects(materialize(project, lakehouse, 'prices'), /the model's not_null constraint names column lable, which the contract does not have/);
  assert.equal(await lakehouse.catalog.tableExists(table), false);
  fs.writeFileSync(schemaFile(), CONTRACT);
});

test('a met contract sets the Iceberg schema: its order, exact types, required fields (column and model constraints) and docs', async () => {
  fs.writeFileSync(modelFile(), PRICES);
  project.reload();
  const [result] = await materialize(project, lakehouse, 'prices');
  assert.equal(result.rows, '5');
  const loaded = await lakehouse.catalog.loadTable(table);
  const fields = loaded.metadata.schemas.at(-1)!.fields.map((f) => ({ name: f.name, type: f.type, required: f.required, doc: f.doc }));
  assert.deepEqual(fields, [
    { name: 'listed_at', type: 'timestamptz', required: false, doc: 'When the product was listed.' },
    { name: 'product_id', type: 'int', required: true, doc: 'Product key.' },
    { name: 'price', type: 'decimal(10, 2)', required: false, doc: undefined },
    { name: 'label', type: 'string', required: true, doc: undefined },
  ]);
  const s = await DuckSession.open();
  try {
    await registerIcebergTable(s, 'written', loaded);
    const rows = await s.query('SELECT product_id, price::VARCHAR, label FROM written ORDER BY product_id');
    assert.deepEqual(rows.rows, [[1, '1.25', 'p1'], [2, '2.50', 'p2'], [3, '3.75', 'p3'], [4, '5.00', 'p4'], [5, '6.25', 'p5']]);
  } finally {
    s.close();
  }
});
