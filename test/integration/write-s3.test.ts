import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMoto, type Moto } from '../helpers/moto';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { storageFor } from '../../server/src/storage/factory';

let moto: Moto;
let server: TestCatalog;
let catalog: Catalog;
let session: DuckSession;

before(async () => {
  moto = await startMoto(['iceberg-gold']);
  server = await startTestCatalog({
    baseLocation: 's3://iceberg-gold',
    tableConfig: {
      's3.endpoint': moto.endpoint, 's3.path-style-access': 'true', 'client.region': 'us-east-1',
      's3.access-key-id': 'test', 's3.secret-access-key': 'test',
    },
  });
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  await catalog.createNamespace(['gold']);
  session = await DuckSession.open({ settings: { TimeZone: 'UTC' } });
});
after(async () => {
  session?.close();
  await server?.close();
  await moto?.stop();
});

test('an S3 table: files are uploaded as DuckDB wrote them, read back exactly, and a failed write leaves no objects', async () => {
  const id = { namespace: ['gold'], name: 'on_s3' };
  const sql = `SELECT i::BIGINT AS id, (i * 0.5)::DECIMAL(12,3) AS v, 'k' || (i % 3) AS k FROM range(50) r(i)`;
  const r = await writeTable({ session, catalog, table: id, sql, mode: 'create', partitionBy: 'k' });
  assert.equal(r.rows, 50n);
  const loaded = await catalog.loadTable(id);
  assert.match(loaded.metadata.location, /^s3:\/\/iceberg-gold\//);
  const storage = storageFor(loaded.metadata.location, { s3: moto.s3 });
  const objects = await storage.list(`${loaded.metadata.location}/data/`);
  assert.equal(objects.length, r.files);
  assert.equal(objects.reduce((n, o) => n + BigInt(o.size), 0n), r.bytes, 'uploaded sizes are the sizes DuckDB reported');
  assert.ok(objects.every((o) => /\/data\/k=k\d\/[0-9a-f-]{36}-\d+\.parquet$/.test(o.uri)), objects.map((o) => o.uri).join('\n'));

  await registerIcebergTable(session, 'on_s3', loaded);
  assert.deepEqual((await session.query('SELECT * FROM on_s3 ORDER BY id')).rows, (await session.query(`${sql} ORDER BY id`)).rows);

  // A merge key that is not a column fails before anything is written.
  await assert.rejects(writeTable({ session, catalog, table: id, sql, mode: 'merge', uniqueKey: 'nope' }), /merge key "nope"/);
  // A query that fails mid-COPY leaves no objects behind.
  await assert.rejects(writeTable({ session, catalog, table: id, sql: `SELECT CASE WHEN i < 40 THEN i ELSE error('boom') END::BIGINT AS id, 'k0' AS k FROM range(50) r(i)`, mode: 'append' }), /boom/);
  assert.equal((await storage.list(`${loaded.metadata.location}/data/`)).length, r.files);
  assert.equal((await catalog.loadTable(id)).metadata['current-snapshot-id'], r.snapshotId);

  // Rows without the partition column land in the null partition and read back with k NULL.
  await writeTable({ session, catalog, table: id, sql: 'SELECT 1000::BIGINT AS id', mode: 'append' });
  await registerIcebergTable(session, 'on_s3_after', await catalog.loadTable(id));
  assert.deepEqual((await session.query('SELECT count(*), count(k), max(id) FROM on_s3_after')).rows, [['51', '50', '1000']]);
});

test('an independent reader (icebird, from npm) reads a partitioned, appended table we wrote', async () => {
  const { icebergRead } = await import('icebird');
  const { S3Client, PutBucketPolicyCommand } = await import('@aws-sdk/client-s3');
  // icebird fetches anonymously from https://<bucket>.s3.amazonaws.com: allow anonymous reads and route that host to moto.
  const s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'iceberg-gold', Policy: JSON.stringify({
    Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::iceberg-gold/*' }],
  }) }));
  const id = { namespace: ['gold'], name: 'for_icebird' };
  await writeTable({ session, catalog, table: id, sql: `SELECT i::BIGINT AS id, 'n' || i AS name, (i * 1.5)::DOUBLE AS v FROM range(20) r(i)`, mode: 'create', partitionBy: 'bucket(3, id)' });
  await writeTable({ session, catalog, table: id, sql: `SELECT 100::BIGINT AS id, 'x' AS name, 2.0::DOUBLE AS v`, mode: 'append' });
  const loaded = await catalog.loadTable(id);
  const metadataJson = JSON.parse(new TextDecoder().decode(await storageFor(loaded.metadataLocation!, { s3: moto.s3 }).read(loaded.metadataLocation!)));
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((url: string | URL, init?: RequestInit) =>
    realFetch(String(url).replace(/^https:\/\/([^./]+)\.s3\.amazonaws\.com/, `${moto.endpoint}/$1`), init)) as typeof fetch;
  try {
    const rows = await icebergRead({ tableUrl: loaded.metadata.location, metadata: metadataJson });
    const got = rows.map((r) => `${r.id}:${r.name}:${r.v}`).sort();
    const want = [...Array.from({ length: 20 }, (_, i) => `${i}:n${i}:${i * 1.5}`), '100:x:2'].sort();
    assert.deepEqual(got, want);
  } finally {
    globalThis.fetch = realFetch;
  }
});
