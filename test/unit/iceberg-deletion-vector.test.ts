// Deletion vectors (Puffin deletion-vector-v1 blobs): the 64-bit portable Roaring reader over every container kind and
// key range, the blob's length/magic/CRC, the Puffin footer, and the checks between manifest entry, footer and blob.
// Files are written byte by byte from the spec layouts by test/helpers/puffin-writer.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { contains, positionRanges, readRoaring64, RoaringFormatError } from '../../server/src/iceberg/roaring64.js';
import { crc32ByTable, readDeletionVector, readDeletionVectorBlob } from '../../server/src/iceberg/deletion-vector.js';
import { readPuffinFooter } from '../../server/src/iceberg/puffin.js';
import { rangesCsv } from '../../server/src/engine/read/deletion-vectors.js';
import { IcebergError } from '../../server/src/iceberg/errors.js';
import type { DataFile } from '../../server/src/iceberg/spec.js';
import { deletionVectorBlob, deletionVectorPuffin, puffinFile, roaring64, type ContainerKind } from '../helpers/puffin-writer.js';

const FILE = 's3://wh/db/t/data/dv-1.puffin';
const DATA = 's3://wh/db/t/data/a.parquet';

/** Decodes `positions` written with the given container kinds and checks the exact set comes back. */
function roundTrip(positions: bigint[], kindOf?: (key: number, high: number, lows: number[]) => ContainerKind) {
  const bitmap = readDeletionVectorBlob(deletionVectorBlob(roaring64(positions, kindOf)), { file: FILE, offset: 4n });
  const expected = [...new Set(positions)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const got: bigint[] = [];
  for (const r of positionRanges(bitmap)) for (let p = r.start; p <= r.end; p++) got.push(p);
  assert.deepEqual(got, expected);
  assert.equal(bitmap.cardinality, BigInt(expected.length));
  for (const p of expected.slice(0, 50)) assert.ok(contains(bitmap, p), `contains ${p}`);
  return bitmap;
}
const range = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => BigInt(from + i * step));

test('array containers: a few positions in one 32-bit bitmap', () => {
  const b = roundTrip([0n, 1n, 2n, 5n, 100n, 65535n, 65536n]);
  assert.ok(!contains(b, 3n));
  assert.ok(!contains(b, 65537n));
  assert.equal(rangesCsv(b), '0,2\n5,5\n100,100\n65535,65536\n');
});

test('bitmap containers (over 4096 values), alone and beside array containers', () => {
  const even = range(0, 10_000, 2); // 5001 values in container 0: a bitmap container
  const b = roundTrip([...even, ...range(131_072, 131_080), ...range(200_000, 270_000)]);
  assert.ok(!contains(b, 1n));
  assert.ok(contains(b, 10_000n));
  assert.ok(!contains(b, 10_002n));
  // a full bitmap container (all 65536 values) is one range
  const full = roundTrip(range(65_536, 131_071), () => 'bitmap');
  assert.equal(rangesCsv(full), '65536,131071\n');
});

test('run containers, with fewer than four containers (no offset header) and with four or more (offset header)', () => {
  const three = roundTrip([...range(10, 5000), ...range(70_000, 70_010), ...range(140_000, 140_100)], () => 'run');
  assert.equal(rangesCsv(three), '10,5000\n70000,70010\n140000,140100\n');
  const many = [...range(0, 3), ...range(65_536, 65_600), ...range(131_072, 131_080, 2), ...range(196_608, 262_143), ...range(400_000, 400_001)];
  roundTrip(many, () => 'run');
  // mixed kinds in one bitmap: run, array, array, bitmap (a full one), run
  const kinds: ContainerKind[] = ['run', 'array', 'array', 'bitmap', 'run'];
  roundTrip(many, (_k, high) => kinds[[0, 1, 2, 3, 6].indexOf(high)] ?? 'array');
});

test('keys above 0: positions past 2^32 and past 2^53 stay exact (bigint), up to the largest positive long', () => {
  const big = (key: number, low: number) => (BigInt(key) << 32n) + BigInt(low);
  const positions = [3n, big(1, 0), big(1, 7), big(0x200000, 1), big(0x200000, 2), big(0x7fffffff, 0xfffffffe), big(0x7fffffff, 0xffffffff)];
  const b = roundTrip(positions, (key) => (key === 1 ? 'run' : 'array'));
  assert.equal(rangesCsv(b), `3,3\n4294967296,4294967296\n4294967303,4294967303\n9007199254740993,9007199254740994\n9223372036854775806,9223372036854775807\n`);
  assert.ok(contains(b, 9007199254740993n));
  assert.ok(!contains(b, 9007199254740992n)); // 2^53: a number would have confused it with 2^53 + 1
});

test('an empty vector has no positions', () => {
  const b = readDeletionVectorBlob(deletionVectorBlob(roaring64([])), { file: FILE, offset: 4n });
  assert.equal(b.cardinality, 0n);
  assert.equal(rangesCsv(b), '');
});

test('the CRC-32 by table matches zlib and the check value', () => {
  assert.equal(crc32ByTable(Buffer.from('123456789')), 0xcbf43926);
  const bytes = roaring64(range(0, 9000, 3));
  assert.equal(crc32ByTable(bytes), zlib.crc32(bytes));
});

/** Asserts an IcebergError naming FILE whose message matches. */
function rejects(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof IcebergError, `expected IcebergError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(e.message.includes(FILE), `names the file: ${e.message}`);
    return true;
  });
}
const blobOf = (vector: Buffer) => deletionVectorBlob(vector);
const readBlob = (blob: Uint8Array) => readDeletionVectorBlob(blob, { file: FILE, offset: 4n });

test('damaged blobs: magic, CRC, length field, truncation', () => {
  const good = blobOf(roaring64([1n, 2n, 3n]));
  const badMagic = Buffer.from(good); badMagic[5] ^= 0xff;
  rejects(() => readBlob(badMagic), /offset 4 is damaged: .*magic D1 D3 39 64/);
  const badCrc = Buffer.from(good); badCrc[good.length - 6] ^= 0x01; // a bit of the vector
  rejects(() => readBlob(badCrc), /CRC-32 mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)/);
  const badStoredCrc = Buffer.from(good); badStoredCrc[good.length - 1] ^= 0x80;
  rejects(() => readBlob(badStoredCrc), /CRC-32 mismatch/);
  rejects(() => readBlob(good.subarray(0, good.length - 3)), /length field says \d+ bytes .*\(expected \d+\)/);
  rejects(() => readBlob(good.subarray(0, 7)), /too short/);
});

test('malformed bitmaps with a valid CRC are refused with what is wrong', () => {
  const vector = (parts: Buffer[]) => Buffer.concat(parts);
  const u64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
  const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
  const oneArray = (values: number[]) => vector([u32(12346), u32(1), u16(0), u16(values.length - 1), u32(16), ...values.map(u16)]);
  const cases: [Buffer, RegExp][] = [
    [roaring64([1n, 2n]).subarray(0, 20), /truncated/],
    [vector([u64(5), u32(0)]), /bitmap count 5 does not fit/],
    [vector([u64(1), u32(0), u32(99), u32(0)]), /cookie 99, not a Roaring cookie/],
    [vector([u64(2), u32(1), oneArray([1]), u32(1), oneArray([2])]), /key 1 .* not greater than the previous key 1/],
    [vector([u64(1), u32(0x80000000), oneArray([1])]), /most significant bit set/],
    [vector([u64(1), u32(0), oneArray([5, 3])]), /not strictly ascending/],
    [vector([u64(1), u32(0), u32(12346), u32(1), u16(0), u16(2), u32(16), u16(1), u16(2)]), /truncated: array container/],
    [vector([u64(1), u32(0), oneArray([1]), u16(0)]), /2 bytes follow the last bitmap/],
    [vector([u64(1), u32(0), u32(12347), u8(1), u16(0), u16(9), u16(1), u16(0), u16(4)]), /holds 5 values but its header says 10/],
    [vector([u64(1), u32(0), u32(12347), u8(1), u16(0), u16(5), u16(2), u16(0), u16(4), u16(3), u16(2)]), /overlaps the previous run/],
  ];
  for (const [v, pattern] of cases) rejects(() => readBlob(blobOf(v)), new RegExp(`Roaring bitmap is malformed: .*${pattern.source}`));
  // the reader's own error type carries no file: the blob reader adds it
  assert.throws(() => readRoaring64(new Uint8Array(3)), RoaringFormatError);
});
function u8(n: number) { return Buffer.from([n]); }

test('Puffin footers: magic, sizes, JSON, compression flag, blob bounds', () => {
  const { bytes } = puffinFile([{ bytes: blobOf(roaring64([1n])) }]);
  const footer = readPuffinFooter(bytes, FILE);
  assert.equal(footer.blobs.length, 1);
  assert.equal(footer.blobs[0]!.offset, 4n);
  assert.equal(footer.blobs[0]!['snapshot-id'], -1n);
  assert.deepEqual(footer.properties, { 'created-by': 'floe tests' });

  const damaged = (at: number) => { const b = Buffer.from(bytes); b[at < 0 ? b.length + at : at] ^= 0xff; return b; };
  rejects(() => readPuffinFooter(damaged(0), FILE), /does not start with the Puffin magic/);
  rejects(() => readPuffinFooter(damaged(-1), FILE), /does not end with the Puffin magic PFA1 \(truncated\?\)/);
  rejects(() => readPuffinFooter(bytes.subarray(0, bytes.length - 5), FILE), /does not end with the Puffin magic/);
  rejects(() => readPuffinFooter(bytes.subarray(0, 10), FILE), /too short/);
  rejects(() => readPuffinFooter(damaged(-10), FILE), /footer payload size -?\d+ does not fit/); // payload size's high byte
  const shifted = Buffer.from(bytes); shifted.writeInt32LE(shifted.readInt32LE(bytes.length - 12) - 1, bytes.length - 12);
  rejects(() => readPuffinFooter(shifted, FILE), /no Puffin magic where the footer should start/);
  rejects(() => readPuffinFooter(puffinFile([], { flags: 1 }).bytes, FILE), /LZ4-compressed, which Floe does not read/);
  assert.throws(() => readPuffinFooter(puffinFile([], { flags: 1 }).bytes, FILE), (e: unknown) => e instanceof IcebergError && e.kind === 'unsupported');
  const json = Buffer.from(bytes); json[json.length - 14] = 0x7b; // a stray brace inside the JSON payload
  rejects(() => readPuffinFooter(json, FILE), /not UTF-8 JSON/);
  rejects(() => readPuffinFooter(puffinFile([{ bytes: blobOf(roaring64([1n])), meta: { offset: 2 } }]).bytes, FILE), /lies outside the blob area/);
  rejects(() => readPuffinFooter(puffinFile([{ bytes: blobOf(roaring64([1n])), meta: { length: 10_000 } }]).bytes, FILE), /lies outside the blob area/);
  rejects(() => readPuffinFooter(puffinFile([{ bytes: blobOf(roaring64([1n])), meta: { offset: 'x' } }]).bytes, FILE), /no integer "offset"/);
});

function entry(e: { referenced: string; offset: bigint; size: bigint; cardinality: bigint }, over: Partial<DataFile> = {}): DataFile {
  return {
    content: 1, 'file-path': FILE, 'file-format': 'PUFFIN', partition: {}, 'record-count': e.cardinality, 'file-size-in-bytes': 0n,
    'referenced-data-file': e.referenced, 'content-offset': e.offset, 'content-size-in-bytes': e.size, ...over,
  };
}

test('a Puffin file with several vectors: each is found by its manifest offset and checked against the footer', () => {
  const other = 's3://wh/db/t/data/b.parquet';
  const puffin = deletionVectorPuffin([{ dataFile: DATA, positions: [0n, 9n] }, { dataFile: other, positions: range(0, 9999) }]);
  const [a, b] = puffin.entries;
  assert.equal(readDeletionVector(puffin.bytes, entry(a!), { file: FILE }).cardinality, 2n);
  assert.equal(rangesCsv(readDeletionVector(puffin.bytes, entry(b!), { file: FILE })), '0,9999\n');

  rejects(() => readDeletionVector(puffin.bytes, entry(a!, { 'content-offset': 5n }), { file: FILE }), /offset 5: the Puffin footer lists no blob there \(blobs at 4, \d+\)/);
  rejects(() => readDeletionVector(puffin.bytes, entry(a!, { 'content-size-in-bytes': a!.size + 1n }), { file: FILE }), /manifest says \d+ bytes, the Puffin footer \d+/);
  rejects(() => readDeletionVector(puffin.bytes, entry(a!, { 'content-offset': BigInt(puffin.bytes.length) }), { file: FILE }), /lies outside its Puffin file of \d+ bytes/);
  rejects(() => readDeletionVector(puffin.bytes, entry(a!, { 'record-count': 3n }), { file: FILE }), /deletes 2 rows but its manifest entry records 3/);
  rejects(() => readDeletionVector(puffin.bytes, entry(a!, { 'referenced-data-file': other }), { file: FILE }), /for data file .*a\.parquet in the Puffin footer but for .*b\.parquet in the manifest/);
  rejects(() => readDeletionVector(puffin.bytes, entry(a!, { 'content-offset': undefined }), { file: FILE }), /no content_offset/);
  // a moved table: the footer records the old location, which the caller says is the same file
  assert.equal(readDeletionVector(puffin.bytes, entry(a!, { 'referenced-data-file': '/new/root/data/a.parquet' }), { file: FILE, sameDataFile: (x, y) => x.endsWith('/data/a.parquet') && y.endsWith('/data/a.parquet') }).cardinality, 2n);

  // a bare blob where the Puffin file should be (older DuckDB versions wrote these): named as such
  const bare = deletionVectorBlob(roaring64([1n]));
  rejects(() => readDeletionVector(bare, entry({ referenced: DATA, offset: 0n, size: BigInt(bare.length), cardinality: 1n }), { file: FILE }), /bare deletion vector blob without the Puffin container/);

  const stats = puffinFile([{ bytes: Buffer.from('not a vector'), type: 'apache-datasketches-theta-v1' }]);
  rejects(() => readDeletionVector(stats.bytes, entry({ referenced: DATA, offset: 4n, size: 12n, cardinality: 0n }), { file: FILE }), /is a apache-datasketches-theta-v1, not a deletion-vector-v1/);
  const wrongCount = puffinFile([{ bytes: blobOf(roaring64([1n, 2n])), properties: { 'referenced-data-file': DATA, cardinality: '7' } }]);
  rejects(() => readDeletionVector(wrongCount.bytes, entry({ referenced: DATA, offset: 4n, size: BigInt(wrongCount.blobs[0]!.length), cardinality: 2n }), { file: FILE }), /deletes 2 rows but the Puffin footer records 7/);
});
