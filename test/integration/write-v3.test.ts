// Format v3 writes end to end over the local catalog on HTTP: row lineage (snapshot first-row-id/added-rows, the
// table's next-row-id, manifest list and data file first_row_id as the spec says, read back as _row_id), write-default
// for columns a query lacks, merges (equality deletes) on v3, concurrent appends taking disjoint row id ranges, and
// maintenance that keeps row ids or refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession, quoteLiteral } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { defaultManifestIO } from '../../server/src/engine/write/manifest-io-default';
import type { ManifestIO } from '../../server/src/engine/write/manifest-io';
import '../../server/src/engine/read/default-planner';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import { readManifestList } from '../../server/src/iceberg/manifest-list';
import { readManifest } from '../../server/src/iceberg/manifest';
import { compactTable } from '../../server/src/engine/maintenance/compact';
import { rewriteManifests } from '../../server/src/engine/maintenance/rewrite-manifests';
import { expireSnapshots } from '../../server/src/engine/maintenance/expire-snapshots';
import { parseWriteArgs, runWrite } from '../../server/src/cli/commands/write';
import { parseQueryArgs, runQuery } from '../../server/src/cli/commands/query';
import type { NestedField, Schema, TableIdentifier, TableMetadata } from '../../server/src/iceberg/spec';

let server: TestCatalog;
let catalog: Catalog;
let session: DuckSession;

before(async () => {
  server = await startTestCatalog();
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  await catalog.createNamespace(['v3']);
  session = await DuckSession.open({ settings: { TimeZone: 'UTC' } });
});
after(async () => {
  session?.close();
  await server?.close();
});

const id = (name: string): TableIdentifier => ({ namespace: ['v3'], name });
const local = (p: string) => (p.startsWith('file:') ? fileURLToPath(p) : p);
const V3 = { 'format-version': '3' };

async function load(name: string): Promise<TableMetadata> {
  return (await catalog.loadTable(id(name))).metadata;
}
const current = (m: TableMetadata) => m.snapshots.find((s) => s['snapshot-id'] === m['current-snapshot-id'])!;

/** The current snapshot's manifest list as written, and each manifest's entries as written (no inheritance). */
function rawManifests(m: TableMetadata) {
  return readManifestList(readFileSync(local(current(m)['manifest-list']))).manifests.map((mf) => ({
    manifest: mf, entries: readManifest(readFileSync(local(mf['manifest-path']))).entries,
  }));
}

/** Manifest IO that runs `meanwhile` (another commit) once, just before the first manifest list is written. */
function racing(meanwhile: () => Promise<unknown>): ManifestIO {
  let raced = false;
  return {
    ...defaultManifestIO,
    async writeManifestList(storage, input) {
      if (!raced) {
        raced = true;
        await meanwhile();
      }
      return defaultManifestIO.writeManifestList(storage, input);
    },
  };
}

/** Registers the table's current snapshot as a DuckDB view; returns its name. */
async function registered(name: string): Promise<string> {
  const view = `read_${name}_${Math.random().toString(36).slice(2)}`;
  await registerIcebergTable(session, view, await catalog.loadTable(id(name)));
  return view;
}

/** Rows with their lineage, through Floe's read path. */
async function lineage(name: string, columns: string, orderBy: string): Promise<string[][]> {
  const view = `lineage_${name}_${Math.random().toString(36).slice(2)}`;
  await registerIcebergTable(session, view, await catalog.loadTable(id(name)), { rowLineage: true });
  const r = await session.query(`SELECT ${columns}, _row_id::VARCHAR, _last_updated_sequence_number::VARCHAR FROM "${view}" ORDER BY ${orderBy}`);
  return r.rows.map((row) => row.map((v) => (v === null ? 'null' : String(v))));
}

test('create, append and overwrite on v3: snapshots take row id ranges from next-row-id, rows read back with them', async () => {
  await writeTable({ session, catalog, table: id('events'), sql: 'SELECT range AS n, range % 2 AS p FROM range(4)', mode: 'create', partitionBy: 'p', properties: V3 });
  let m = await load('events');
  assert.equal(m['format-version'], 3);
  assert.equal(m['next-row-id'], 4n);
  assert.deepEqual([current(m)['first-row-id'], current(m)['added-rows']], [0n, 4n]);
  let raw = rawManifests(m);
  assert.deepEqual(raw.map((r) => [r.manifest.content, r.manifest['first-row-id']]), [[0, 0n]]);
  // Added data files are written with a null first_row_id: it is inherited once the commit assigns it.
  assert.ok(raw[0].entries.length === 2 && raw[0].entries.every((e) => e['data-file']['first-row-id'] === undefined));
  const created = await lineage('events', 'n', 'n');
  assert.deepEqual(created.map((r) => r[2]), ['1', '1', '1', '1']);
  assert.deepEqual(created.map((r) => r[1]).sort(), ['0', '1', '2', '3']);

  await writeTable({ session, catalog, table: id('events'), sql: 'SELECT range AS n, 0 AS p FROM range(10, 13)', mode: 'append' });
  m = await load('events');
  assert.equal(m['next-row-id'], 7n);
  assert.deepEqual([current(m)['first-row-id'], current(m)['added-rows']], [4n, 3n]);
  raw = rawManifests(m);
  assert.deepEqual(raw.map((r) => r.manifest['first-row-id']), [4n, 0n], 'the new manifest first, the carried one keeps its range');
  const appended = await lineage('events', 'n', 'n');
  assert.deepEqual(appended.slice(0, 4), created, 'earlier rows keep their ids and sequence numbers');
  assert.deepEqual(appended.slice(4).map((r) => [r[0], r[1], r[2]]), [['10', '4', '2'], ['11', '5', '2'], ['12', '6', '2']]);

  await writeTable({ session, catalog, table: id('events'), sql: 'SELECT 100::BIGINT AS n, 1::BIGINT AS p', mode: 'overwrite' });
  m = await load('events');
  assert.equal(m['next-row-id'], 8n);
  assert.deepEqual([current(m)['first-row-id'], current(m)['added-rows']], [7n, 1n]);
  raw = rawManifests(m);
  // The manifests marking the old files deleted carry each file's inherited first_row_id explicitly.
  const deleted = raw.flatMap((r) => r.entries.filter((e) => e.status === 2).map((e) => e['data-file']['first-row-id']));
  assert.deepEqual(deleted.map(String).sort(), ['0', '2', '4']);
  assert.deepEqual(await lineage('events', 'n', 'n'), [['100', '7', '3']]);
});

test('a merge on v3 writes equality deletes (no position deletes); new rows get fresh ids, untouched rows keep theirs', async () => {
  await writeTable({ session, catalog, table: id('accounts'), sql: "SELECT range AS k, 'v' || range AS v FROM range(3)", mode: 'create', properties: V3 });
  await writeTable({ session, catalog, table: id('accounts'), sql: "SELECT 1::BIGINT AS k, 'changed' AS v", mode: 'merge', uniqueKey: 'k' });
  const m = await load('accounts');
  assert.equal(m['next-row-id'], 4n);
  const raw = rawManifests(m);
  const deletes = raw.filter((r) => r.manifest.content === 1);
  assert.equal(deletes.length, 1);
  assert.equal(deletes[0].manifest['first-row-id'], undefined, 'delete manifests have no first_row_id');
  assert.deepEqual(deletes[0].entries.map((e) => [e['data-file'].content, e['data-file']['first-row-id']]), [[2, undefined]]);
  assert.deepEqual(await lineage('accounts', 'k, v', 'k'), [['0', 'v0', '0', '1'], ['1', 'changed', '3', '2'], ['2', 'v2', '2', '1']]);
});

/** The table's rows as icebird reads them, its fetch answered from the local files. */
async function readWithIcebird(name: string): Promise<Record<string, unknown>[]> {
  const { icebergRead } = await import('icebird');
  const loaded = await catalog.loadTable(id(name));
  const metadata = JSON.parse(readFileSync(local(loaded.metadataLocation!), 'utf8'));
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (url: string | URL, init?: RequestInit) => {
    const bytes = readFileSync(local(String(url)));
    return init?.method === 'HEAD' ? new Response(null, { headers: { 'Content-Length': String(bytes.length) } }) : new Response(bytes);
  }) as typeof fetch;
  try {
    return await icebergRead({ tableUrl: loaded.metadata.location, metadata });
  } finally {
    globalThis.fetch = realFetch;
  }
}

async function evolve(name: string, add: NestedField[]): Promise<void> {
  const m = await load(name);
  const schema = m.schemas.find((s) => s['schema-id'] === m['current-schema-id'])!;
  const next: Schema = { ...schema, 'schema-id': schema['schema-id'] + 1, fields: [...schema.fields, ...add] };
  await catalog.commitTable(id(name), [{ type: 'assert-current-schema-id', 'current-schema-id': schema['schema-id'] }], [
    { action: 'add-schema', schema: next, 'last-column-id': Math.max(m['last-column-id'], ...add.map((f) => f.id)) },
    { action: 'set-current-schema', 'schema-id': -1 },
  ]);
}

test("write-default: columns the query lacks are written with the table's write-default, null when optional without one", async () => {
  await writeTable({ session, catalog, table: id('people'), sql: "SELECT 1::BIGINT AS id, 'ann' AS name", mode: 'create', properties: V3 });
  await evolve('people', [
    { id: 3, name: 'region', required: true, type: 'string', 'initial-default': 'old', 'write-default': 'eu' },
    { id: 4, name: 'score', required: false, type: 'double', 'initial-default': 0.5, 'write-default': 3.141592653589793 },
    { id: 5, name: 'since', required: false, type: 'date', 'write-default': '2024-02-29' },
    { id: 6, name: 'note', required: false, type: 'string' },
  ]);
  await writeTable({ session, catalog, table: id('people'), sql: "SELECT 2::BIGINT AS id, 'bob' AS name", mode: 'append' });
  const view = 'people_now';
  await registerIcebergTable(session, view, await catalog.loadTable(id('people')));
  const r = await session.query(`SELECT id::VARCHAR, name, region, score, since::VARCHAR, note FROM "${view}" ORDER BY id`);
  assert.deepEqual(r.rows, [
    ['1', 'ann', 'old', 0.5, null, null], // written before the columns existed: initial-default
    ['2', 'bob', 'eu', 3.141592653589793, '2024-02-29', null], // written after: write-default, stored in the file
  ]);
  // The new data file holds every column of the table (the spec never lets a writer omit a known one).
  const m = await load('people');
  const added = rawManifests(m).find((x) => x.manifest['added-snapshot-id'] === m['current-snapshot-id'])!;
  const file = local(added.entries[0]['data-file']['file-path']);
  const cols = await session.query(`SELECT name FROM parquet_schema(${quoteLiteral(file)}) WHERE name <> 'duckdb_schema' ORDER BY field_id`);
  assert.deepEqual(cols.rows.map((x) => x[0]), ['id', 'name', 'region', 'score', 'since', 'note']);

  // An independent reader (icebird, from npm, with its own Avro and Parquet code) reads our v3 manifest list,
  // manifests and the file holding the defaults; it is served the local files through fetch.
  const rows = await readWithIcebird('people');
  const bob = rows.find((x) => String(x.id) === '2')!;
  assert.deepEqual([bob.name, bob.region, bob.score, bob.note], ['bob', 'eu', 3.141592653589793, null]);
  assert.deepEqual(rows.map((x) => String(x.id)).sort(), ['1', '2']);

  await evolve('people', [{ id: 7, name: 'tier', required: true, type: 'int', 'initial-default': 1 }]);
  const before = (await load('people'))['current-snapshot-id'];
  await assert.rejects(writeTable({ session, catalog, table: id('people'), sql: "SELECT 3::BIGINT AS id, 'cy' AS name", mode: 'append' }),
    (e: Error & { kind?: string }) => e.kind === 'incompatible-schema' && /no column "tier", which the table requires and which has no write-default/.test(e.message));
  assert.equal((await load('people'))['current-snapshot-id'], before);
});

test('an append that loses the race to another retries with the row ids after the winner\'s; the catalog refuses a stale range', async () => {
  await writeTable({ session, catalog, table: id('race'), sql: 'SELECT range AS n FROM range(2)', mode: 'create', properties: V3 });
  // The other writer commits while this one writes its manifest list: a real race, made deterministic.
  const manifestIO = racing(() => writeTable({ session, catalog, table: id('race'), sql: 'SELECT range + 100 AS n FROM range(3)', mode: 'append' }));
  const loser = await writeTable({ session, catalog, table: id('race'), sql: 'SELECT range + 200 AS n FROM range(4)', mode: 'append', manifestIO });
  assert.equal(loser.attempts, 2);
  const m = await load('race');
  assert.equal(m['next-row-id'], 2n + 3n + 4n);
  const ranges = m.snapshots.map((s) => [s['first-row-id'], s['added-rows']]);
  assert.deepEqual(ranges, [[0n, 2n], [2n, 3n], [5n, 4n]]);
  const rows = await lineage('race', 'n', 'n');
  assert.deepEqual(rows.map((r) => r[1]), ['0', '1', '2', '3', '4', '5', '6', '7', '8']);

  // A snapshot claiming ids another commit already took is a 409, whatever branch it goes to.
  const head = current(m);
  const stale = { ...head, 'snapshot-id': head['snapshot-id'] + 1n, 'parent-snapshot-id': head['snapshot-id'], 'sequence-number': m['last-sequence-number'] + 1n, 'first-row-id': 8n, 'added-rows': 1n };
  await assert.rejects(catalog.commitTable(id('race'), [], [
    { action: 'add-snapshot', snapshot: stale }, { action: 'set-snapshot-ref', 'ref-name': 'audit', type: 'branch', 'snapshot-id': stale['snapshot-id'] },
  ]), (e: Error & { kind?: string }) => /first-row-id is behind table next-row-id: 8 < 9/.test(e.message));
  assert.equal((await load('race'))['next-row-id'], 9n);
});

test('an append whose table gained a column meanwhile is refused on v3 (its files would lack the column) and leaves no trace', async () => {
  await writeTable({ session, catalog, table: id('grown'), sql: 'SELECT 1::BIGINT AS n', mode: 'create', properties: V3 });
  const before = (await load('grown'))['current-snapshot-id'];
  const manifestIO = racing(() => evolve('grown', [{ id: 2, name: 'tag', required: false, type: 'string', 'write-default': 'new' }]));
  await assert.rejects(writeTable({ session, catalog, table: id('grown'), sql: 'SELECT 2::BIGINT AS n', mode: 'append', manifestIO }),
    (e: Error & { kind?: string }) => e.kind === 'conflict' && /v3\.grown changed while writing: a column was added to it; write again/.test(e.message));
  assert.equal((await load('grown'))['current-snapshot-id'], before);
  // written again, the row gets the new column's write-default
  await writeTable({ session, catalog, table: id('grown'), sql: 'SELECT 2::BIGINT AS n', mode: 'append' });
  const r = await session.query(`SELECT n::VARCHAR, tag FROM "${await registered('grown')}" ORDER BY n`);
  assert.deepEqual(r.rows, [['1', null], ['2', 'new']]);
});

test('maintenance on v3 keeps row lineage: compaction copies _row_id and sequence numbers into the new files; rewrite-manifests and expire keep them', async () => {
  await writeTable({ session, catalog, table: id('kept'), sql: "SELECT range AS n, 'a' AS v FROM range(3)", mode: 'create', properties: V3 });
  for (let i = 0; i < 3; i++) await writeTable({ session, catalog, table: id('kept'), sql: `SELECT range + ${10 * (i + 1)} AS n, 'a' AS v FROM range(2)`, mode: 'append' });
  // an equality delete and its new row, so compaction applies deletes too
  await writeTable({ session, catalog, table: id('kept'), sql: "SELECT 11::BIGINT AS n, 'b' AS v", mode: 'merge', uniqueKey: 'n' });
  const before = await lineage('kept', 'n, v', 'n');
  assert.equal(before.length, 9);
  assert.ok(before.some((r) => r[0] === '11' && r[1] === 'b' && r[3] === '5'));

  const compacted = await compactTable({ catalog, table: id('kept'), session, targetFileSizeBytes: 64 * 1024 * 1024 });
  assert.ok(compacted.snapshotId !== undefined && compacted.rewrittenDataFiles >= 5 && compacted.addedDataFiles === 1, JSON.stringify(compacted, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  let m = await load('kept');
  assert.equal(current(m).summary.operation, 'replace');
  assert.deepEqual(await lineage('kept', 'n, v', 'n'), before, 'every row keeps its _row_id and _last_updated_sequence_number');
  // The new file stores them as the reserved metadata columns (field ids 2147483540 and 2147483539).
  const live = rawManifests(m).flatMap((r) => r.entries.filter((e) => e.status !== 2 && e['data-file'].content === 0));
  assert.equal(live.length, 1);
  const ids = await session.query(`SELECT field_id::VARCHAR FROM parquet_schema(${quoteLiteral(local(live[0]['data-file']['file-path']))}) WHERE name IN ('_row_id', '_last_updated_sequence_number') ORDER BY name`);
  assert.deepEqual(ids.rows.map((r) => r[0]), ['2147483539', '2147483540']);
  // a row appended after the compaction takes an id no earlier row has
  await writeTable({ session, catalog, table: id('kept'), sql: "SELECT 99::BIGINT AS n, 'c' AS v", mode: 'append' });
  const after = await lineage('kept', 'n, v', 'n');
  assert.equal(new Set(after.map((r) => r[2])).size, after.length);
  const grown = after.filter((r) => r[0] !== '99');

  await writeTable({ session, catalog, table: id('kept'), sql: "SELECT 98::BIGINT AS n, 'c' AS v", mode: 'append' });
  const rewritten = await rewriteManifests({ catalog, table: id('kept') });
  assert.ok(rewritten.snapshotId !== undefined && rewritten.manifestsAfter < rewritten.manifestsBefore, JSON.stringify(rewritten, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  m = await load('kept');
  const kept = await lineage('kept', 'n, v', 'n');
  assert.deepEqual(kept.filter((r) => r[0] !== '98' && r[0] !== '99'), grown, 'row ids and sequence numbers survive the manifest rewrite');
  // Files moved into the new manifest carry their first_row_id explicitly.
  assert.ok(rawManifests(m).every((r) => r.entries.every((e) => e['data-file'].content !== 0 || e['data-file']['first-row-id'] !== undefined)));

  const expired = await expireSnapshots({ catalog, table: id('kept'), olderThanMs: 0, retainLast: 1, now: Date.now() + 1000 });
  assert.ok(expired.expiredSnapshots.length >= 5);
  assert.deepEqual(await lineage('kept', 'n, v', 'n'), kept);
});

test('floe write --format-version 3 creates a v3 table; floe query --row-lineage reads its row ids; an existing table keeps its version', async () => {
  const cli = (...args: string[]) => runWrite(parseWriteArgs(['--catalog', server.uri, '--warehouse', server.name, ...args]));
  await cli('--mode', 'create', '--format-version', '3', 'v3.cli_made', 'SELECT range AS n FROM range(2)');
  await cli('--mode', 'append', 'v3.cli_made', 'SELECT 7::BIGINT AS n');
  const out = await runQuery(parseQueryArgs(['--catalog', server.uri, '--warehouse', server.name, '--row-lineage', '--format', 'csv',
    'SELECT n, _row_id, _last_updated_sequence_number FROM v3.cli_made ORDER BY n']));
  assert.deepEqual(out.trim().split(/\r?\n/), ['n,_row_id,_last_updated_sequence_number', '0,0,1', '1,1,1', '7,2,2']);
  await assert.rejects(cli('--mode', 'append', '--format-version', '2', 'v3.cli_made', 'SELECT 8::BIGINT AS n'),
    (e: Error & { kind?: string }) => e.kind === 'bad-argument' && /v3\.cli_made is an Iceberg format v3 table; format version 2 applies only to a table the write creates/.test(e.message));
  assert.equal((await load('cli_made'))['next-row-id'], 3n);
});
