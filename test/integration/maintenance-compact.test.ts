// floe table optimize against the local catalog over HTTP and real DuckDB: a merge-incremental table with equality
// deletes, position deletes and small files is rewritten row-exact in one replace snapshot; a concurrent append
// and merge survive the commit (rebase), a concurrent overwrite or position delete of a rewritten file refuses
// it; cancelled or killed, the table stays at its snapshot and the orphans are cleanable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TestCatalog } from '../helpers/local-catalog';
import type { FaultProxy } from '../helpers/fault-proxy';
import type { Catalog } from '../../server/src/catalog/catalog';
import { type DuckSession, quoteLiteral } from '../../server/src/engine/session';
import { storageFor } from '../../server/src/storage/factory';
import { localPathOf } from '../../server/src/storage/local';
import { writeTable } from '../../server/src/engine/write/write-table';
import { defaultManifestIO } from '../../server/src/engine/write/manifest-io-default';
import { manifestUri, newSnapshotId, produceSnapshot } from '../../server/src/engine/write/snapshot-producer';
import { commitOnTable } from '../../server/src/engine/write/table-commit';
import { planScan } from '../../server/src/iceberg/scan';
import { currentSchema } from '../../server/src/iceberg/schema';
import type { TableIdentifier } from '../../server/src/iceberg/spec';
import { compactTable } from '../../server/src/engine/maintenance/compact';
import { holdNextCommit, mergeTable, orphanUris, rowsSql, tableRows, startMaintenanceWorld, type MaintenanceWorld } from '../helpers/maintenance-tables';
import { tableCommand } from '../../server/src/cli/commands/table';
import { UsageError } from '../../server/src/cli/command';

const root = path.resolve(__dirname, '../..');
let world: MaintenanceWorld;
let server: TestCatalog, proxy: FaultProxy, catalog: Catalog, viaProxy: Catalog, session: DuckSession;
before(async () => {
  world = await startMaintenanceWorld();
  ({ server, proxy, catalog, viaProxy, session } = world);
});
after(async () => { await world?.close(); });
const rows = (id: TableIdentifier, snapshotId?: bigint) => tableRows(world, id, snapshotId);
const orphans = (id: TableIdentifier) => orphanUris(world, id);

async function plan(id: TableIdentifier) {
  const loaded = await catalog.loadTable(id);
  return { loaded, scan: await planScan(loaded.metadata, {}, { read: (p) => storageFor(p).read(p) }) };
}

/** Commits a position delete file deleting `positions` of the table's first data file with at least 3 rows. */
async function deletePositions(id: TableIdentifier, positions: number[], via: Catalog = catalog): Promise<string> {
  const { loaded, scan } = await plan(id);
  const m = loaded.metadata;
  const task = scan.tasks.find((t) => t.file['record-count'] >= 3n && t.positionDeletes.length === 0)!;
  const storage = storageFor(m.location);
  const out = path.join(localPathOf(m.location), 'data', `pos-${randomUUID()}.parquet`);
  await session.connection.run(`COPY (SELECT ${quoteLiteral(task.file['file-path'])} AS file_path, p::BIGINT AS pos FROM unnest([${positions.join(',')}]) u(p) ORDER BY pos) TO ${quoteLiteral(out)} (FORMAT parquet, FIELD_IDS {file_path: 2147483546, pos: 2147483545})`);
  const file = {
    content: 1 as const, 'file-path': m.location.startsWith('file:') ? `file://${out}` : out, 'file-format': 'PARQUET' as const, partition: task.file.partition,
    'record-count': BigInt(positions.length), 'file-size-in-bytes': BigInt((await stat(out)).size),
  };
  const snapshotId = newSnapshotId();
  const manifest = await defaultManifestIO.writeManifest(storage, {
    uri: manifestUri(m.location), formatVersion: 2, schema: currentSchema(m), spec: task.spec, content: 1, snapshotId,
    entries: [{ status: 1, 'snapshot-id': snapshotId, 'data-file': file }],
  });
  const produced = await produceSnapshot(defaultManifestIO, storage, {
    snapshotId, operation: 'overwrite', replaceAll: false, dataFiles: [], deleteFiles: [file], manifests: [manifest], schemaId: m['current-schema-id'],
  }, m);
  const { requirements, updates } = commitOnTable(m, { addedSpecs: [], snapshot: produced.snapshot });
  await via.commitTable(id, requirements, updates);
  return task.file['file-path'];
}

test('optimize rewrites small files and applies equality and position deletes, row-exact, as one replace snapshot', async () => {
  const id = await mergeTable(world, 'orders');
  await deletePositions(id, [0, 2]);
  const before = await plan(id);
  const startSnapshot = before.loaded.metadata['current-snapshot-id']!;
  assert.ok(before.scan.tasks.some((t) => t.equalityDeletes.length) && before.scan.tasks.some((t) => t.positionDeletes.length), 'the table has both kinds of deletes');
  const expected = await rows(id);

  const dry = await compactTable({ session, catalog, table: id, dryRun: true });
  assert.equal(dry.groups.length, 3);
  assert.equal(dry.rewrittenDataFiles, before.scan.tasks.length);
  assert.equal((await catalog.loadTable(id)).metadata['current-snapshot-id'], startSnapshot, 'a dry run commits nothing');

  const phases: string[] = [];
  const result = await compactTable({ session, catalog, table: id, onProgress: (p) => phases.push(p.phase) });
  assert.deepEqual([...new Set(phases)], ['planning', 'rewriting', 'committing', 'done']);
  assert.equal(result.attempts, 1);
  assert.ok(result.removedDeleteFiles >= 5, `delete files dropped with the files they applied to: ${result.removedDeleteFiles}`);
  const afterPlan = await plan(id);
  assert.equal(afterPlan.scan.tasks.length, 3, 'one file per partition');
  assert.ok(afterPlan.scan.tasks.every((t) => !t.positionDeletes.length && !t.equalityDeletes.length), 'no deletes left to apply');
  const snap = afterPlan.loaded.metadata.snapshots.find((s) => s['snapshot-id'] === result.snapshotId)!;
  assert.equal(snap.summary.operation, 'replace');
  assert.equal(snap.summary['total-data-files'], '3');
  assert.equal(snap.summary['total-delete-files'], '0');
  assert.equal(snap.summary['total-records'], String(expected.length));
  assert.deepEqual(await rows(id), expected, 'exactly the same rows');
  assert.deepEqual(await rows(id, startSnapshot), expected, 'the snapshot before still reads (its files are kept)');

  const again = await compactTable({ session, catalog, table: id });
  assert.equal(again.groups.length, 0, 'a compacted table has nothing to compact');
  assert.equal(again.snapshotId, undefined);
});

test('a concurrent append and merge survive the compaction commit (rebased; later equality deletes still apply)', async () => {
  const id = await mergeTable(world, 'rebased');
  let expected: unknown[][] = [];
  const hold = holdNextCommit(world, 'rebased', async () => {
    await writeTable({ session, catalog, table: id, mode: 'merge', uniqueKey: 'id', sql: rowsSql(0, 40, 'late') });
    await writeTable({ session, catalog, table: id, mode: 'append', sql: rowsSql(5000, 5010, 'new') });
    expected = await rows(id);
  });
  const result = await compactTable({ session, catalog: viaProxy, table: id });
  await hold.ran;
  proxy.plan = () => undefined;
  assert.equal(result.attempts, 2, 'the first commit conflicted and was rebuilt');
  const got = await rows(id);
  assert.equal(got.filter((r) => r[2] === 'late').length, 40);
  assert.equal(got.filter((r) => Number(r[0]) < 40).length, 40, 'no row the concurrent merge replaced comes back');
  assert.deepEqual(got, expected);
  assert.deepEqual(await orphans(id), []);
});

test('a concurrent overwrite or position delete of a rewritten file refuses the commit and leaves no files', async () => {
  const id = await mergeTable(world, 'refused');
  let expected: unknown[][] = [];
  holdNextCommit(world, 'refused', async () => {
    await writeTable({ session, catalog, table: id, mode: 'overwrite', sql: rowsSql(0, 10, 'over') });
    expected = await rows(id);
  });
  await assert.rejects(compactTable({ session, catalog: viaProxy, table: id }), (e: Error) => e.name === 'MaintenanceError' && /concurrent commit to gold\.refused deleted .*nothing was changed/.test(e.message));
  assert.deepEqual(await rows(id), expected);
  assert.deepEqual(await orphans(id), [], 'the compaction removed what it wrote');

  const id2 = await mergeTable(world, 'refused_pos');
  holdNextCommit(world, 'refused_pos', async () => {
    await deletePositions(id2, [1]);
    expected = await rows(id2);
  });
  await assert.rejects(compactTable({ session, catalog: viaProxy, table: id2 }), (e: Error) => e.name === 'MaintenanceError' && /deleted rows .* from files this compaction rewrote/.test(e.message));
  proxy.plan = () => undefined;
  assert.deepEqual(await rows(id2), expected);
  assert.deepEqual(await orphans(id2), []);
});

test('cancelled mid-rewrite: the table is unchanged and nothing is left behind', async () => {
  const id = await mergeTable(world, 'cancelled');
  const snapshot = (await catalog.loadTable(id)).metadata['current-snapshot-id'];
  const controller = new AbortController();
  await assert.rejects(compactTable({ session, catalog, table: id, signal: controller.signal, onProgress: (p) => { if (p.phase === 'rewriting' && p.done === 1) controller.abort(); } }),
    (e: Error) => /cancelled/.test(e.message));
  assert.equal((await catalog.loadTable(id)).metadata['current-snapshot-id'], snapshot);
  assert.deepEqual(await orphans(id), []);
});

test('floe table optimize killed mid-rewrite: the table stays at its snapshot; cleanup removes the orphans; CLI output', async () => {
  const id = await mergeTable(world, 'killed');
  const loaded = await catalog.loadTable(id);
  const expected = await rows(id);
  const dataDir = path.join(localPathOf(loaded.metadata.location), 'data');
  const known = new Set(await parquetFiles(dataDir));
  const cat = ['--catalog', server.uri, '--warehouse', server.name];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/src/cli/main.ts'), 'table', 'optimize', ...cat, 'gold.killed'], { cwd: root });
  const exited = once(child, 'close');
  let sawFile = false;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && child.exitCode === null;) {
    if ((await parquetFiles(dataDir)).some((f) => !known.has(f))) { sawFile = true; break; }
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  await exited;
  const now = await catalog.loadTable(id);
  assert.deepEqual(await rows(id), expected, 'killed or not, the rows are exactly the same');
  if (sawFile && now.metadata['current-snapshot-id'] === loaded.metadata['current-snapshot-id']) {
    const left = await orphans(id);
    assert.ok(left.length > 0, 'the killed compaction left files');
  }
  const io = { out: '', err: '' };
  const cli = (args: string[]) => tableCommand.run(args, { out: (t) => { io.out += t; }, err: (t) => { io.err += t; } });
  assert.equal(await cli(['cleanup', ...cat, '--older-than', '0', 'gold.killed']), 0, io.err);
  assert.deepEqual(await orphans(id), []);
  assert.deepEqual(await rows(id), expected);

  io.out = '';
  assert.equal(await cli(['optimize', ...cat, '--dry-run', 'gold.killed']), 0, io.err);
  if (now.metadata['current-snapshot-id'] === loaded.metadata['current-snapshot-id']) {
    assert.match(io.out, /^would rewrite part=0: \d+ data file\(s\), [\d.]+ KiB, \d+ delete file\(s\) applied$/m);
    assert.match(io.out, /gold\.killed: would rewrite \d+ data file\(s\) in 3 partition\(s\) and remove \d+ delete file\(s\)\nrun without --dry-run to compact\n$/);
  }
  io.out = '';
  assert.equal(await cli(['optimize', ...cat, '--target-file-size', '64MiB', 'gold.killed']), 0, io.err);
  assert.match(io.out, /gold\.killed: (rewrote \d+ data file\(s\) in 3 partition\(s\) as 3 .*; snapshot \d+ in \d+ ms|nothing to compact)/);
  assert.match(io.err, /floe table optimize: planning gold\.killed/);
  assert.deepEqual(await rows(id), expected);
  await assert.rejects(cli(['optimize', ...cat, '--target-file-size', 'huge', 'gold.killed']),
    (e: Error) => e instanceof UsageError && /^--target-file-size must be a size in bytes, or a number with KiB, MiB, GiB, KB, MB or GB, got 'huge'\n/.test(e.message));
});

async function parquetFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p); else if (e.name.endsWith('.parquet') || e.name.includes('.floe-tmp-')) out.push(p);
    }
  };
  await walk(dir);
  return out;
}
