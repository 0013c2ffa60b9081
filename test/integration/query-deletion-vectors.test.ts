// v3 deletion vectors read end to end: tables written by Floe into the local catalog (over HTTP), upgraded to v3, then
// given Puffin deletion vectors (written byte by byte from the spec in test/helpers/puffin-writer.ts) and an older
// position delete file in snapshots committed through the catalog; `floe query` reads them with DuckDB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog, type RestCatalog } from '../../server/src/catalog/rest-client';
import { parseWriteArgs, runWrite } from '../../server/src/cli/commands/write';
import { parseQueryArgs, runQuery } from '../../server/src/cli/commands/query';
import { readManifestList } from '../../server/src/iceberg/manifest-list';
import { readManifest, writeManifest } from '../../server/src/iceberg/manifest';
import { writeManifestList } from '../../server/src/iceberg/manifest-list';
import type { DataFile, ManifestEntry, ManifestFile, Snapshot } from '../../server/src/iceberg/spec';
import { DuckSession, quoteLiteral } from '../../server/src/engine/session';
import { deletionVectorPuffin, type ContainerKind } from '../helpers/puffin-writer';
import { compactTable } from '../../server/src/engine/maintenance/compact';

let catalog: TestCatalog;
let client: RestCatalog;
let duck: DuckSession;
before(async () => {
  catalog = await startTestCatalog();
  client = await connectRestCatalog({ uri: catalog.uri, warehouse: catalog.name });
  await client.createNamespace(['lake']);
  duck = await DuckSession.open();
});
after(async () => { duck?.close(); await catalog?.close(); });

const write = (mode: string, table: string, sql: string) =>
  runWrite(parseWriteArgs(['--catalog', catalog.uri, '--warehouse', catalog.name, '--mode', mode, table, sql]));
const query = (sql: string, extra: string[] = []) =>
  runQuery(parseQueryArgs(['--catalog', catalog.uri, '--warehouse', catalog.name, ...extra, '--format', 'csv', sql]));
const local = (p: string) => (p.startsWith('file:') ? fileURLToPath(p) : p);
const ident = (name: string) => ({ namespace: ['lake'], name });

/** The table's live data files (as recorded) with each row's position: id -> position, per file. */
async function dataFiles(name: string): Promise<{ path: string; positions: Map<number, bigint> }[]> {
  const { metadata } = await client.loadTable(ident(name));
  const snap = metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id'])!;
  const out: { path: string; positions: Map<number, bigint> }[] = [];
  for (const m of readManifestList(readFileSync(local(snap['manifest-list']))).manifests.filter((x) => x.content === 0)) {
    for (const e of readManifest(readFileSync(local(m['manifest-path'])), { manifest: m }).entries) {
      const p = e['data-file']['file-path'];
      const rows = await duck.query(`SELECT id, file_row_number FROM read_parquet(${quoteLiteral(local(p))}, file_row_number = true)`);
      out.push({ path: p, positions: new Map(rows.rows.map(([id, pos]) => [Number(id), BigInt(String(pos))])) });
    }
  }
  return out.sort((a, b) => a.positions.size - b.positions.size);
}

/** Commits a snapshot adding one delete manifest (entries at the new sequence number) over the current snapshot's manifests. */
async function commitDeletes(name: string, formatVersion: 2 | 3, entries: (seq: bigint) => ManifestEntry[]): Promise<bigint> {
  const { metadata } = await client.loadTable(ident(name));
  const parent = metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id'])!;
  const seq = metadata['last-sequence-number'] + 1n;
  const snapshotId = BigInt(Date.now()) * 1000n + seq;
  const dir = path.join(local(metadata.location), 'metadata');
  const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id'])!;
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id'])!;
  const manifestPath = path.join(dir, `deletes-${snapshotId}.avro`);
  const { bytes, manifest } = writeManifest({ formatVersion, schema, spec, content: 1, snapshotId, sequenceNumber: seq, entries: entries(seq), path: manifestPath });
  writeFileSync(manifestPath, bytes);
  const existing: ManifestFile[] = readManifestList(readFileSync(local(parent['manifest-list']))).manifests;
  const listPath = path.join(dir, `snap-${snapshotId}.avro`);
  writeFileSync(listPath, writeManifestList({ formatVersion, snapshotId, parentSnapshotId: parent['snapshot-id'], sequenceNumber: seq, manifests: [...existing, manifest] }).bytes);
  const snapshot: Snapshot = {
    'snapshot-id': snapshotId, 'parent-snapshot-id': parent['snapshot-id'], 'sequence-number': seq, 'timestamp-ms': BigInt(Date.now()),
    'manifest-list': listPath, summary: { operation: 'delete' }, 'schema-id': schema['schema-id'],
    ...(formatVersion === 3 ? { 'first-row-id': metadata['next-row-id'] ?? 0n, 'added-rows': 0n } : {}),
  };
  await client.commitTable(ident(name), [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': parent['snapshot-id'] }], [
    { action: 'add-snapshot', snapshot },
    { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
  ]);
  return snapshotId;
}

const deleteEntry = (seq: bigint, file: DataFile): ManifestEntry => ({ status: 1, 'snapshot-id': undefined, 'sequence-number': seq, 'file-sequence-number': seq, 'data-file': file });

/** Writes a Puffin file of deletion vectors into the table's data folder; returns their manifest entries. */
function puffinEntries(name: string, location: string, vectors: { dataFile: string; positions: bigint[]; kindOf?: (key: number, high: number, lows: number[]) => ContainerKind }[]): DataFile[] {
  const puffin = deletionVectorPuffin(vectors);
  const file = path.join(local(location), 'data', `${name}.puffin`);
  writeFileSync(file, puffin.bytes);
  return puffin.entries.map((e) => ({
    content: 1, 'file-path': file, 'file-format': 'PUFFIN', partition: {}, 'record-count': e.cardinality, 'file-size-in-bytes': BigInt(statSync(file).size),
    'referenced-data-file': e.referenced, 'content-offset': e.offset, 'content-size-in-bytes': e.size,
  }));
}

const ids = (csv: string) => csv.trim().split(/\r?\n/).slice(1).map(Number);
const upgradeToV3 = (name: string) => client.commitTable(ident(name), [], [{ action: 'upgrade-format-version', 'format-version': 3 }]);

test('a v3 table with deletion vectors (array, bitmap and run containers, one Puffin file) reads exactly the rows not deleted', async () => {
  await write('create', 'lake.events', 'SELECT range AS id FROM range(10)');
  await write('append', 'lake.events', 'SELECT range AS id FROM range(1000, 11000)');
  await write('append', 'lake.events', 'SELECT range AS id FROM range(20000, 20100)');
  const [small, middle, large] = await dataFiles('events');
  assert.deepEqual([small!.positions.size, middle!.positions.size, large!.positions.size], [10, 100, 10000]);

  // v2: a position delete file removing ids 3 and 20050; then the table becomes v3
  const posFile = path.join(local((await client.loadTable(ident('events'))).metadata.location), 'data', 'pos-deletes.parquet');
  const posRows = [[small!.path, small!.positions.get(3)!], [middle!.path, middle!.positions.get(20050)!]];
  await duck.run(`COPY (SELECT * FROM (VALUES ${posRows.map(([p, n]) => `(${quoteLiteral(String(p))}, ${n}::BIGINT)`).join(', ')}) v(file_path, pos) ORDER BY ALL)
    TO ${quoteLiteral(posFile)} (FORMAT parquet, FIELD_IDS {file_path: 2147483546, pos: 2147483545})`);
  const posSize = BigInt(statSync(posFile).size);
  const beforeDvs = await commitDeletes('events', 2, (seq) => [deleteEntry(seq, { content: 1, 'file-path': posFile, 'file-format': 'PARQUET', partition: {}, 'record-count': 2n, 'file-size-in-bytes': posSize })]);
  assert.deepEqual(ids(await query('SELECT count(*) AS n FROM lake.events')), [10108]);
  await upgradeToV3('events');

  // v3: deletion vectors for the small file (ids 0, 1, 9: an array container) and the large one (every other row
  // below id 6000: a bitmap container; ids 8000..8999 as a run). The small file's vector supersedes the position
  // delete file for it, and deliberately leaves id 3 out: a reader must ignore position deletes where a DV exists. The
  // middle file has no vector: the position delete file still deletes its id 20050, read in the same scan.
  const pos = (f: typeof small, list: number[]) => list.map((id) => f!.positions.get(id)!);
  const location = (await client.loadTable(ident('events'))).metadata.location;
  const gone = { small: [0, 1, 9], large: [...Array.from({ length: 2500 }, (_, i) => 1000 + 2 * i), ...Array.from({ length: 1000 }, (_, i) => 8000 + i)] };
  const entries = puffinEntries('dv-a', location, [
    { dataFile: small!.path, positions: pos(small, gone.small) },
    { dataFile: large!.path, positions: pos(large, gone.large), kindOf: (_k, _h, lows) => (lows.length > 4096 ? 'bitmap' : 'run') },
  ]);
  await commitDeletes('events', 3, (seq) => entries.map((e) => deleteEntry(seq, e)));

  const expected = [...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10000 }, (_, i) => 1000 + i), ...Array.from({ length: 100 }, (_, i) => 20000 + i)]
    .filter((id) => !gone.small.includes(id) && id !== 20050 && !new Set(gone.large).has(id));
  const got = ids(await query('SELECT id FROM lake.events ORDER BY id'));
  // id 3 is deleted only by the position delete file, which the small file's deletion vector supersedes
  assert.deepEqual(got, expected);
  assert.ok(got.includes(3) && !got.includes(20050));
  assert.equal(got.length, 10 + 10000 + 100 - 3 - 1 - 3500);
  // A merge into the v3 table: an equality delete and the new row in one snapshot, the vectors still in force; being
  // the first snapshot since the upgrade, it gives every row of the table a row id (spec "Row Lineage for Upgraded Tables").
  await runWrite(parseWriteArgs(['--catalog', catalog.uri, '--warehouse', catalog.name, '--mode', 'merge', '--unique-key', 'id', 'lake.events', 'SELECT 0::BIGINT AS id']));
  assert.deepEqual(ids(await query('SELECT id FROM lake.events ORDER BY id')), [0, ...expected]);
  const lineage = (await query('SELECT count(*) AS n, count(DISTINCT _row_id) AS ids FROM lake.events', ['--row-lineage'])).trim().split(/\r?\n/)[1];
  assert.equal(lineage, `${expected.length + 1},${expected.length + 1}`);
  // the snapshot before the vectors still reads with the position delete file applied
  assert.deepEqual(ids(await query('SELECT id FROM lake.events ORDER BY id', ['--snapshot', `lake.events=${beforeDvs}`])).filter((id) => id === 3 || id === 20050), []);

  // Compaction applies the vectors, the position and the equality deletes; every row keeps its row id, and the
  // delete files (the Puffin file with both vectors too) leave the table with the files they applied to.
  const withIds = 'SELECT id, _row_id, _last_updated_sequence_number FROM lake.events ORDER BY id';
  const beforeCompaction = await query(withIds, ['--row-lineage']);
  const compacted = await compactTable({ catalog: client, table: ident('events'), session: duck });
  assert.equal(compacted.removedDeleteFiles, 3);
  assert.equal(await query(withIds, ['--row-lineage']), beforeCompaction);
  const { metadata } = await client.loadTable(ident('events'));
  const snap = metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id'])!;
  const live = readManifestList(readFileSync(local(snap['manifest-list']))).manifests
    .flatMap((m) => readManifest(readFileSync(local(m['manifest-path'])), { manifest: m }).entries.filter((e) => e.status !== 2).map((e) => e['data-file'].content));
  assert.deepEqual(live, [0]);
});

test('positions above 2^32 in a vector do not touch a file\'s low rows; damaged vectors fail naming the Puffin file', async () => {
  await write('create', 'lake.items', 'SELECT range AS id FROM range(5)');
  await upgradeToV3('items');
  const [data] = await dataFiles('items');
  const location = (await client.loadTable(ident('items'))).metadata.location;
  const high = (1n << 32n) + data!.positions.get(2)!; // same low bits as id 2, in key 1: must not delete id 2
  const entries = puffinEntries('dv-b', location, [{ dataFile: data!.path, positions: [data!.positions.get(4)!, high, (1n << 62n) + 5n] }]);
  await commitDeletes('items', 3, (seq) => entries.map((e) => deleteEntry(seq, e)));
  assert.deepEqual(ids(await query('SELECT id FROM lake.items ORDER BY id')), [0, 1, 2, 3]);

  // the same table with its Puffin file damaged in place (one byte of the vector): a clear error, naming the file
  const puffinPath = entries[0]!['file-path'];
  const bytes = readFileSync(puffinPath);
  bytes[Number(entries[0]!['content-offset']) + 20] ^= 0x40;
  writeFileSync(puffinPath, bytes);
  await assert.rejects(query('SELECT id FROM lake.items'), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /deletion vector at offset 4 is damaged: CRC-32 mismatch/);
    assert.ok(e.message.includes('dv-b.puffin'), e.message);
    return true;
  });
});

test('a vector entry pointing past the end of its Puffin file fails naming the file', async () => {
  await write('create', 'lake.bounds', 'SELECT range AS id FROM range(3)');
  await upgradeToV3('bounds');
  const [data] = await dataFiles('bounds');
  const [entry] = puffinEntries('dv-c', (await client.loadTable(ident('bounds'))).metadata.location, [{ dataFile: data!.path, positions: [0n] }]);
  await commitDeletes('bounds', 3, (seq) => [deleteEntry(seq, { ...entry!, 'content-offset': 4000n })]);
  await assert.rejects(query('SELECT id FROM lake.bounds'), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /deletion vector at offset 4000 with size \d+ lies outside its Puffin file of \d+ bytes .*dv-c\.puffin/);
    return true;
  });
});

test('two data files whose vectors are the same bytes each lose their own rows', async () => {
  await write('create', 'lake.twins', 'SELECT range AS id FROM range(5)');
  await write('append', 'lake.twins', 'SELECT range AS id FROM range(100, 105)');
  await upgradeToV3('twins');
  const files = await dataFiles('twins');
  const location = (await client.loadTable(ident('twins'))).metadata.location;
  // positions 0 and 4 in both files: identical blobs, one ranges file for both
  const entries = puffinEntries('dv-d', location, files.map((f) => ({ dataFile: f.path, positions: [0n, 4n] })));
  await commitDeletes('twins', 3, (seq) => entries.map((e) => deleteEntry(seq, e)));
  const dropped = files.flatMap((f) => [...f.positions].filter(([, p]) => p === 0n || p === 4n).map(([id]) => id));
  assert.equal(dropped.length, 4);
  assert.deepEqual(ids(await query('SELECT id FROM lake.twins ORDER BY id')), [0, 1, 2, 3, 4, 100, 101, 102, 103, 104].filter((id) => !dropped.includes(id)));
});

test('a cache folder that cannot be written is a clear error, not a crash', async () => {
  const blocked = path.join(await mkdtemp(path.join(tmpdir(), 'floe-dv-cache-')), 'a-file');
  writeFileSync(blocked, 'not a folder');
  const saved = process.env.FLOE_CACHE_DIR;
  process.env.FLOE_CACHE_DIR = blocked;
  try {
    await assert.rejects(query('SELECT id FROM lake.twins'), (e: unknown) => e instanceof Error
      && /cannot write the deleted rows of a deletion vector of table lake\.twins to the cache folder: ENOTDIR/.test(e.message) && e.message.includes(blocked));
  } finally {
    process.env.FLOE_CACHE_DIR = saved;
  }
});
