// Issue 13, item 9: a data file replaced or damaged after its commit is not read silently; its size and row count
// are checked against the manifest entry, and the read fails naming the file and the table (engine and `floe query`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, appendFile, stat } from 'node:fs/promises';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { runFloe } from '../helpers/floe-cli';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import { IcebergError } from '../../server/src/iceberg/errors';
import { readManifestList } from '../../server/src/iceberg/manifest-list';
import { readManifest } from '../../server/src/iceberg/manifest';
import { LocalStorage } from '../../server/src/storage/local';
import '../../server/src/engine/read/default-planner';

let server: TestCatalog;
let catalog: Catalog;
let session: DuckSession;

before(async () => {
  server = await startTestCatalog();
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  session = await DuckSession.open();
  await catalog.createNamespace(['db']);
});
after(async () => {
  session?.close();
  await server?.close();
});

/** The data files the table's current snapshot lists. */
async function dataFiles(name: string): Promise<string[]> {
  const t = await catalog.loadTable({ namespace: ['db'], name });
  const snap = t.metadata.snapshots.find((s) => s['snapshot-id'] === t.metadata['current-snapshot-id'])!;
  const io = new LocalStorage();
  const out: string[] = [];
  for (const m of readManifestList(await io.read(snap['manifest-list']), snap['manifest-list']).manifests) {
    for (const e of readManifest(await io.read(m['manifest-path']), { file: m['manifest-path'] }).entries) out.push(e['data-file']['file-path']);
  }
  return out;
}

const query = (sql: string) => runFloe(['query', '--catalog', server.uri, '--warehouse', server.name, '--format', 'csv', sql]);

test('a data file replaced by another table\'s file fails the read naming it, in the engine and in floe query', async () => {
  await writeTable({ session, catalog, table: { namespace: ['db'], name: 'small' }, mode: 'create', sql: 'SELECT range AS id, range % 7 AS k FROM range(25000)' });
  await writeTable({ session, catalog, table: { namespace: ['db'], name: 'big' }, mode: 'create', sql: 'SELECT range AS id, range % 7 AS k FROM range(40000)' });
  const before = await query('SELECT count(*) AS n FROM db.small');
  assert.equal(before.code, 0, before.err);
  assert.match(before.out, /\b25000\b/);
  const [victim] = await dataFiles('small');
  const [intruder] = await dataFiles('big');
  await copyFile(intruder, victim);

  await assert.rejects(registerIcebergTable(session, 'small_read', await catalog.loadTable({ namespace: ['db'], name: 'small' })), (e: unknown) => {
    assert.ok(e instanceof IcebergError && e.kind === 'corrupt-file', String(e));
    assert.match((e as Error).message, /data file of table small_read (is \d+ bytes|holds 40000 rows) but its manifest entry records/);
    assert.ok((e as Error).message.includes(victim), 'names the file');
    return true;
  });
  // sum reads the files (count(*) alone is answered from the manifests)
  const after = await query('SELECT count(*) AS n, sum(k) AS s FROM db.small');
  assert.equal(after.code, 1, after.out);
  assert.doesNotMatch(after.out, /40000/);
  assert.ok(after.err.includes(victim), after.err);
  assert.doesNotMatch(after.err, /\n\s+at /, 'one clear line, no stack');
});

test('a file appended to after the commit is caught by its size, a same-size replacement by its row count', async () => {
  await writeTable({ session, catalog, table: { namespace: ['db'], name: 'grown' }, mode: 'create', sql: 'SELECT range AS id FROM range(1000)' });
  const [file] = await dataFiles('grown');
  await appendFile(file, Buffer.alloc(10));
  const r = await query('SELECT sum(id) FROM db.grown');
  assert.equal(r.code, 1);
  assert.match(r.err, /is \d+ bytes but its manifest entry records \d+: it was replaced or damaged/);
  assert.ok(r.err.includes(file), r.err);

  // Same schema, one constant value: 40 and 50 rows encode to files of the same byte size, so only the row
  // count can tell the replacement apart.
  await writeTable({ session, catalog, table: { namespace: ['db'], name: 'r40' }, mode: 'create', sql: 'SELECT 7::BIGINT AS v FROM range(40)' });
  await writeTable({ session, catalog, table: { namespace: ['db'], name: 'r50' }, mode: 'create', sql: 'SELECT 7::BIGINT AS v FROM range(50)' });
  const [r40] = await dataFiles('r40');
  const [r50] = await dataFiles('r50');
  assert.equal((await stat(r40)).size, (await stat(r50)).size, 'the two files have the same size');
  await copyFile(r50, r40);
  const swapped = await query('SELECT sum(v) FROM db.r40');
  assert.equal(swapped.code, 1, swapped.out);
  assert.match(swapped.err, /holds 50 rows but its manifest entry records 40/);
  assert.ok(swapped.err.includes(r40), swapped.err);
});

test('a file replaced by one with the same row count but another size fails naming the file and both sizes', async () => {
  await writeTable({ session, catalog, table: { namespace: ['db'], name: 'same_rows' }, mode: 'create', sql: 'SELECT range AS id FROM range(1000)' });
  await writeTable({ session, catalog, table: { namespace: ['db'], name: 'other_rows' }, mode: 'create', sql: 'SELECT range * 7919 + 13 AS id FROM range(1000)' });
  const [victim] = await dataFiles('same_rows');
  const [intruder] = await dataFiles('other_rows');
  const recorded = (await stat(victim)).size;
  const actual = (await stat(intruder)).size;
  assert.notEqual(actual, recorded, 'the two files differ in size');
  await copyFile(intruder, victim);
  const r = await query('SELECT sum(id) FROM db.same_rows');
  assert.equal(r.code, 1, r.out);
  console.log(`same-row-count replacement: ${r.err.trim().split('\n')[0]}`);
  assert.ok(r.err.includes(`is ${actual} bytes but its manifest entry records ${recorded}`), r.err);
  assert.ok(r.err.includes(victim), r.err);
});
