import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { parseTableMetadata, serializeTableMetadata, tableMetadataFromJson, tableMetadataToJson, schemaFromJson } from '../../server/src/iceberg/metadata-json.js';
import { IcebergError } from '../../server/src/iceberg/errors.js';
import { parseJson } from '../../server/src/util/json.js';

const V1 = `{
  "format-version": 1, "table-uuid": "u-1", "location": "s3://b/t", "last-updated-ms": 1700000000000,
  "last-column-id": 2,
  "schema": {"type": "struct", "fields": [
    {"id": 1, "name": "id", "required": true, "type": "long"},
    {"id": 2, "name": "amount", "required": false, "type": "decimal(10,2)"}]},
  "partition-spec": [{"name": "id_bucket", "transform": "bucket[16]", "source-id": 1}],
  "properties": {"owner": "me"},
  "current-snapshot-id": 9223372036854775807,
  "snapshots": [{"snapshot-id": 9223372036854775807, "timestamp-ms": 1700000000001, "manifest-list": "s3://b/t/metadata/snap.avro"}]
}`;

const V2 = `{
  "format-version": 2, "table-uuid": "u-2", "location": "/t", "last-sequence-number": 3, "last-updated-ms": 1,
  "last-column-id": 1, "current-schema-id": 0,
  "schemas": [{"type": "struct", "schema-id": 0, "fields": [{"id": 1, "name": "ts", "required": false, "type": "timestamptz"}]}],
  "default-spec-id": 0, "partition-specs": [{"spec-id": 0, "fields": [{"name": "ts_day", "transform": "day", "source-id": 1, "field-id": 1000}]}],
  "last-partition-id": 1000, "default-sort-order-id": 0, "sort-orders": [{"order-id": 0, "fields": []}],
  "properties": {}, "current-snapshot-id": -1, "refs": {}, "snapshots": [], "snapshot-log": [], "metadata-log": []
}`;

test('v1 metadata is upgraded to the normalised shape with exact int64', () => {
  const m = parseTableMetadata(V1, 'v1.metadata.json');
  assert.equal(m.schemas.length, 1);
  assert.equal(m['current-schema-id'], 0);
  assert.equal(m.schemas[0]!.fields[1]!.type, 'decimal(10, 2)');
  assert.deepEqual(m['partition-specs'], [{ 'spec-id': 0, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'id_bucket', transform: 'bucket[16]' }] }]);
  assert.equal(m['last-partition-id'], 1000);
  assert.equal(m['current-snapshot-id'], 9223372036854775807n);
  assert.deepEqual(m.refs, { main: { 'snapshot-id': 9223372036854775807n, type: 'branch' } });
  assert.deepEqual(m['sort-orders'], [{ 'order-id': 0, fields: [] }]);
  assert.equal(m.snapshots[0]!['sequence-number'], 0n);
  assert.equal(m.snapshots[0]!.summary.operation, 'append');
});

test('metadata round-trips through serialize and parse', () => {
  for (const text of [V1, V2]) {
    const m = parseTableMetadata(text);
    const again = parseTableMetadata(serializeTableMetadata(m));
    assert.deepEqual(again, m);
  }
  const out = serializeTableMetadata(parseTableMetadata(V1));
  assert.match(out, /"current-snapshot-id":9223372036854775807/);
  assert.ok(!out.includes('\n'), 'written compactly');
});

test('an empty table has no current snapshot and -1 is written back', () => {
  const m = parseTableMetadata(V2);
  assert.equal(m['current-snapshot-id'], undefined);
  assert.equal(tableMetadataToJson(m)['current-snapshot-id'], -1n);
});

test('gzipped metadata is detected by its magic bytes', () => {
  const m = parseTableMetadata(gzipSync(Buffer.from(V2)), '00001-x.gz.metadata.json');
  assert.equal(m['table-uuid'], 'u-2');
});

function checkError(input: string | Uint8Array, kind: string, pattern: RegExp) {
  assert.throws(() => parseTableMetadata(input, 'bad.metadata.json'), (e: unknown) => {
    assert.ok(e instanceof IcebergError);
    assert.equal(e.kind, kind);
    assert.match(e.message, pattern);
    assert.match(e.message, /bad\.metadata\.json/);
    return true;
  });
}

test('corrupt or invalid metadata fails with a typed error naming the file and field', () => {
  checkError('{"format-version": 2', 'corrupt-file', /not valid JSON/);
  checkError(new Uint8Array([0x1f, 0x8b, 1, 2, 3]), 'corrupt-file', /not valid gzip/);
  checkError(V2.replace('"location": "/t",', ''), 'invalid-metadata', /\$\.location: is missing/);
  checkError(V2.replace('"timestamptz"', '"timestamp with zone"'), 'invalid-metadata', /schemas\[0\]\.fields\[0\]\.type: unknown Iceberg type/);
  checkError(V2.replace('"transform": "day"', '"transform": "weekly"'), 'invalid-metadata', /unknown transform "weekly"/);
  checkError(V2.replace('"format-version": 2', '"format-version": 9'), 'unsupported', /format-version 9/);
  checkError(V2.replace('"current-schema-id": 0', '"current-schema-id": 4'), 'invalid-metadata', /no schema with id 4/);
});

test('schemaFromJson parses nested types for REST payloads', () => {
  const s = schemaFromJson(parseJson(`{"type":"struct","schema-id":3,"identifier-field-ids":[1],"fields":[
    {"id":1,"name":"id","required":true,"type":"int"},
    {"id":2,"name":"tags","required":false,"type":{"type":"list","element-id":4,"element":"string","element-required":false}},
    {"id":3,"name":"attrs","required":false,"type":{"type":"map","key-id":5,"key":"string","value-id":6,"value":"fixed[ 16 ]","value-required":true}}]}`));
  assert.equal(s['schema-id'], 3);
  assert.deepEqual(s['identifier-field-ids'], [1]);
  assert.deepEqual(s.fields[2]!.type, { type: 'map', 'key-id': 5, key: 'string', 'value-id': 6, value: 'fixed[16]', 'value-required': true });
});

test('tableMetadataFromJson accepts an object from parseJson', () => {
  assert.equal(tableMetadataFromJson(parseJson(V2))['last-sequence-number'], 3n);
});
