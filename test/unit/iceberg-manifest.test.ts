import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readManifest, writeManifest } from '../../server/src/iceberg/manifest.js';
import { readManifestList, writeManifestList } from '../../server/src/iceberg/manifest-list.js';
import { readAvroFile } from '../../server/src/iceberg/avro-file.js';
import { schemaFromJson } from '../../server/src/iceberg/metadata-json.js';
import { decodeValue } from '../../server/src/iceberg/single-value.js';
import type { DataFile, ManifestEntry, PartitionSpec } from '../../server/src/iceberg/spec.js';

const SCHEMA = schemaFromJson({ type: 'struct', 'schema-id': 3, fields: [
  { id: 1, name: 'id', required: true, type: 'long' },
  { id: 2, name: 'ts', required: false, type: 'timestamptz' },
  { id: 3, name: 'amount', required: false, type: 'decimal(20, 2)' },
  { id: 4, name: 'key', required: false, type: 'uuid' },
  { id: 5, name: 'region-name', required: false, type: 'string' },
] });

const SPEC: PartitionSpec = { 'spec-id': 2, fields: [
  { 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' },
  { 'source-id': 3, 'field-id': 1001, name: 'amount', transform: 'identity' },
  { 'source-id': 4, 'field-id': 1002, name: 'key', transform: 'identity' },
  { 'source-id': 5, 'field-id': 1003, name: 'region-name', transform: 'identity' },
  { 'source-id': 1, 'field-id': 1004, name: 'id', transform: 'identity' },
] };

const BIG = 9223372036854775807n;

function dataFile(i: number, partition: Record<string, unknown>): DataFile {
  return {
    content: 0, 'file-path': `s3://b/t/data/f${i}.parquet`, 'file-format': 'PARQUET', partition,
    'record-count': BigInt(10 + i), 'file-size-in-bytes': 1000n + BigInt(i),
    'column-sizes': new Map([[1, 11n]]), 'value-counts': new Map([[1, BigInt(10 + i)]]), 'null-value-counts': new Map([[1, 0n]]),
    'lower-bounds': new Map([[1, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0])]]), 'upper-bounds': new Map([[1, new Uint8Array([9, 0, 0, 0, 0, 0, 0, 0])]]),
    'split-offsets': [4n], 'sort-order-id': 0,
  };
}

const P1 = { ts_day: 19723, amount: -123456789012345678n, key: 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 'region-name': 'eu west', id: BIG };
const P2 = { ts_day: 19725, amount: 5n, key: null, 'region-name': 'us', id: -BIG - 1n };

test('a v2 manifest round-trips entries, partitions and exact longs, with inheritance', () => {
  const entries: ManifestEntry[] = [
    { status: 1, 'data-file': dataFile(1, P1) },
    { status: 0, 'snapshot-id': 77n, 'sequence-number': 4n, 'file-sequence-number': 4n, 'data-file': dataFile(2, P2) },
  ];
  const { bytes, manifest } = writeManifest({ formatVersion: 2, schema: SCHEMA, spec: SPEC, snapshotId: BIG - 5n, entries, path: 's3://b/t/metadata/m.avro' });
  assert.equal(manifest['added-files-count'], 1);
  assert.equal(manifest['existing-rows-count'], 12n);
  assert.equal(manifest['sequence-number'], -1n);
  assert.equal(manifest['min-sequence-number'], 4n);
  assert.deepEqual(manifest.partitions!.map((p) => p['contains-null']), [false, false, true, false, false]);
  assert.equal(decodeValue('long', manifest.partitions![4]!['lower-bound']!), -BIG - 1n);
  assert.equal(decodeValue('decimal(20, 2)', manifest.partitions![1]!['lower-bound']!), -123456789012345678n);

  const listed = { ...manifest, 'sequence-number': 9n, 'min-sequence-number': 4n };
  const { meta, entries: read } = readManifest(bytes, { manifest: listed });
  assert.deepEqual([meta.formatVersion, meta.partitionSpecId, meta.content], [2, 2, 0]);
  assert.equal(read[0]!['snapshot-id'], BIG - 5n, 'added entry inherits the snapshot id');
  assert.equal(read[0]!['sequence-number'], 9n, 'added entry inherits the sequence number');
  assert.equal(read[1]!['sequence-number'], 4n);
  assert.deepEqual(read[0]!['data-file'].partition, P1);
  assert.deepEqual(read[1]!['data-file'].partition, P2);
  const f = read[0]!['data-file'];
  assert.equal(f['record-count'], 11n);
  assert.deepEqual([...f['value-counts']!], [[1, 11n]]);
  assert.deepEqual([...f['upper-bounds']!].map(([k, v]) => [k, [...v]]), [[1, [9, 0, 0, 0, 0, 0, 0, 0]]]);

  const avro = readAvroFile(bytes);
  assert.deepEqual(Object.keys(avro.meta).sort(), ['content', 'format-version', 'partition-spec', 'partition-spec-id', 'schema', 'schema-id']);
  assert.match(JSON.stringify(avro.schema), /"name":"region_x2Dname","type":\["null","string"\],"default":null,"field-id":1003/);
});

test('a v1 manifest has no sequence numbers and reads back as data with sequence 0', () => {
  const { bytes, manifest } = writeManifest({ formatVersion: 1, schema: SCHEMA, spec: { 'spec-id': 0, fields: [] }, snapshotId: 12n, entries: [{ status: 1, 'data-file': dataFile(1, {}) }], path: 'm1.avro' });
  const list = writeManifestList({ formatVersion: 1, snapshotId: 12n, sequenceNumber: 0n, manifests: [manifest] });
  const [m] = readManifestList(list.bytes).manifests;
  assert.equal(m!['sequence-number'], 0n);
  assert.equal(m!['added-files-count'], 1);
  const { entries } = readManifest(bytes, { manifest: m! });
  assert.equal(entries[0]!['snapshot-id'], 12n);
  assert.equal(entries[0]!['sequence-number'], 0n);
  assert.equal(entries[0]!['data-file'].content, 0);
});

test('a manifest list assigns the snapshot sequence number to new manifests and round-trips', () => {
  const { manifest } = writeManifest({ formatVersion: 2, schema: SCHEMA, spec: SPEC, snapshotId: BIG, entries: [{ status: 1, 'data-file': dataFile(1, P1) }], path: 'new.avro' });
  const old = { ...manifest, 'manifest-path': 'old.avro', 'sequence-number': 3n, 'min-sequence-number': 2n, content: 1 as const };
  const { bytes, manifests } = writeManifestList({ formatVersion: 2, snapshotId: BIG, parentSnapshotId: 5n, sequenceNumber: 8n, manifests: [manifest, old] });
  assert.equal(manifests[0]!['sequence-number'], 8n);
  const read = readManifestList(bytes);
  assert.deepEqual(read.meta, { 'snapshot-id': String(BIG), 'parent-snapshot-id': '5', 'sequence-number': '8', 'format-version': '2' });
  assert.deepEqual(read.manifests.map((m) => [m['manifest-path'], m['sequence-number'], m['min-sequence-number'], m.content, m['added-snapshot-id']]),
    [['new.avro', 8n, 8n, 0, BIG], ['old.avro', 3n, 2n, 1, BIG]]);
  assert.deepEqual(read.manifests[0]!.partitions!.map((p) => p['contains-null']), [false, false, false, false, false]);
});

test('a v3 manifest refuses a new position delete file (deletion vectors only) and writes no first_row_id for delete files', () => {
  const pos: DataFile = { ...dataFile(1, P1), content: 1, 'first-row-id': 9n };
  assert.throws(() => writeManifest({ formatVersion: 3, schema: SCHEMA, spec: SPEC, content: 1, snapshotId: 1n, entries: [{ status: 1, 'data-file': pos }], path: 'd.avro' }),
    /position delete file .* cannot be added to a format v3 table: v3 takes deletion vectors instead/);
  // One kept from before the upgrade to v3 stays valid.
  const { bytes } = writeManifest({ formatVersion: 3, schema: SCHEMA, spec: SPEC, content: 1, snapshotId: 1n, entries: [{ status: 0, 'data-file': pos }], path: 'd.avro' });
  assert.equal(readManifest(bytes).entries[0]!['data-file']['first-row-id'], undefined);
});
