import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { formatType } from '../../server/src/iceberg/types';

let server: TestCatalog;
let catalog: Catalog;
let session: DuckSession;

before(async () => {
  server = await startTestCatalog();
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  await catalog.createNamespace(['gold']);
  session = await DuckSession.open({ settings: { TimeZone: 'UTC' } });
});
after(async () => {
  session?.close();
  await server?.close();
});

const ALL_TYPES = `SELECT
  (i % 2 = 0) AS b, i::INTEGER AS i32, (i * 1000000000000)::BIGINT AS i64, (i / 4)::FLOAT AS f32, (i / 3)::DOUBLE AS f64,
  (i * 1.123456789)::DECIMAL(38,9) AS dec, DATE '2024-01-30' + i::INTEGER AS d, TIME '01:02:03.456789' AS t,
  TIMESTAMP '2024-01-31 22:00:00.123456' + to_hours(i::BIGINT) AS ts, TIMESTAMPTZ '2024-01-31 22:00:00+00' + to_hours(i::BIGINT) AS tstz,
  'row ' || i AS s, ('00000000-0000-0000-0000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS u, ('\\x0' || (i % 10))::BLOB AS bin,
  {'x': i::INTEGER, 'y': 'v' || i} AS st, [i, i + 1]::BIGINT[] AS l, MAP {'k' || i: i::INTEGER} AS m
  FROM range(6) r(i)`;

test('create: every type, partitioned by day(ts); the table appears only with its first snapshot', async () => {
  const id = { namespace: ['gold'], name: 'all_types' };
  const r = await writeTable({ session, catalog, table: id, sql: ALL_TYPES, mode: 'create', partitionBy: 'day(ts), bucket(4, i32)' });
  assert.equal(r.rows, 6n);
  assert.ok(r.files >= 2);
  const loaded = await catalog.loadTable(id);
  const m = loaded.metadata;
  assert.equal(m['current-snapshot-id'], r.snapshotId);
  const schema = m.schemas.find((s) => s['schema-id'] === m['current-schema-id'])!;
  assert.deepEqual(schema.fields.map((f) => `${f.name}:${formatType(f.type)}`), [
    'b:boolean', 'i32:int', 'i64:long', 'f32:float', 'f64:double', 'dec:decimal(38, 9)', 'd:date', 't:time', 'ts:timestamp',
    'tstz:timestamptz', 's:string', 'u:uuid', 'bin:binary', 'st:struct<x: int, y: string>', 'l:list<long>', 'm:map<string, int>',
  ]);
  const spec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id'])!;
  assert.deepEqual(spec.fields.map((f) => [f.name, f.transform]), [['ts_day', 'day'], ['i32_bucket', 'bucket[4]']]);
  const snap = m.snapshots[0];
  assert.equal(snap.summary.operation, 'append');
  assert.equal(snap.summary['added-records'], '6');
  assert.equal(snap.summary['total-records'], '6');
  assert.equal(snap.summary['added-data-files'], String(r.files));
  const dataDirs = await readdir(path.join(new URL(m.location.startsWith('file:') ? m.location : `file://${m.location}`).pathname, 'data'));
  assert.ok(dataDirs.every((d) => d.startsWith('ts_day=')), dataDirs.join(','));
});

test('create fails when the table exists, leaving it unchanged', async () => {
  const id = { namespace: ['gold'], name: 'exists_once' };
  const first = await writeTable({ session, catalog, table: id, sql: 'SELECT 1 AS a', mode: 'create' });
  await assert.rejects(writeTable({ session, catalog, table: id, sql: 'SELECT 2 AS a', mode: 'create' }), /already exists/);
  assert.equal((await catalog.loadTable(id)).metadata['current-snapshot-id'], first.snapshotId);
});
