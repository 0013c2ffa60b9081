// Table maintenance on an S3 table (moto on loopback, the local catalog vending its credentials): compaction reads
// the files through the cache and uploads its own, row-exact; expiry deletes the S3 objects only expired snapshots
// referenced and keeps every object a kept snapshot needs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMoto, type Moto } from '../helpers/moto';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { mergeTable, orphanUris, tableRows } from '../helpers/maintenance-tables';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { defaultStorageFactory } from '../../server/src/engine/write/write-table';
import { compactTable } from '../../server/src/engine/maintenance/compact';
import { expireSnapshots } from '../../server/src/engine/maintenance/expire-snapshots';
import { planScan } from '../../server/src/iceberg/scan';

let moto: Moto;
let server: TestCatalog;
let catalog: Catalog;
let session: DuckSession;

before(async () => {
  moto = await startMoto(['iceberg-maint']);
  server = await startTestCatalog({
    baseLocation: 's3://iceberg-maint',
    tableConfig: {
      's3.endpoint': moto.endpoint, 's3.path-style-access': 'true', 'client.region': 'us-east-1',
      's3.access-key-id': 'test', 's3.secret-access-key': 'test',
    },
  });
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  await catalog.createNamespace(['gold']);
  session = await DuckSession.open();
});
after(async () => {
  session?.close();
  await server?.close();
  await moto?.stop();
});

test('optimize and expire-snapshots on S3: same rows, only unreferenced objects deleted, no orphans', async () => {
  const world = { catalog, session };
  const id = await mergeTable(world, 'on_s3');
  const expected = await tableRows(world, id);
  const before = await catalog.loadTable(id);
  assert.match(before.metadata.location, /^s3:\/\/iceberg-maint\//);
  const storage = defaultStorageFactory(before.metadata.location, before.config);
  const objectsBefore = (await storage.list(`${before.metadata.location}/`)).length;

  const r = await compactTable({ session, catalog, table: id });
  assert.equal(r.groups.length, 3);
  assert.deepEqual(await tableRows(world, id), expected);
  assert.deepEqual(await tableRows(world, id, before.metadata['current-snapshot-id']), expected, 'the snapshot before still reads');

  const e = await expireSnapshots({ catalog, table: id, olderThanMs: 0, retainLast: 1 });
  assert.ok(e.files.some((f) => f.kind === 'data') && e.files.some((f) => f.kind === 'delete'), 'rewritten data files and their delete files are gone');
  const after = await catalog.loadTable(id);
  assert.equal(after.metadata.snapshots.length, 1);
  const plan = await planScan(after.metadata, {}, { read: (p) => storage.read(p) });
  const live = [...new Set(plan.tasks.flatMap((t) => [t.file, ...t.positionDeletes, ...t.equalityDeletes]).map((f) => f['file-path']))];
  const left = (await storage.list(`${after.metadata.location}/`)).map((o) => o.uri);
  assert.equal(live.length, 3);
  for (const f of [...live, after.metadata.snapshots[0]['manifest-list']]) assert.ok(left.includes(f), `kept: ${f}`);
  for (const f of e.files) assert.ok(!left.includes(f.uri), `deleted: ${f.uri}`);
  assert.ok(left.length < objectsBefore, `${objectsBefore} objects → ${left.length}`);
  assert.deepEqual(await tableRows(world, id), expected);
  assert.deepEqual(await orphanUris(world, id), []);
});
