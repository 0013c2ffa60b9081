import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
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
  // A model's SQL may end in a semicolon or a line comment.
  const first = await writeTable({ session, catalog, table: id, sql: 'SELECT 1 AS a; -- the answer', mode: 'create' });
  await assert.rejects(writeTable({ session, catalog, table: id, sql: 'SELECT 2 AS a', mode: 'create' }), /already exists/);
  assert.equal((await catalog.loadTable(id)).metadata['current-snapshot-id'], first.snapshotId);
});

// --- round trip: read back through the read path and compare with DuckDB's own result of the query ---

import '../../server/src/engine/read/default-planner';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import { CatalogError } from '../../server/src/catalog/catalog';
import type { TableIdentifier } from '../../server/src/iceberg/spec';

async function readTable(id: TableIdentifier, orderBy: string, snapshotId?: bigint) {
  const loaded = await catalog.loadTable(id);
  const view = `v_${id.name}_${snapshotId ?? 'current'}`;
  await registerIcebergTable(session, view, loaded, { snapshotId });
  return (await session.query(`SELECT * FROM "${view}" ORDER BY ${orderBy}`)).rows;
}
async function expected(sql: string, orderBy: string) {
  return (await session.query(`SELECT * FROM (${sql}) ORDER BY ${orderBy}`)).rows;
}

test('round trip: every type reads back exactly; evolve, overwrite, time travel, append', async () => {
  const id = { namespace: ['gold'], name: 'round_trip' };
  const first = await writeTable({ session, catalog, table: id, sql: ALL_TYPES, mode: 'create', partitionBy: 'month(tstz), i32' });
  assert.deepEqual(await readTable(id, 'i32'), await expected(ALL_TYPES, 'i32'));

  // Schema evolution on append: a new column, and int widened to long.
  const evolved = `SELECT (i + 100)::BIGINT AS i32, 'new ' || i AS extra, TIMESTAMPTZ '2025-05-05 00:00:00+00' AS tstz FROM range(3) r(i)`;
  const appended = await writeTable({ session, catalog, table: id, sql: evolved, mode: 'append' });
  assert.equal(appended.schemaChanged, true);
  const m = (await catalog.loadTable(id)).metadata;
  const schema = m.schemas.find((s) => s['schema-id'] === m['current-schema-id'])!;
  assert.equal(formatType(schema.fields.find((f) => f.name === 'i32')!.type), 'long');
  assert.equal(schema.fields.at(-1)!.name, 'extra');
  const rows = await readTable(id, 'i32');
  assert.equal(rows.length, 9);
  assert.deepEqual((await session.query(`SELECT count(*) FILTER (WHERE extra IS NULL), count(*) FILTER (WHERE s IS NULL) FROM "v_round_trip_current"`)).rows, [['6', '3']]);

  // Overwrite replaces all rows; history keeps the earlier snapshots.
  const replaced = await writeTable({ session, catalog, table: id, sql: 'SELECT 7::BIGINT AS i32, TIMESTAMPTZ \'2026-01-01 00:00:00+00\' AS tstz', mode: 'overwrite' });
  assert.equal(replaced.operation, 'overwrite');
  const after = (await catalog.loadTable(id)).metadata;
  assert.equal(after.snapshots.length, 3);
  const snap = after.snapshots.find((s) => s['snapshot-id'] === replaced.snapshotId)!;
  assert.equal(snap.summary['deleted-records'], '9');
  assert.equal(snap.summary['total-records'], '1');
  assert.deepEqual(await readTable(id, 'i32'), [['7', '2026-01-01T00:00:00+00:00']]);

  // Time travel to the first snapshot reads the original rows with the original schema.
  assert.deepEqual(await readTable(id, 'i32', first.snapshotId), await expected(ALL_TYPES, 'i32'));

  // Append adds to the overwritten table.
  await writeTable({ session, catalog, table: id, sql: 'SELECT 8::BIGINT AS i32, NULL::TIMESTAMPTZ AS tstz', mode: 'append' });
  assert.deepEqual((await readTable(id, 'i32')).map((r) => r[0]), ['7', '8']);
});

test('merge on a unique key replaces matching rows and keeps the rest', async () => {
  const id = { namespace: ['gold'], name: 'merged' };
  await writeTable({ session, catalog, table: id, sql: `SELECT i::BIGINT AS id, 'old ' || i AS v FROM range(5) r(i)`, mode: 'create' });
  const r = await writeTable({ session, catalog, table: id, sql: `SELECT (i + 3)::BIGINT AS id, 'new ' || (i + 3) AS v FROM range(4) r(i)`, mode: 'merge', uniqueKey: 'id' });
  assert.equal(r.operation, 'overwrite');
  assert.deepEqual(await readTable(id, 'id'), [
    ['0', 'old 0'], ['1', 'old 1'], ['2', 'old 2'], ['3', 'new 3'], ['4', 'new 4'], ['5', 'new 5'], ['6', 'new 6'],
  ]);
  // Merging again on top of the deletes still yields one row per key.
  await writeTable({ session, catalog, table: id, sql: `SELECT 4::BIGINT AS id, 'newer 4' AS v`, mode: 'merge', uniqueKey: ['id'] });
  assert.deepEqual((await readTable(id, 'id')).map((x) => x[1]), ['old 0', 'old 1', 'old 2', 'new 3', 'newer 4', 'new 5', 'new 6']);
});

/** The real catalog, with commitTable delayed or failed by the test to force races and failures. */
function interceptCommits(hook: (commit: () => Promise<Awaited<ReturnType<Catalog['commitTable']>>>, call: number) => Promise<Awaited<ReturnType<Catalog['commitTable']>>>): Catalog {
  let calls = 0;
  return new Proxy(catalog, {
    get(target, prop, receiver) {
      if (prop === 'commitTable') {
        return (...args: Parameters<Catalog['commitTable']>) => hook(() => target.commitTable(...args), ++calls);
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

async function dataFilesOf(id: TableIdentifier): Promise<string[]> {
  const m = (await catalog.loadTable(id)).metadata;
  const dir = path.join(m.location.replace(/^file:\/\//, ''), 'data');
  return (await readdir(dir, { recursive: true })).filter((f) => String(f).endsWith('.parquet')).map(String).sort();
}

test('two writers race: the loser rebases onto the winner and both commits are kept', async () => {
  const id = { namespace: ['gold'], name: 'raced' };
  await writeTable({ session, catalog, table: id, sql: 'SELECT 1::BIGINT AS id', mode: 'create' });
  const session2 = await DuckSession.open();
  try {
    let other: Promise<unknown> | undefined;
    const slow = interceptCommits(async (commit, call) => {
      if (call === 1) { other = writeTable({ session: session2, catalog, table: id, sql: 'SELECT 2::BIGINT AS id', mode: 'append' }); await other; }
      return commit();
    });
    const r = await writeTable({ session, catalog: slow, table: id, sql: 'SELECT 3::BIGINT AS id', mode: 'append' });
    assert.equal(r.attempts, 2);
    const m = (await catalog.loadTable(id)).metadata;
    assert.equal(m.snapshots.length, 3);
    const mine = m.snapshots.find((s) => s['snapshot-id'] === r.snapshotId)!;
    assert.notEqual(mine['parent-snapshot-id'], m.snapshots[0]['snapshot-id']);
    assert.equal(mine.summary['total-records'], '3');
    assert.deepEqual((await readTable(id, 'id')).map((x) => x[0]), ['1', '2', '3']);
  } finally {
    session2.close();
  }
});

test('a commit that certainly fails leaves no files and the table at its previous snapshot', async () => {
  const id = { namespace: ['gold'], name: 'failed' };
  const first = await writeTable({ session, catalog, table: id, sql: 'SELECT 1::BIGINT AS id', mode: 'create' });
  const before = await dataFilesOf(id);
  const metadataBefore = await readdir(path.join((await catalog.loadTable(id)).metadata.location.replace(/^file:\/\//, ''), 'metadata'));
  const rejecting = interceptCommits(async (commit) => {
    await writeTable({ session, catalog, table: id, sql: 'SELECT 2::BIGINT AS id', mode: 'append' });
    return commit();
  });
  await assert.rejects(writeTable({ session, catalog: rejecting, table: id, sql: 'SELECT 3::BIGINT AS id', mode: 'append', maxCommitAttempts: 1 }),
    (e: Error) => e.name === 'WriteError' && /kept changing/.test(e.message));
  const files = await dataFilesOf(id);
  assert.equal(files.length, before.length + 1, 'only the concurrent writer\'s file was added');
  const m = (await catalog.loadTable(id)).metadata;
  assert.equal(m.snapshots.length, 2);
  assert.notEqual(m['current-snapshot-id'], first.snapshotId);
  const metadataAfter = await readdir(path.join(m.location.replace(/^file:\/\//, ''), 'metadata'));
  const avro = (xs: string[]) => xs.filter((x) => x.endsWith('.avro')).length;
  assert.equal(avro(metadataAfter), avro(metadataBefore) + 2, 'the concurrent writer\'s manifest and list only');
});

test('an unknown commit outcome keeps the files; a reload showing the snapshot counts as success', async () => {
  const id = { namespace: ['gold'], name: 'unknown_state' };
  await writeTable({ session, catalog, table: id, sql: 'SELECT 1::BIGINT AS id', mode: 'create' });
  const landedThenLost = interceptCommits(async (commit) => {
    await commit();
    throw new CatalogError('commit-state-unknown', 'gateway timeout', { status: 504 });
  });
  const ok = await writeTable({ session, catalog: landedThenLost, table: id, sql: 'SELECT 2::BIGINT AS id', mode: 'append' });
  assert.equal((await catalog.loadTable(id)).metadata['current-snapshot-id'], ok.snapshotId);

  const before = await dataFilesOf(id);
  const lost = interceptCommits(async () => { throw new CatalogError('commit-state-unknown', 'gateway timeout', { status: 504 }); });
  await assert.rejects(writeTable({ session, catalog: lost, table: id, sql: 'SELECT 3::BIGINT AS id', mode: 'append' }),
    (e: Error & { kind?: string }) => e.kind === 'commit-state-unknown' && /did not confirm/.test(e.message) && /unknown_state/.test(e.message));
  assert.equal((await dataFilesOf(id)).length, before.length + 1, 'files of an unknown commit are kept');
});

test('cancelling before the commit leaves no table change and no files', async () => {
  const id = { namespace: ['gold'], name: 'cancelled' };
  const first = await writeTable({ session, catalog, table: id, sql: 'SELECT 1::BIGINT AS id', mode: 'create' });
  const before = await dataFilesOf(id);
  const controller = new AbortController();
  await assert.rejects(writeTable({
    session, catalog, table: id, sql: 'SELECT i::BIGINT AS id FROM range(1000) r(i)', mode: 'append', signal: controller.signal,
    onProgress: (p) => { if (p.phase === 'writing' && p.files > 0) controller.abort(); },
  }), (e: Error & { kind?: string }) => e.kind === 'cancelled');
  assert.deepEqual(await dataFilesOf(id), before);
  assert.equal((await catalog.loadTable(id)).metadata['current-snapshot-id'], first.snapshotId);
});

test('merge into a partitioned table: global equality deletes in an unpartitioned spec, rows move between partitions', async () => {
  const id = { namespace: ['gold'], name: 'merged_partitioned' };
  await writeTable({ session, catalog, table: id, sql: `SELECT i::BIGINT AS id, 'p' || (i % 2) AS part FROM range(4) r(i)`, mode: 'create', partitionBy: 'part' });
  await writeTable({ session, catalog, table: id, sql: `SELECT 1::BIGINT AS id, 'p0' AS part UNION ALL SELECT 9, 'p1'`, mode: 'merge', uniqueKey: 'id' });
  assert.deepEqual(await readTable(id, 'id'), [['0', 'p0'], ['1', 'p0'], ['2', 'p0'], ['3', 'p1'], ['9', 'p1']]);
  const m = (await catalog.loadTable(id)).metadata;
  assert.ok(m['partition-specs'].some((s) => s.fields.length === 0));
  assert.equal(m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id'])!.fields.length, 1);
});

test('overwrite racing an append: the rebased overwrite also replaces the rows appended meanwhile', async () => {
  const id = { namespace: ['gold'], name: 'overwrite_race' };
  await writeTable({ session, catalog, table: id, sql: 'SELECT 1::BIGINT AS id', mode: 'create' });
  const racing = interceptCommits(async (commit, call) => {
    if (call === 1) await writeTable({ session, catalog, table: id, sql: 'SELECT 2::BIGINT AS id', mode: 'append' });
    return commit();
  });
  const r = await writeTable({ session, catalog: racing, table: id, sql: 'SELECT 3::BIGINT AS id', mode: 'overwrite' });
  assert.equal(r.attempts, 2);
  assert.deepEqual(await readTable(id, 'id'), [['3']]);
  const snap = (await catalog.loadTable(id)).metadata.snapshots.find((s) => s['snapshot-id'] === r.snapshotId)!;
  assert.equal(snap.summary['deleted-records'], '2');
  assert.equal(snap.summary['total-records'], '1');
});

test('two creates race: the loser reports the table exists and removes its files', async () => {
  const id = { namespace: ['gold'], name: 'create_race' };
  let winner: Awaited<ReturnType<typeof writeTable>> | undefined;
  const racing = interceptCommits(async (commit) => {
    winner = await writeTable({ session, catalog, table: id, sql: 'SELECT 1::BIGINT AS id', mode: 'create' });
    return commit();
  });
  await assert.rejects(writeTable({ session, catalog: racing, table: id, sql: 'SELECT 2::BIGINT AS id', mode: 'create' }),
    (e: Error & { kind?: string }) => e.kind === 'table-exists');
  assert.equal((await catalog.loadTable(id)).metadata['current-snapshot-id'], winner!.snapshotId);
  assert.equal((await dataFilesOf(id)).length, 1);
  assert.deepEqual(await readTable(id, 'id'), [['1']]);
});

test('overwriting back to an earlier shape makes that schema current again instead of adding a copy', async () => {
  const id = { namespace: ['gold'], name: 'schema_reuse' };
  await writeTable({ session, catalog, table: id, sql: 'SELECT 1::BIGINT AS a', mode: 'create' });
  await writeTable({ session, catalog, table: id, sql: "SELECT 2::BIGINT AS a, 'x' AS b", mode: 'append' });
  const r = await writeTable({ session, catalog, table: id, sql: 'SELECT 3::BIGINT AS a', mode: 'overwrite' });
  const m = (await catalog.loadTable(id)).metadata;
  assert.equal(m.schemas.length, 2);
  assert.equal(m['current-schema-id'], m.schemas[0]['schema-id']);
  assert.equal(m.snapshots.find((s) => s['snapshot-id'] === r.snapshotId)!['schema-id'], m.schemas[0]['schema-id']);
  assert.deepEqual(await readTable(id, 'a'), [['3']]);
});

test('merge that adds a partition spec and the unpartitioned delete spec in one commit', async () => {
  const id = { namespace: ['gold'], name: 'merge_new_spec' };
  await writeTable({ session, catalog, table: id, sql: `SELECT i::BIGINT AS id, 'p' || (i % 2) AS part FROM range(4) r(i)`, mode: 'create', partitionBy: 'part' });
  await writeTable({ session, catalog, table: id, sql: `SELECT 2::BIGINT AS id, 'q' AS part`, mode: 'merge', uniqueKey: 'id', partitionBy: 'bucket(2, id)' });
  const m = (await catalog.loadTable(id)).metadata;
  assert.deepEqual(m['partition-specs'].map((s) => s.fields.map((f) => f.transform).join(',')), ['identity', 'bucket[2]', '']);
  assert.equal(m['default-spec-id'], 1);
  assert.deepEqual(await readTable(id, 'id'), [['0', 'p0'], ['1', 'p1'], ['2', 'q'], ['3', 'p1']]);
});

test('an empty result creates a readable table with an empty snapshot', async () => {
  const id = { namespace: ['gold'], name: 'empty' };
  const r = await writeTable({ session, catalog, table: id, sql: 'SELECT 1::BIGINT AS a WHERE false', mode: 'create', partitionBy: 'a' });
  assert.equal(r.rows, 0n);
  assert.equal(r.files, 0);
  assert.deepEqual(await readTable(id, 'a'), []);
  assert.equal((await catalog.loadTable(id)).metadata.snapshots[0].summary['total-records'], '0');
});

test('overwrite that drops the partition column falls back to an unpartitioned spec', async () => {
  const id = { namespace: ['gold'], name: 'drop_part_col' };
  await writeTable({ session, catalog, table: id, sql: `SELECT i::BIGINT AS id, DATE '2024-01-01' + i::INTEGER AS d FROM range(3) r(i)`, mode: 'create', partitionBy: 'month(d)' });
  await writeTable({ session, catalog, table: id, sql: 'SELECT 5::BIGINT AS id', mode: 'overwrite' });
  const m = (await catalog.loadTable(id)).metadata;
  assert.equal(m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id'])!.fields.length, 0);
  assert.deepEqual(await readTable(id, 'id'), [['5']]);
});

test('odd column names (quotes, dots, spaces, keywords, apostrophes) keep their field ids and stats', async () => {
  const id = { namespace: ['gold'], name: 'odd_names' };
  const sql = `SELECT 1::BIGINT AS "we""ird.col", 'x' AS "sp ace", 2 AS "select", 'y' AS "it's", {'a b': 1} AS "st ruct"`;
  const r = await writeTable({ session, catalog, table: id, sql, mode: 'create', partitionBy: '"sp ace"' });
  assert.equal(r.rows, 1n);
  assert.deepEqual(await readTable(id, '1'), (await session.query(sql)).rows);
});

test('on_schema_change: ignore drops new columns and casts to the table types; fail refuses; sync drops missing columns', async () => {
  const id = { namespace: ['gold'], name: 'schema_policy' };
  await writeTable({ session, catalog, table: id, sql: "SELECT 1::INTEGER AS a, 'x' AS b", mode: 'create' });
  const ignored = await writeTable({ session, catalog, table: id, sql: "SELECT 2::BIGINT AS a, 'y' AS b, true AS c", mode: 'append', onSchemaChange: 'ignore' });
  assert.equal(ignored.schemaChanged, false);
  assert.deepEqual(await readTable(id, 'a'), [[1, 'x'], [2, 'y']]);
  await assert.rejects(writeTable({ session, catalog, table: id, sql: "SELECT 3 AS a, 'z' AS b, 1 AS c", mode: 'append', onSchemaChange: 'fail' }),
    (e: Error & { kind?: string }) => e.kind === 'incompatible-schema' && /on_schema_change is fail/.test(e.message));
  await writeTable({ session, catalog, table: id, sql: 'SELECT 4::INTEGER AS a, 5 AS d', mode: 'append', onSchemaChange: 'sync_all_columns' });
  const m = (await catalog.loadTable(id)).metadata;
  assert.deepEqual(m.schemas.find((s) => s['schema-id'] === m['current-schema-id'])!.fields.map((f) => f.name), ['a', 'd']);
  assert.deepEqual(await readTable(id, 'a'), [[1, null], [2, null], [4, 5]]);
});

test('writing into a format v1 table is refused with a clear message and no change', async () => {
  const id = { namespace: ['gold'], name: 'v1_table' };
  const dir = path.join(server.warehouse, 'v1_table');
  await mkdir(path.join(dir, 'metadata'), { recursive: true });
  const file = path.join(dir, 'metadata', 'v1.metadata.json');
  await writeFile(file, JSON.stringify({
    'format-version': 1, 'table-uuid': '8f1c2b8e-6a51-4c43-9d5b-1f0b3e3c9a10', location: dir, 'last-updated-ms': 1700000000000,
    'last-column-id': 1, schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'a', required: false, type: 'long' }] },
    'partition-spec': [], properties: {}, snapshots: [],
  }));
  await catalog.registerTable(id, file);
  await assert.rejects(writeTable({ session, catalog, table: id, sql: 'SELECT 1::BIGINT AS a', mode: 'append' }),
    (e: Error & { kind?: string }) => e.kind === 'unsupported-format' && /gold\.v1_table is an Iceberg format v1 table/.test(e.message));
  assert.equal((await catalog.loadTable(id)).metadata.snapshots.length, 0);
});
