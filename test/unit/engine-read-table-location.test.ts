import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newestMetadataFile, recordedPathOf, resolveMovedPath, selectSnapshot, tableRootOf, versionOf } from '../../server/src/engine/read/table-location';
import type { Snapshot, TableMetadata } from '../../server/src/iceberg/spec';

test('metadata file versions and the newest file', () => {
  assert.equal(versionOf('v12.metadata.json'), 12);
  assert.equal(versionOf('v3.gz.metadata.json'), 3);
  assert.equal(versionOf('00012-1b2c.metadata.json'), 12);
  assert.equal(versionOf('random.metadata.json'), undefined);
  assert.equal(newestMetadataFile(['/t/metadata/v2.metadata.json', '/t/metadata/v10.metadata.json', '/t/metadata/v9.metadata.json']), '/t/metadata/v10.metadata.json');
  assert.equal(newestMetadataFile(['s3://b/t/metadata/00001-a.metadata.json', 's3://b/t/metadata/00002-b.metadata.json']), 's3://b/t/metadata/00002-b.metadata.json');
  assert.equal(newestMetadataFile([]), undefined);
  assert.equal(tableRootOf('s3://b/db/t/metadata/v1.metadata.json'), 's3://b/db/t');
  assert.equal(tableRootOf('/x/t/v1.metadata.json'), '/x/t');
});

test('paths of moved tables re-root under the actual folder', () => {
  const cases: [string, string, string, string][] = [
    // recorded, recorded table location, actual root, expected
    ['data/persistent/t/data/a.parquet', 'data/persistent/t', '/fx/data/persistent/t', '/fx/data/persistent/t/data/a.parquet'],
    ['s3://old/wh/t/metadata/snap.avro', 's3://old/wh/t', 's3://new/t', 's3://new/t/metadata/snap.avro'],
    ['file:/old/t/data/a.parquet', 'file:/old/t', '/new/t', '/new/t/data/a.parquet'],
    ['file:///old/t/data/a.parquet', '/old/t', '/new/t', '/new/t/data/a.parquet'],
    ['s3://b/t/data/a.parquet', 's3://b/t', 's3://b/t', 's3://b/t/data/a.parquet'],
    ['s3://b/t2/data/a.parquet', 's3://b/t', 's3://c/t', 's3://b/t2/data/a.parquet'],
  ];
  for (const [recorded, location, root, expected] of cases) assert.equal(resolveMovedPath(recorded, location, root), expected, recorded);
});

test('snapshot selection by id, by time, or current', () => {
  const snap = (id: bigint, ts: bigint): Snapshot => ({ 'snapshot-id': id, 'sequence-number': 1n, 'timestamp-ms': ts, 'manifest-list': 'x', summary: { operation: 'append' } });
  const metadata = {
    snapshots: [snap(1n, 1000n), snap(2n, 2000n), snap(9223372036854775807n, 3000n)],
    'snapshot-log': [{ 'snapshot-id': 1n, 'timestamp-ms': 1000n }, { 'snapshot-id': 2n, 'timestamp-ms': 2000n }, { 'snapshot-id': 9223372036854775807n, 'timestamp-ms': 3000n }],
    'current-snapshot-id': 9223372036854775807n,
  } as unknown as TableMetadata;
  assert.equal(selectSnapshot(metadata, 't')?.['snapshot-id'], 9223372036854775807n);
  assert.equal(selectSnapshot(metadata, 't', { snapshotId: 2n })?.['snapshot-id'], 2n);
  assert.equal(selectSnapshot(metadata, 't', { asOfTimestampMs: 2500n })?.['snapshot-id'], 2n);
  assert.throws(() => selectSnapshot(metadata, 't', { asOfTimestampMs: 10n }), /no snapshot at or before/);
  assert.throws(() => selectSnapshot(metadata, 'sales.orders', { snapshotId: 5n }), /snapshot 5 does not exist.*sales\.orders/);
  assert.equal(selectSnapshot({ ...metadata, 'current-snapshot-id': undefined }, 't'), undefined);
});

test('recorded paths are recovered from re-rooted ones', () => {
  assert.equal(recordedPathOf('/fx/data/persistent/t/data/a.parquet', 'data/persistent/t', '/fx/data/persistent/t'), 'data/persistent/t/data/a.parquet');
  assert.equal(recordedPathOf('s3://b/t/data/a.parquet', 's3://b/t', 's3://b/t'), 's3://b/t/data/a.parquet');
  assert.equal(recordedPathOf('/elsewhere/a.parquet', 'old/t', '/fx/t'), '/elsewhere/a.parquet');
});
