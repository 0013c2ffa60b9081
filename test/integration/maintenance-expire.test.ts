// floe table expire-snapshots and rewrite-manifests against the local catalog over HTTP and real DuckDB: expiry
// keeps every ref (a tag, a branch with its own retention) and main's last N, never deletes a file a kept
// snapshot references, deletes what only expired snapshots did, and replans over a concurrent commit; a manifest
// rewrite keeps the same files and rows in fewer manifests and carries a concurrent append.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestCatalog } from '../helpers/local-catalog';
import type { FaultProxy } from '../helpers/fault-proxy';
import { goldTable, holdNextCommit, mergeTable, orphanUris, rowsSql, tableRows, startMaintenanceWorld, type MaintenanceWorld } from '../helpers/maintenance-tables';
import type { Catalog } from '../../server/src/catalog/catalog';
import type { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { compactTable } from '../../server/src/engine/maintenance/compact';
import { expireSnapshots } from '../../server/src/engine/maintenance/expire-snapshots';
import { rewriteManifests } from '../../server/src/engine/maintenance/rewrite-manifests';
import { fileKey } from '../../server/src/engine/maintenance/orphan-files';
import { readManifestList } from '../../server/src/iceberg/manifest-list';
import { readManifest } from '../../server/src/iceberg/manifest';
import type { Snapshot, TableIdentifier, TableMetadata } from '../../server/src/iceberg/spec';
import { storageFor } from '../../server/src/storage/factory';
import { tableCommand } from '../../server/src/cli/commands/table';

let world: MaintenanceWorld;
let server: TestCatalog, proxy: FaultProxy, catalog: Catalog, viaProxy: Catalog, session: DuckSession;
before(async () => {
  world = await startMaintenanceWorld();
  ({ server, proxy, catalog, viaProxy, session } = world);
});
after(async () => { await world?.close(); });

/** Files a snapshot needs (its manifest list, manifests, live data and delete files), read independently of the code under test. */
async function filesOf(s: Snapshot): Promise<string[]> {
  const read = (p: string) => storageFor(p).read(p);
  const out = [s['manifest-list']];
  for (const m of readManifestList(await read(s['manifest-list'])).manifests) {
    out.push(m['manifest-path']);
    for (const e of readManifest(await read(m['manifest-path']), { manifest: m }).entries) if (e.status !== 2) out.push(e['data-file']['file-path']);
  }
  return out.map(fileKey);
}

async function exists(uri: string): Promise<boolean> {
  return storageFor(uri).exists(uri);
}

async function setRef(id: TableIdentifier, name: string, ref: { type: 'tag' | 'branch'; 'snapshot-id': bigint; 'min-snapshots-to-keep'?: number }): Promise<void> {
  await catalog.commitTable(id, [], [{ action: 'set-snapshot-ref', 'ref-name': name, ...ref }]);
}

const chain = (m: TableMetadata, head: bigint): bigint[] => {
  const out: bigint[] = [];
  for (let s = m.snapshots.find((x) => x['snapshot-id'] === head); s; s = m.snapshots.find((x) => x['snapshot-id'] === s!['parent-snapshot-id'])) out.push(s['snapshot-id']);
  return out;
};

test('expire-snapshots keeps refs and main\'s last N, deletes only what no kept snapshot references', async () => {
  const id = await mergeTable(world, 'history');
  await compactTable({ session, catalog, table: id });
  await writeTable({ session, catalog, table: id, mode: 'append', sql: rowsSql(7000, 7010, 'after') });
  let m = (await catalog.loadTable(id)).metadata;
  const mainChain = chain(m, m.refs.main['snapshot-id']); // newest first: append, replace, appends, merges, create
  await setRef(id, 'first_load', { type: 'tag', 'snapshot-id': mainChain[mainChain.length - 1] });
  await setRef(id, 'audit', { type: 'branch', 'snapshot-id': mainChain[4], 'min-snapshots-to-keep': 2 });
  m = (await catalog.loadTable(id)).metadata;
  const expectedKept = new Set([mainChain[0], mainChain[1], mainChain[mainChain.length - 1], mainChain[4], mainChain[5]]);
  const rowsAt = new Map<bigint, unknown[][]>();
  for (const s of m.snapshots) rowsAt.set(s['snapshot-id'], await tableRows(world, id, s['snapshot-id']));
  const keptFiles = new Set((await Promise.all(m.snapshots.filter((s) => expectedKept.has(s['snapshot-id'])).map(filesOf))).flat());
  const allFiles = new Set((await Promise.all(m.snapshots.map(filesOf))).flat());
  const onlyExpired = [...allFiles].filter((f) => !keptFiles.has(f));
  assert.ok(onlyExpired.some((f) => f.endsWith('.parquet')), 'the compacted-away files are referenced only by expiring snapshots');

  const dry = await expireSnapshots({ catalog, table: id, olderThanMs: 0, retainLast: 2, dryRun: true });
  assert.deepEqual(new Set(dry.expiredSnapshots), new Set(m.snapshots.map((s) => s['snapshot-id']).filter((s) => !expectedKept.has(s))));
  assert.deepEqual(dry.files.map((f) => fileKey(f.uri)).sort(), onlyExpired.sort(), 'the dry run names exactly the files only expired snapshots reference');
  assert.equal((await catalog.loadTable(id)).metadata.snapshots.length, m.snapshots.length, 'a dry run expires nothing');
  for (const f of onlyExpired) assert.ok(await exists(f), 'a dry run deletes nothing');

  // Held at the proxy while another append commits: the expiry replans and keeps the new snapshot too.
  holdNextCommit(world, 'history', async () => { await writeTable({ session, catalog, table: id, mode: 'append', sql: rowsSql(8000, 8005, 'late') }); });
  const r = await expireSnapshots({ catalog: viaProxy, table: id, olderThanMs: 0, retainLast: 2 });
  proxy.plan = () => undefined;
  const after = (await catalog.loadTable(id)).metadata;
  const newHead = after.refs.main['snapshot-id'];
  assert.deepEqual(new Set(after.snapshots.map((s) => s['snapshot-id'])), new Set([newHead, mainChain[0], mainChain[mainChain.length - 1], mainChain[4], mainChain[5]]), 'main keeps its last 2, the tag and the branch (with its own retention of 2) keep theirs');
  assert.deepEqual(Object.keys(after.refs).sort(), ['audit', 'first_load', 'main']);
  for (const s of after.snapshots) for (const f of await filesOf(s)) assert.ok(await exists(f), `a kept snapshot's file is there: ${f}`);
  for (const s of after.snapshots) if (rowsAt.has(s['snapshot-id'])) assert.deepEqual(await tableRows(world, id, s['snapshot-id']), rowsAt.get(s['snapshot-id']), 'kept snapshots read exactly as before');
  const deleted = new Set(r.files.map((f) => fileKey(f.uri)));
  for (const f of onlyExpired) assert.ok(!(await exists(f)) && deleted.has(f), `only expired snapshots referenced it, so it is deleted: ${f}`);
  for (const f of deleted) assert.ok(!(await exists(f)), `deleted: ${f}`);
  assert.ok(r.files.some((f) => f.kind === 'data') && r.files.some((f) => f.kind === 'manifest-list'));
  assert.deepEqual(await orphanUris(world, id), [], 'no file is left that nothing references');

  const again = await expireSnapshots({ catalog, table: id, olderThanMs: 0, retainLast: 2 });
  assert.deepEqual(again.expiredSnapshots, [], 'the replanned expiry already took the snapshot the late append pushed out of main\'s last 2');
  const young = await expireSnapshots({ catalog, table: id, olderThanMs: 3_600_000, retainLast: 1 });
  assert.deepEqual(young.expiredSnapshots, [], 'nothing younger than --older-than expires');
});

test('floe table expire-snapshots and rewrite-manifests: output, dry run, usage errors', async () => {
  const id = goldTable('cli');
  await writeTable({ session, catalog, table: id, mode: 'create', sql: rowsSql(0, 10, 'c0') });
  for (let n = 1; n <= 5; n++) await writeTable({ session, catalog, table: id, mode: 'append', sql: rowsSql(n * 10, n * 10 + 10, `c${n}`) });
  const cat = ['--catalog', server.uri, '--warehouse', server.name];
  const io = { out: '', err: '' };
  const cli = async (args: string[]) => { io.out = ''; io.err = ''; return tableCommand.run(args, { out: (t) => { io.out += t; }, err: (t) => { io.err += t; } }); };
  const expected = await tableRows(world, id);

  assert.equal(await cli(['rewrite-manifests', ...cat, '--dry-run', 'gold.cli']), 0, io.err);
  assert.equal(io.out, 'gold.cli: would rewrite 6 data manifest(s) as 1 (6 file entries)\n');
  assert.equal(await cli(['rewrite-manifests', ...cat, 'gold.cli']), 0, io.err);
  assert.match(io.out, /^gold\.cli: rewrote 6 data manifest\(s\) as 1 \(6 file entries\); snapshot \d+\n$/);
  assert.deepEqual(await tableRows(world, id), expected);
  assert.equal(await cli(['rewrite-manifests', ...cat, 'gold.cli']), 0, io.err);
  assert.equal(io.out, 'gold.cli: nothing to rewrite (1 data manifest(s))\n');

  assert.equal(await cli(['expire-snapshots', ...cat, '--older-than', '0', '--retain-last', '1', '--dry-run', 'gold.cli']), 0, io.err);
  assert.match(io.out, /^would delete manifest-list .*snap-.*\.avro$/m);
  assert.match(io.out, /gold\.cli: would expire 6 snapshot\(s\) and delete \d+ file\(s\) only they referenced; 1 snapshot\(s\) kept\n$/);
  assert.equal(await cli(['expire-snapshots', ...cat, '--older-than', '0', 'gold.cli']), 0, io.err);
  assert.match(io.out, /gold\.cli: expired 6 snapshot\(s\) and deleted \d+ file\(s\) only they referenced; 1 snapshot\(s\) kept\n$/);
  assert.deepEqual(await tableRows(world, id), expected);
  assert.deepEqual(await orphanUris(world, id), []);

  await assert.rejects(cli(['expire-snapshots', ...cat, '--retain-last', '0', 'gold.cli']), /--retain-last must be a whole number of at least 1, got '0'/);
  await assert.rejects(cli(['expire-snapshots', ...cat, '--older-than', 'soon', 'gold.cli']), /--older-than must be 0 or a number with s, m, h or d, got 'soon'/);
  await assert.rejects(cli(['compact', ...cat, 'gold.cli']), /unknown subcommand 'compact'/);
  assert.equal(await cli(['optimize', ...cat, 'gold.nope']), 1);
  assert.match(io.err, /^floe table optimize: .*gold\.nope/);
  assert.doesNotMatch(io.err, /\n\s+at /);
});

test('rewrite-manifests keeps the same files and rows in fewer manifests; a concurrent append is carried over', async () => {
  const id = await mergeTable(world, 'manifests');
  const expectedFiles = async () => {
    const m = (await catalog.loadTable(id)).metadata;
    return (await filesOf(m.snapshots.find((s) => s['snapshot-id'] === m.refs.main['snapshot-id'])!)).filter((f) => f.endsWith('.parquet')).sort();
  };
  let files: string[] = [];
  let expected: unknown[][] = [];
  holdNextCommit(world, 'manifests', async () => {
    await writeTable({ session, catalog, table: id, mode: 'append', sql: rowsSql(9000, 9010, 'late') });
    files = await expectedFiles();
    expected = await tableRows(world, id);
  });
  const r = await rewriteManifests({ catalog: viaProxy, table: id });
  proxy.plan = () => undefined;
  assert.equal(r.attempts, 2);
  assert.ok(r.manifestsAfter < r.manifestsBefore, `${r.manifestsBefore} → ${r.manifestsAfter}`);
  assert.deepEqual(await expectedFiles(), files, 'the same data and delete files');
  assert.deepEqual(await tableRows(world, id), expected);
  const m = (await catalog.loadTable(id)).metadata;
  const snap = m.snapshots.find((s) => s['snapshot-id'] === r.snapshotId)!;
  assert.equal(snap.summary.operation, 'replace');
  const list = readManifestList(await storageFor(snap['manifest-list']).read(snap['manifest-list'])).manifests;
  assert.equal(list.filter((x) => x.content === 0).length, r.manifestsAfter + 1, 'the rewritten manifests and the concurrent append\'s');
  assert.deepEqual(await orphanUris(world, id), []);
});
