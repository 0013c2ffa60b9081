// Corrupt Iceberg metadata under a real table (local catalog, DuckDB): truncated Avro, wrong magic, absurd
// block counts and sizes, a deflate bomb, missing manifests and data files, a broken metadata.json. Each read
// fails with a typed error naming the file or table, quickly and without large memory growth.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog, LoadTableResult } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { readManifestList } from '../../server/src/iceberg/manifest-list';
import { readAvroFile, writeAvroFile } from '../../server/src/iceberg/avro-file';
import { readManifest } from '../../server/src/iceberg/manifest';

let server: TestCatalog;
let catalog: Catalog;
let session: DuckSession;
let loaded: LoadTableResult;
let manifestList: string;
let manifest: string;
const id = { namespace: ['gold'], name: 'corrupt' };

before(async () => {
  server = await startTestCatalog();
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  await catalog.createNamespace(['gold']);
  session = await DuckSession.open();
  await writeTable({ session, catalog, table: id, mode: 'create', partitionBy: 'k', sql: 'SELECT i::BIGINT AS id, i % 3 AS k FROM range(300) r(i)' });
  loaded = await catalog.loadTable(id);
  const snapshot = loaded.metadata.snapshots[0];
  manifestList = snapshot['manifest-list'];
  manifest = readManifestList(await readFile(manifestList), manifestList).manifests[0]['manifest-path'];
});
after(async () => {
  session?.close();
  await server?.close();
});

/** Reads the table through the catalog into DuckDB: planning reads the manifest list and manifests, DuckDB the data. */
async function read(): Promise<unknown> {
  await registerIcebergTable(session, 'corrupt', await catalog.loadTable(id), { tableName: 'gold.corrupt' });
  return (await session.query('SELECT count(*) FROM corrupt')).rows;
}

/** Replaces a file's bytes for one check, then restores them. */
async function withBytes(file: string, change: (b: Buffer) => Buffer, check: () => Promise<void>): Promise<void> {
  const original = await readFile(file);
  await writeFile(file, change(original));
  try { await check(); } finally { await writeFile(file, original); }
}

/** The read fails within 5 s with a typed one-line error matching `message`, and memory stays bounded. */
async function failsClearly(what: string, message: RegExp): Promise<void> {
  const rss = process.memoryUsage().rss;
  const started = Date.now();
  const outcome = await Promise.race([
    read().then(() => 'read succeeded', (e: unknown) => e),
    new Promise((resolve) => setTimeout(() => resolve('hung'), 5000)),
  ]);
  assert.ok(outcome instanceof Error, `${what}: ${String(outcome)}`);
  assert.match(outcome.name, /IcebergError|StorageError|CatalogError/, `${what}: a typed error, got ${outcome.name}: ${outcome.message}`);
  assert.match(outcome.message, message, what);
  assert.doesNotMatch(outcome.message, /\n\s+at /, `${what}: no stack trace in the message`);
  assert.ok(Date.now() - started < 5000, `${what}: took ${Date.now() - started} ms`);
  assert.ok(process.memoryUsage().rss - rss < 512 * 1024 * 1024, `${what}: memory grew by ${Math.round((process.memoryUsage().rss - rss) / 1e6)} MB`);
}

/** Zigzag varint, as Avro encodes longs. */
function varint(n: bigint): Buffer {
  let z = n >= 0n ? n << 1n : ((-n) << 1n) - 1n;
  const out: number[] = [];
  do { let byte = Number(z & 0x7fn); z >>= 7n; if (z > 0n) byte |= 0x80; out.push(byte); } while (z > 0n);
  return Buffer.from(out);
}
function readVarint(b: Buffer, pos: number): { value: bigint; end: number } {
  let shift = 0n, z = 0n, p = pos;
  for (;;) { const byte = b[p++]!; z |= BigInt(byte & 0x7f) << shift; shift += 7n; if ((byte & 0x80) === 0) break; }
  return { value: (z >> 1n) ^ -(z & 1n), end: p };
}
/** Rewrites the first data block's record count and/or byte size. */
function firstBlock(b: Buffer, edit: { count?: bigint; size?: bigint }): Buffer {
  const sync = b.subarray(b.length - 16);
  const headerEnd = b.indexOf(sync) + 16;
  const count = readVarint(b, headerEnd);
  const size = readVarint(b, count.end);
  return Buffer.concat([b.subarray(0, headerEnd), varint(edit.count ?? count.value), varint(edit.size ?? size.value), b.subarray(size.end)]);
}

test('the table reads before any damage', async () => {
  assert.deepEqual(await read(), [['300']]);
});

test('truncated Avro, wrong magic and absurd counts in manifest lists and manifests are clear errors', async () => {
  const cases: [string, string, (b: Buffer) => Buffer, RegExp][] = [
    ['manifest list truncated', manifestList, (b) => b.subarray(0, Math.floor(b.length / 2)), /snap-.*\.avro/],
    ['manifest list wrong magic', manifestList, (b) => Buffer.concat([Buffer.from('PAR1'), b.subarray(4)]), /magic.*snap-.*\.avro|snap-.*\.avro.*magic/],
    ['manifest list empty', manifestList, () => Buffer.alloc(0), /snap-.*\.avro/],
    ['manifest truncated', manifest, (b) => b.subarray(0, b.length - 40), /-m\d+\.avro/],
    ['manifest wrong magic', manifest, (b) => Buffer.concat([Buffer.from('Obj\u0002'), b.subarray(4)]), /magic.*-m\d+\.avro|-m\d+\.avro.*magic/],
    ['manifest with 2^62 records in a block', manifest, (b) => firstBlock(b, { count: 1n << 62n }), /-m\d+\.avro/],
    ['manifest with a negative record count', manifest, (b) => firstBlock(b, { count: -(1n << 40n) }), /-m\d+\.avro/],
    ['manifest with a 2^60-byte block', manifest, (b) => firstBlock(b, { size: 1n << 60n }), /-m\d+\.avro/],
    ['manifest list with 2^62 records in a block', manifestList, (b) => firstBlock(b, { count: 1n << 62n }), /snap-.*\.avro/],
    ['manifest with junk after the header', manifest, (b) => { const c = Buffer.from(b); for (let i = Math.floor(c.length / 2); i < c.length - 16; i++) c[i] = 0xff; return c; }, /-m\d+\.avro/],
  ];
  for (const [what, file, change, message] of cases) await withBytes(file, change, () => failsClearly(what, message));
  assert.deepEqual(await read(), [['300']], 'restored');
});

test('a deflate bomb in a manifest (a small block that inflates to 200 MB) is refused, not inflated into memory', async () => {
  const original = await readFile(manifest);
  // The manifest's header with deflate, then one block of 200 MB of zeros compressed to ~200 KB.
  const { meta, schema } = readAvroFile(original, manifest);
  const header = Buffer.from(writeAvroFile(schema, [], { meta, codec: 'deflate' }));
  const bombBlock = deflateRawSync(Buffer.alloc(200 * 1024 * 1024), { level: 1 });
  const bomb = Buffer.concat([header, varint(1n), varint(BigInt(bombBlock.length)), bombBlock, header.subarray(header.length - 16)]);
  await withBytes(manifest, () => bomb, () => failsClearly('deflate bomb', /-m\d+\.avro/));
});

test('a missing manifest, a missing data file and a broken metadata.json name what is missing', async () => {
  await rename(manifest, `${manifest}.away`);
  try { await failsClearly('missing manifest', /-m\d+\.avro/); } finally { await rename(`${manifest}.away`, manifest); }
  const dataFile = readManifest(await readFile(manifest), { file: manifest }).entries[0]['data-file']['file-path'];
  await rename(dataFile, `${dataFile}.away`);
  try { await failsClearly('missing data file', /missing.*\.parquet|\.parquet.*missing|gold\.corrupt/); } finally { await rename(`${dataFile}.away`, dataFile); }
  await withBytes(loaded.metadataLocation!, (b) => b.subarray(0, 100), async () => {
    const outcome = await catalog.loadTable(id).then(() => 'loaded', (e: Error) => e);
    assert.ok(outcome instanceof Error, String(outcome));
    assert.match(outcome.message, /gold\.corrupt|metadata\.json/);
    assert.doesNotMatch(outcome.message, /\n\s+at /);
  });
  assert.deepEqual(await read(), [['300']], 'restored');
});
