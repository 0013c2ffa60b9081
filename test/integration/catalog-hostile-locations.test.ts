// Issue 13, item 1: a client may not place a table on the catalog's state, on another table or around one (by
// create, set-location, a namespace location or register), a purge deletes only the files the table's metadata
// references, and `floe table cleanup` touches only Iceberg files under data/ and metadata/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { raw, SCHEMA_JSON } from '../helpers/raw-http';
import { runFloe } from '../helpers/floe-cli';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';

let server: TestCatalog;
let catalog: Catalog;
let session: DuckSession;
let P: string;

before(async () => {
  server = await startTestCatalog();
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  session = await DuckSession.open();
  P = `/v1/${server.name}`;
  await catalog.createNamespace(['db']);
  await writeTable({ session, catalog, table: { namespace: ['db'], name: 'victim' }, mode: 'create', sql: 'SELECT range AS id FROM range(10)' });
});
after(async () => {
  session?.close();
  await server?.close();
});

const create = (name: string, location?: string) => raw(server.uri, { path: `${P}/namespaces/db/tables`, body: { name, location, schema: SCHEMA_JSON } });

test('a table may not be created on, around or inside the catalog state or another table (403, as Polaris)', async () => {
  const victim = (await catalog.loadTable({ namespace: ['db'], name: 'victim' })).metadata.location;
  const state = path.join(server.warehouse, '.floe-catalog');
  const attempts = [state, path.join(state, 'ns'), server.warehouse, victim, `${victim}/`, path.join(victim, 'inner'), path.dirname(victim)];
  for (const location of attempts) {
    const r = await create('evil', location);
    assert.equal(r.status, 403, `${location}: ${r.text}`);
    assert.equal(r.json.error.type, 'ForbiddenException');
    assert.match(r.json.error.message, /conflicts with|must live under/);
  }
  // Staged creates are checked too, and a purge of nothing can follow none of them.
  const staged = await raw(server.uri, { path: `${P}/namespaces/db/tables`, body: { name: 'evil', location: victim, schema: SCHEMA_JSON, 'stage-create': true } });
  assert.equal(staged.status, 403, staged.text);
  assert.equal((await raw(server.uri, { method: 'DELETE', path: `${P}/namespaces/db/tables/evil?purgeRequested=true` })).status, 404);
  // A sibling folder whose name merely starts with the victim's is no overlap.
  assert.equal((await create('sibling', `${victim}_2`)).status, 200);
  assert.deepEqual((await raw(server.uri, { path: `${P}/namespaces` })).json.namespaces, [['db']]);
});

test('set-location, a namespace location and register cannot claim another table\'s folder either', async () => {
  const victimTable = await catalog.loadTable({ namespace: ['db'], name: 'victim' });
  const victim = victimTable.metadata.location;
  assert.equal((await create('mover')).status, 200);
  const move = await raw(server.uri, { path: `${P}/namespaces/db/tables/mover`, body: { requirements: [], updates: [{ action: 'set-location', location: victim }] } });
  assert.equal(move.status, 403, move.text);
  const moveState = await raw(server.uri, { path: `${P}/namespaces/db/tables/mover`, body: { requirements: [], updates: [{ action: 'set-location', location: path.join(server.warehouse, '.floe-catalog', 'x') }] } });
  assert.equal(moveState.status, 403, moveState.text);
  // Moving a table to a free folder still works.
  const free = await raw(server.uri, { path: `${P}/namespaces/db/tables/mover`, body: { requirements: [], updates: [{ action: 'set-location', location: path.join(server.warehouse, 'moved') }] } });
  assert.equal(free.status, 200, free.text);

  const nsOnVictim = await raw(server.uri, { path: `${P}/namespaces`, body: { namespace: ['squat'], properties: { location: victim } } });
  assert.equal(nsOnVictim.status, 403, nsOnVictim.text);
  const nsOnState = await raw(server.uri, { path: `${P}/namespaces`, body: { namespace: ['squat'], properties: { location: path.join(server.warehouse, '.floe-catalog') } } });
  assert.equal(nsOnState.status, 403, nsOnState.text);
  assert.equal((await raw(server.uri, { path: `${P}/namespaces`, body: { namespace: ['squat'] } })).status, 200);
  const nsUpdate = await raw(server.uri, { path: `${P}/namespaces/squat/properties`, body: { updates: { location: path.join(victim, 'data') } } });
  assert.equal(nsUpdate.status, 403, nsUpdate.text);

  const twin = await raw(server.uri, { path: `${P}/namespaces/db/register`, body: { name: 'twin', 'metadata-location': victimTable.metadataLocation } });
  assert.equal(twin.status, 403, twin.text);
  assert.equal((await raw(server.uri, { method: 'DELETE', path: `${P}/namespaces/db/tables/twin?purgeRequested=true` })).status, 404);
  // Re-registering the table's own current file over itself is allowed (overwrite: same table, same place).
  const again = await raw(server.uri, { path: `${P}/namespaces/db/register`, body: { name: 'victim', 'metadata-location': victimTable.metadataLocation, overwrite: true } });
  assert.equal(again.status, 200, again.text);
  const rows = await catalog.loadTable({ namespace: ['db'], name: 'victim' });
  assert.equal(rows.metadata.snapshots.length, 1);
});

test('purge deletes the files the table\'s metadata references and nothing else in its folder', async () => {
  const id = { namespace: ['db'], name: 'purged' };
  await writeTable({ session, catalog, table: id, mode: 'create', sql: 'SELECT range AS id FROM range(5)' });
  await writeTable({ session, catalog, table: id, mode: 'append', sql: 'SELECT 99 AS id' });
  const t = await catalog.loadTable(id);
  const location = t.metadata.location;
  await writeFile(path.join(location, 'notes.txt'), 'mine');
  await mkdir(path.join(location, 'data', 'keep'), { recursive: true });
  await writeFile(path.join(location, 'data', 'keep', 'other.parquet'), 'not the table\'s');
  const r = await raw(server.uri, { method: 'DELETE', path: `${P}/namespaces/db/tables/purged?purgeRequested=true` });
  assert.equal(r.status, 204, r.text);
  assert.ok(existsSync(path.join(location, 'notes.txt')), 'a file the table never referenced survives');
  assert.ok(existsSync(path.join(location, 'data', 'keep', 'other.parquet')));
  assert.ok(!existsSync(t.metadataLocation!), 'the metadata file is gone');
  assert.ok(!existsSync(path.join(location, 'metadata')), 'the emptied metadata folder is removed');
  const left = readdirSync(path.join(location, 'data'), { recursive: true }).map(String).filter((f) => f.endsWith('.parquet'));
  assert.deepEqual(left, [path.join('keep', 'other.parquet')], 'the table\'s data files are gone');
  // The other table is intact.
  assert.equal((await catalog.loadTable({ namespace: ['db'], name: 'victim' })).metadata.snapshots.length, 1);
});

test('floe table cleanup removes only old Iceberg-shaped orphans under data/ and metadata/, never a user\'s files', async () => {
  const id = { namespace: ['db'], name: 'cleaned' };
  await writeTable({ session, catalog, table: id, mode: 'create', sql: 'SELECT 1 AS id', location: path.join(server.warehouse, 'project') });
  const t = await catalog.loadTable(id);
  const location = t.metadata.location;
  const old = new Date(Date.now() - 10 * 86_400_000);
  const plant = async (rel: string) => {
    const file = path.join(location, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, 'x');
    await utimes(file, old, old);
    return file;
  };
  const userDoc = await plant('docs/old.txt');
  const userNotes = await plant('data/README.md');
  const orphan = await plant('data/00000-0-dead.parquet');
  const orphanManifest = await plant('metadata/dead-m0.avro');
  const r = await runFloe(['table', 'cleanup', '--catalog', server.uri, '--warehouse', server.name, 'db.cleaned']);
  assert.equal(r.code, 0, r.err + r.out);
  assert.ok(existsSync(userDoc), `docs/old.txt survives: ${r.out}`);
  assert.ok(existsSync(userNotes), 'a non-Iceberg name under data/ survives');
  assert.ok(!existsSync(orphan) && !existsSync(orphanManifest), `real orphans go: ${r.out}`);
  assert.match(r.out, /removed 2 orphan file/);
});
