// The seed's bucket-per-layer layout on S3 (moto): bronze in iceberg-bronze, gold in iceberg-gold, the local
// catalog configured only by the profile's plugin block (S3 settings, no catalog_uri).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startMoto, type Moto } from '../helpers/moto';
import { copyDemo } from '../helpers/demo-copy';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers, type Lakehouse } from '../../server/src/run/lakehouse';
import { writeDemoBronze, DEMO_SIZES } from '../../server/src/run/demo-bronze';
import { preparePreview } from '../../server/src/run/preview';
import { materialize } from '../../server/src/run/materialize';
import { storageFor } from '../../server/src/storage/factory';

let moto: Moto;
let dir: string;
let lakehouse: Lakehouse;
let project: DbtProject;

before(async () => {
  moto = await startMoto(['iceberg-bronze', 'iceberg-gold']);
  dir = copyDemo({
    'profiles.yml': `floe_demo:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: ':memory:'
      plugins:
        - module: 'demo.dbt.plugins.polaris'
          config:
            s3_endpoint: '${moto.endpoint}'
            s3_region: 'us-east-1'
            s3_access_key_id: 'test'
            s3_secret_access_key: 'test'
`,
  });
  const projectFile = path.join(dir, 'dbt_project.yml');
  fs.writeFileSync(projectFile, fs.readFileSync(projectFile, 'utf8').replace("vars:\n", "vars:\n  floe_locations:\n    demo.bronze: 's3://iceberg-bronze/demo/bronze'\n    demo.gold: 's3://iceberg-gold/demo/gold'\n"));
  project = DbtProject.load(dir);
  lakehouse = await openLakehouse(project);
});
after(async () => {
  await stopLocalCatalogServers();
  await moto?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('bronze lands in iceberg-bronze, gold in iceberg-gold, and previews read bronze from S3', async () => {
  await writeDemoBronze(lakehouse, path.join(dir, 'bronze'), DEMO_SIZES.small);
  const bronze = await lakehouse.catalog.loadTable({ namespace: ['demo', 'bronze'], name: 'bronze_orders' });
  assert.equal(bronze.metadata.location, 's3://iceberg-bronze/demo/bronze/bronze_orders');
  const s3 = storageFor('s3://iceberg-bronze', { s3: moto.s3 });
  const bronzeObjects = (await s3.list('s3://iceberg-bronze/demo/bronze/bronze_orders/')).map((o) => o.uri);
  assert.ok(bronzeObjects.some((u) => u.includes('/data/') && u.endsWith('.parquet')), bronzeObjects.join('\n'));
  assert.ok(bronzeObjects.some((u) => u.includes('/metadata/') && u.endsWith('.metadata.json')), bronzeObjects.join('\n'));

  const preview = await preparePreview(project, lakehouse, { model: 'stg_orders', limit: 100_000 });
  try {
    const rows = await preview.run.session.query(preview.sql);
    assert.equal(rows.rows.length, 5000, 'one row per order after deduplication');
  } finally {
    await preview.run.close();
  }

  const results = await materialize(project, lakehouse, 'tag:gold');
  assert.equal(results.length, 3);
  for (const r of results) {
    const name = r.table.split('.').at(-1)!;
    const loaded = await lakehouse.catalog.loadTable({ namespace: ['demo', 'gold'], name });
    assert.equal(loaded.metadata.location, `s3://iceberg-gold/demo/gold/${name}`);
    const objects = await storageFor('s3://iceberg-gold', { s3: moto.s3 }).list(`s3://iceberg-gold/demo/gold/${name}/data/`);
    assert.equal(objects.length, r.files, `${name}: each data file written once, at its final location`);
  }
  assert.equal((await storageFor('s3://iceberg-bronze', { s3: moto.s3 }).list('s3://iceberg-bronze/demo/gold/')).length, 0, 'no gold data in the bronze bucket');
});
