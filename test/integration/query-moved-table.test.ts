// A table copied away from where its metadata says it lives (recorded under s3://old/...), with a
// position-delete file that names data files by their recorded paths: floe query re-roots every path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckSession } from '../../server/src/engine/session';
import { writeManifest } from '../../server/src/iceberg/manifest';
import { writeManifestList } from '../../server/src/iceberg/manifest-list';
import { serializeTableMetadata } from '../../server/src/iceberg/metadata-json';
import { emptyTableMetadata } from '../../server/src/iceberg/apply-updates';
import type { DataFile, PartitionSpec, Schema, TableMetadata } from '../../server/src/iceberg/spec';
import { parseQueryArgs, runQuery } from '../../server/src/cli/commands/query';

const OLD = 's3://old-bucket/wh/db/events';
const dir = mkdtempSync(path.join(tmpdir(), 'floe-moved-'));
const root = path.join(dir, 'events');
const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [
  { id: 1, name: 'id', required: true, type: 'long' }, { id: 2, name: 'what', required: false, type: 'string' },
] };
const spec: PartitionSpec = { 'spec-id': 0, fields: [] };

function dataFile(content: 0 | 1, rel: string, rows: number): DataFile {
  return { content, 'file-path': `${OLD}/${rel}`, 'file-format': 'PARQUET', partition: {}, 'record-count': BigInt(rows), 'file-size-in-bytes': BigInt(statSync(path.join(root, rel)).size) };
}

before(async () => {
  mkdirSync(path.join(root, 'data'), { recursive: true });
  mkdirSync(path.join(root, 'metadata'), { recursive: true });
  const session = await DuckSession.open();
  try {
    await session.run(`COPY (SELECT range AS id, 'e' || range AS what FROM range(5)) TO '${root}/data/a.parquet' (FORMAT parquet, FIELD_IDS {id: 1, what: 2})`);
    await session.run(`COPY (SELECT '${OLD}/data/a.parquet' AS file_path, pos FROM (VALUES (1::BIGINT), (3::BIGINT)) v(pos)) TO '${root}/data/del.parquet' (FORMAT parquet, FIELD_IDS {file_path: 2147483546, pos: 2147483545})`);
  } finally {
    session.close();
  }
  const snapshotId = 7242048201737342321n;
  const data = writeManifest({ formatVersion: 2, schema, spec, snapshotId, path: `${OLD}/metadata/m-data.avro`,
    entries: [{ status: 1, 'snapshot-id': snapshotId, 'data-file': dataFile(0, 'data/a.parquet', 5) }] });
  const deletes = writeManifest({ formatVersion: 2, schema, spec, snapshotId, content: 1, path: `${OLD}/metadata/m-del.avro`,
    entries: [{ status: 1, 'snapshot-id': snapshotId, 'data-file': dataFile(1, 'data/del.parquet', 2) }] });
  writeFileSync(path.join(root, 'metadata/m-data.avro'), data.bytes);
  writeFileSync(path.join(root, 'metadata/m-del.avro'), deletes.bytes);
  const list = writeManifestList({ formatVersion: 2, snapshotId, sequenceNumber: 1n, manifests: [data.manifest, deletes.manifest] });
  writeFileSync(path.join(root, 'metadata/snap-1.avro'), list.bytes);
  const metadata: TableMetadata = {
    ...emptyTableMetadata(), 'table-uuid': '0f8e5c1e-3c55-4bde-9a0e-2f1c7c3b9a11', location: OLD, 'last-sequence-number': 1n,
    'last-updated-ms': 1700000000000n, 'last-column-id': 2, schemas: [schema], 'current-schema-id': 0,
    'partition-specs': [spec], 'default-spec-id': 0, 'sort-orders': [{ 'order-id': 0, fields: [] }], 'default-sort-order-id': 0,
    'current-snapshot-id': snapshotId,
    snapshots: [{ 'snapshot-id': snapshotId, 'sequence-number': 1n, 'timestamp-ms': 1700000000000n, 'manifest-list': `${OLD}/metadata/snap-1.avro`, summary: { operation: 'overwrite' }, 'schema-id': 0 }],
    'snapshot-log': [{ 'snapshot-id': snapshotId, 'timestamp-ms': 1700000000000n }],
    refs: { main: { 'snapshot-id': snapshotId, type: 'branch' } },
  };
  writeFileSync(path.join(root, 'metadata/v1.metadata.json'), serializeTableMetadata(metadata));
  writeFileSync(path.join(root, 'metadata/version-hint.text'), '1');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a moved table reads from its new folder with position deletes applied by recorded path', async () => {
  const out = JSON.parse(await runQuery(parseQueryArgs(['--table', `db.events=${root}`, '--format', 'json', 'SELECT id, what FROM db.events ORDER BY id'])));
  assert.deepEqual(out.rows, [['0', 'e0'], ['2', 'e2'], ['4', 'e4']]);
  assert.deepEqual(out.columns, [{ name: 'id', type: 'BIGINT' }, { name: 'what', type: 'VARCHAR' }]);
});

test('a missing manifest is an error naming the manifest and the table', async () => {
  const copy = path.join(dir, 'broken');
  cpSync(root, copy, { recursive: true });
  rmSync(path.join(copy, 'metadata/m-del.avro'));
  await assert.rejects(runQuery(parseQueryArgs(['--table', `db.broken=${copy}`, 'SELECT * FROM db.broken'])), (e: unknown) =>
    e instanceof Error && e.message.includes(path.join(copy, 'metadata/m-del.avro')) && e.message.includes('table db.broken'));
});

test('corrupt table metadata is an error naming the file', async () => {
  const copy = path.join(dir, 'corrupt');
  cpSync(root, copy, { recursive: true });
  writeFileSync(path.join(copy, 'metadata/v1.metadata.json'), '{"format-version": 2, "oops"');
  await assert.rejects(runQuery(parseQueryArgs(['--table', `t=${copy}`, 'SELECT * FROM t'])), (e: unknown) =>
    e instanceof Error && e.message.includes(path.join(copy, 'metadata/v1.metadata.json')));
});
