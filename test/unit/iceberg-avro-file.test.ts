import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAvroFile, writeAvroFile, type AvroSchema } from '../../server/src/iceberg/avro-file.js';
import { IcebergError } from '../../server/src/iceberg/errors.js';

const SCHEMA: AvroSchema = { type: 'record', name: 'r', fields: [
  { name: 'id', type: 'long', 'field-id': 1 },
  { name: 'opt', type: ['null', 'long'], default: null, 'field-id': 2 },
  { name: 'tags', type: { type: 'array', items: 'string', 'element-id': 4 }, 'field-id': 3 },
] };
const RECORDS = [
  { id: 9223372036854775807n, opt: null, tags: ['a'] },
  { id: -9223372036854775808n, opt: 1n, tags: [] },
  { id: 0n, opt: -1n, tags: ['x', 'y'] },
];

test('records round-trip with both codecs, several blocks, exact longs and the schema verbatim', () => {
  for (const codec of ['null', 'deflate'] as const) {
    const bytes = writeAvroFile(SCHEMA, RECORDS, { codec, blockSize: 2, meta: { 'format-version': '2' } });
    const f = readAvroFile(bytes);
    assert.deepEqual(f.records.map((r) => ({ ...r })), RECORDS, codec);
    assert.deepEqual(f.schema, SCHEMA);
    assert.deepEqual(f.meta, { 'format-version': '2' });
  }
});

test('skipped fields are not materialised', () => {
  const f = readAvroFile(writeAvroFile(SCHEMA, RECORDS), undefined, { skipFields: ['tags'] });
  assert.deepEqual(f.records.map((r) => ({ ...r })), RECORDS.map(({ id, opt }) => ({ id, opt })));
});

function checkCorrupt(bytes: Uint8Array, pattern: RegExp, kind = 'corrupt-file') {
  assert.throws(() => readAvroFile(bytes, 'm.avro'), (e: unknown) => {
    assert.ok(e instanceof IcebergError);
    assert.equal(e.kind, kind);
    assert.match(e.message, pattern);
    assert.match(e.message, /m\.avro/);
    return true;
  });
}

test('corrupt files fail with a typed error naming the file', () => {
  const good = writeAvroFile(SCHEMA, RECORDS, { codec: 'null' });
  checkCorrupt(new TextEncoder().encode('{"not": "avro"}'), /bad magic/);
  checkCorrupt(good.subarray(0, good.length - 20), /truncated/);
  const badSync = Uint8Array.from(good);
  badSync[badSync.length - 1]! ^= 0xff;
  checkCorrupt(badSync, /sync marker/);
  const snappy = new TextEncoder().encode('snappy');
  const text = Buffer.from(writeAvroFile(SCHEMA, RECORDS, { codec: 'null' })).toString('latin1').replace('\u0008null', `\u000c${Buffer.from(snappy).toString('latin1')}`);
  checkCorrupt(Buffer.from(text, 'latin1'), /codec "snappy"/, 'unsupported');
});
