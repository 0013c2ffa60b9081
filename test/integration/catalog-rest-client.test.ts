// Our REST client against the local Polaris-compatible catalog, over real HTTP on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { connectRestCatalog, type RestCatalog } from '../../server/src/catalog/rest-client';
import { CatalogError, type CatalogErrorKind } from '../../server/src/catalog/catalog';
import { collectPages } from '../../server/src/catalog/paging';
import { updatesForNewTable } from '../../server/src/iceberg/apply-updates';
import type { Schema, Snapshot, TableIdentifier, TableUpdate } from '../../server/src/iceberg/spec';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { startFaultProxy } from '../helpers/fault-proxy';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const schema: Schema = {
  type: 'struct', 'schema-id': 0,
  fields: [{ id: 1, name: 'id', required: true, type: 'long' }, { id: 2, name: 'name', required: false, type: 'string' }],
};
// Above 2^53: would be rounded if it ever passed through a JS number.
const BIG_ID = 9007199254740993n;

let server: TestCatalog;
let catalog: RestCatalog;

before(async () => {
  server = await startTestCatalog();
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name, pageSize: 7 });
});
after(async () => server.close());

function snapshot(id: bigint, seq: bigint, location: string, parent?: bigint): Snapshot {
  return {
    'snapshot-id': id, 'parent-snapshot-id': parent, 'sequence-number': seq, 'timestamp-ms': 1_700_000_000_000n + seq,
    'manifest-list': `${location}/metadata/snap-${id}.avro`, summary: { operation: 'append' }, 'schema-id': 0,
  };
}

function appendUpdates(s: Snapshot): TableUpdate[] {
  return [{ action: 'add-snapshot', snapshot: s }, { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': s['snapshot-id'] }];
}

/** Expects a CatalogError of the given kind whose message mentions every fragment. */
async function expectError(p: Promise<unknown>, kind: CatalogErrorKind, ...mentions: string[]): Promise<CatalogError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CatalogError, `expected CatalogError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    for (const m of mentions) assert.ok(e.message.includes(m), `message should mention ${m}: ${e.message}`);
    return e;
  }
  assert.fail(`expected a '${kind}' error`);
}

test('config returns the prefix and the endpoints the server supports', async () => {
  assert.equal(catalog.properties.prefix, 'floe');
  assert.ok(catalog.supports('POST /v1/{prefix}/transactions/commit'));
  assert.ok(catalog.supports('POST /v1/{prefix}/namespaces/{namespace}/register'));
  await expectError(connectRestCatalog({ uri: server.uri, warehouse: 'nope' }), 'not-found', 'nope', server.uri);
  const noWarehouse = await connectRestCatalog({ uri: server.uri });
  assert.equal(noWarehouse.properties.prefix, 'floe', 'a request without warehouse gets the default catalog');
});

test('nested namespaces with properties: create, list by parent, load, update, drop only when empty', async () => {
  await catalog.createNamespace(['sales'], { owner: 'ana' });
  await catalog.createNamespace(['sales', 'eu west']);
  await catalog.createNamespace(['sales', 'eu west', 'ünï']);
  assert.deepEqual((await catalog.listNamespaces(['sales'])).items, [['sales', 'eu west']]);
  assert.deepEqual((await catalog.listNamespaces(['sales', 'eu west'])).items, [['sales', 'eu west', 'ünï']]);
  assert.deepEqual(await catalog.loadNamespace(['sales']), { owner: 'ana' });
  assert.deepEqual(await catalog.updateNamespaceProperties(['sales'], { tier: 'gold' }, ['owner', 'ghost']), { updated: ['tier'], removed: ['owner'], missing: ['ghost'] });
  assert.deepEqual(await catalog.loadNamespace(['sales']), { tier: 'gold' });
  await expectError(catalog.createNamespace(['sales']), 'already-exists', 'sales');
  await expectError(catalog.createNamespace(['nowhere', 'child']), 'not-found', 'nowhere');
  await expectError(catalog.dropNamespace(['sales', 'eu west']), 'not-empty', 'sales.eu west');
  await catalog.dropNamespace(['sales', 'eu west', 'ünï']);
  await catalog.dropNamespace(['sales', 'eu west']);
  await expectError(catalog.loadNamespace(['sales', 'eu west']), 'not-found', 'sales.eu west', server.uri);
});

test('paging walks every namespace and table exactly once, in order', async () => {
  const names = Array.from({ length: 23 }, (_, i) => `n${String(i).padStart(2, '0')}`);
  await catalog.createNamespace(['paged']);
  for (const n of names) await catalog.createNamespace(['paged', n]);
  for (const n of names) await catalog.createTable(['paged'], { name: n, schema });
  const first = await catalog.listNamespaces(['paged']);
  assert.equal(first.items.length, 7);
  assert.ok(first.nextPageToken);
  assert.deepEqual(await collectPages((t) => catalog.listNamespaces(['paged'], t)), names.map((n) => ['paged', n]));
  assert.deepEqual(await collectPages((t) => catalog.listTables(['paged'], t)), names.map((name) => ({ namespace: ['paged'], name })));
});

test('create, load and commit keep int64 snapshot ids exact', async () => {
  await catalog.createNamespace(['exact']);
  const id = { namespace: ['exact'], name: 'events' };
  const created = await catalog.createTable(['exact'], { name: 'events', schema, properties: { owner: 'floe' } });
  assert.match(created.metadataLocation ?? '', /\/exact\/events\/metadata\/00000-[0-9a-f-]+\.metadata\.json$/);
  assert.equal(created.metadata.location, path.join(server.warehouse, 'exact', 'events'));
  const s = snapshot(BIG_ID, 1n, created.metadata.location);
  const committed = await catalog.commitTable(id, [
    { type: 'assert-table-uuid', uuid: created.metadata['table-uuid'] },
    { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null },
  ], appendUpdates(s));
  assert.match(committed.metadataLocation, /\/00001-[0-9a-f-]+\.metadata\.json$/);
  const loaded = await catalog.loadTable(id);
  assert.equal(loaded.metadata['current-snapshot-id'], BIG_ID);
  assert.equal(loaded.metadata.refs.main['snapshot-id'], BIG_ID);
  assert.deepEqual(loaded.metadata['metadata-log'].map((e) => e['metadata-file']), [created.metadataLocation]);
  assert.equal(loaded.metadata.properties.owner, 'floe');
  assert.equal(await catalog.tableExists(id), true);
  assert.equal(await catalog.tableExists({ namespace: ['exact'], name: 'ghost' }), false);
  await expectError(catalog.loadTable({ namespace: ['exact'], name: 'ghost' }), 'not-found', 'exact.ghost', server.uri);
  await expectError(catalog.commitTable({ namespace: ['exact'], name: 'ghost' }, [], []), 'not-found', 'exact.ghost');
});

test('a staged create is invisible until a commit with assert-create, which succeeds once', async () => {
  await catalog.createNamespace(['staged']);
  const id = { namespace: ['staged'], name: 'gold' };
  const staged = await catalog.createTable(['staged'], { name: 'gold', schema, stageCreate: true });
  assert.equal(staged.metadataLocation, undefined);
  assert.equal(await catalog.tableExists(id), false);
  assert.deepEqual((await catalog.listTables(['staged'])).items, []);
  const updates = [...updatesForNewTable(staged.metadata), ...appendUpdates(snapshot(BIG_ID, 1n, staged.metadata.location))];
  const done = await catalog.commitTable(id, [{ type: 'assert-create' }], updates);
  assert.equal(done.metadata['current-snapshot-id'], BIG_ID);
  assert.equal((await catalog.loadTable(id)).metadata['table-uuid'], staged.metadata['table-uuid']);
  await expectError(catalog.commitTable(id, [{ type: 'assert-create' }], updates), 'commit-conflict', 'staged.gold');
});

test('two commits racing on assert-ref-snapshot-id: exactly one wins, the other gets commit-conflict', async () => {
  await catalog.createNamespace(['race']);
  const id = { namespace: ['race'], name: 't' };
  const t = await catalog.createTable(['race'], { name: 't', schema });
  const loc = t.metadata.location;
  await catalog.commitTable(id, [], appendUpdates(snapshot(1n, 1n, loc)));
  const other = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  const attempt = (c: RestCatalog, snapId: bigint) => c.commitTable(id, [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 1n }], appendUpdates(snapshot(snapId, 2n, loc, 1n)));
  for (let round = 0; round < 3; round++) {
    const base = (await catalog.loadTable(id)).metadata['current-snapshot-id']!;
    const req = [{ type: 'assert-ref-snapshot-id' as const, ref: 'main', 'snapshot-id': base }];
    const results = await Promise.allSettled([
      catalog.commitTable(id, req, appendUpdates(snapshot(100n + BigInt(round * 2), BigInt(round + 2), loc, base))),
      other.commitTable(id, req, appendUpdates(snapshot(101n + BigInt(round * 2), BigInt(round + 2), loc, base))),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}: exactly one commit wins`);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(lost.reason instanceof CatalogError && lost.reason.kind === 'commit-conflict', String(lost.reason));
    assert.match(lost.reason.message, /race\.t/);
  }
  await expectError(attempt(catalog, 999n), 'commit-conflict', 'main has changed');
  assert.equal((await catalog.loadTable(id)).metadata.snapshots.length, 4);
});

test('drop with purge removes the table folder; drop without purge keeps files and register brings the table back', async () => {
  await catalog.createNamespace(['drops']);
  const keep = { namespace: ['drops'], name: 'keep' };
  const gone = { namespace: ['drops'], name: 'gone' };
  const k = await catalog.createTable(['drops'], { name: 'keep', schema });
  const g = await catalog.createTable(['drops'], { name: 'gone', schema });
  assert.ok(existsSync(g.metadata.location));
  await catalog.dropTable(gone, true);
  assert.equal(existsSync(g.metadata.location), false, 'purge deletes the table folder');
  assert.equal(await catalog.tableExists(gone), false);
  await catalog.dropTable(keep);
  assert.ok(existsSync(k.metadataLocation!), 'drop without purge keeps metadata');
  const back = await catalog.registerTable({ namespace: ['drops'], name: 'restored' }, k.metadataLocation!);
  assert.equal(back.metadata['table-uuid'], k.metadata['table-uuid']);
  assert.equal((await catalog.loadTable({ namespace: ['drops'], name: 'restored' })).metadataLocation, k.metadataLocation);
  await expectError(catalog.registerTable({ namespace: ['drops'], name: 'restored' }, k.metadataLocation!), 'already-exists', 'drops.restored');
  await expectError(catalog.dropTable(gone), 'not-found', 'drops.gone');
});

test('rename moves a table across namespaces and refuses to overwrite', async () => {
  await catalog.createNamespace(['ren1']);
  await catalog.createNamespace(['ren2']);
  const from: TableIdentifier = { namespace: ['ren1'], name: 'a' };
  const to: TableIdentifier = { namespace: ['ren2'], name: 'b' };
  const t = await catalog.createTable(['ren1'], { name: 'a', schema });
  await catalog.createTable(['ren2'], { name: 'taken', schema });
  await catalog.renameTable(from, to);
  assert.equal((await catalog.loadTable(to)).metadata['table-uuid'], t.metadata['table-uuid']);
  assert.equal(await catalog.tableExists(from), false);
  await expectError(catalog.renameTable(to, { namespace: ['ren2'], name: 'taken' }), 'already-exists', 'ren2.taken');
  await expectError(catalog.renameTable(from, { namespace: ['ren2'], name: 'c' }), 'not-found', 'ren1.a');
});

test('multi-table transactions commit all tables or none', async () => {
  await catalog.createNamespace(['tx']);
  const a = { namespace: ['tx'], name: 'a' }, b = { namespace: ['tx'], name: 'b' };
  const ta = await catalog.createTable(['tx'], { name: 'a', schema });
  await catalog.createTable(['tx'], { name: 'b', schema });
  const setProp = (v: string): TableUpdate[] => [{ action: 'set-properties', updates: { v } }];
  await catalog.commitTransaction([{ id: a, requirements: [], updates: setProp('1') }, { id: b, requirements: [], updates: setProp('1') }]);
  await expectError(catalog.commitTransaction([
    { id: a, requirements: [], updates: setProp('2') },
    { id: b, requirements: [{ type: 'assert-table-uuid', uuid: ta.metadata['table-uuid'] }], updates: setProp('2') },
  ]), 'commit-conflict');
  assert.equal((await catalog.loadTable(a)).metadata.properties.v, '1');
  assert.equal((await catalog.loadTable(b)).metadata.properties.v, '1');
});

test('names that would escape the warehouse are rejected with 400 and write nothing outside it', async () => {
  // The warehouse's parent may be the shared temp folder, where other processes come and go: look for what this
  // test could have written there, not for any change.
  const outside = path.dirname(server.warehouse);
  const before = new Set(readdirSync(outside));
  for (const bad of ['..', '.hidden', 'a/b', 'a\\b', 'nul\0x']) {
    await expectError(catalog.createNamespace([bad]), 'bad-request', 'namespace name');
  }
  await catalog.createNamespace(['safe']);
  for (const bad of ['..', '../../etc', '.x', 'a/b']) {
    await expectError(catalog.createTable(['safe'], { name: bad, schema }), 'bad-request', 'table name');
  }
  await expectError(catalog.loadTable({ namespace: ['..', '..'], name: 'passwd' }), 'bad-request');
  const written = readdirSync(outside).filter((n) => !before.has(n) && ['safe', 'etc', 'passwd', '.hidden', '.x', 'a', 'b', 'a\\b', 'x', 'metadata'].includes(n));
  assert.deepEqual(written, []);
});

test('tables may only be placed or registered in the catalog\'s own folders', async () => {
  await catalog.createNamespace(['where']);
  const outside = path.join(path.dirname(server.warehouse), `not-the-warehouse-${process.pid}`);
  await expectError(catalog.createTable(['where'], { name: 'x', schema, location: outside }), 'forbidden', outside);
  const inside = await catalog.createTable(['where'], { name: 'y', schema, location: path.join(server.warehouse, 'custom', 'y') });
  assert.equal(inside.metadata.location, path.join(server.warehouse, 'custom', 'y'));
  const id = { namespace: ['where'], name: 'y' };
  await expectError(catalog.commitTable(id, [], [{ action: 'set-location', location: '/etc/floe' }]), 'forbidden', '/etc/floe');
  assert.equal(existsSync('/etc/floe'), false);

  // A metadata file in a folder the catalog does not own cannot be registered (so never purged from there).
  const foreign = await startTestCatalog();
  try {
    const other = await connectRestCatalog({ uri: foreign.uri });
    await other.createNamespace(['f']);
    const t = await other.createTable(['f'], { name: 't', schema });
    await expectError(catalog.registerTable({ namespace: ['where'], name: 'borrowed' }, t.metadataLocation!), 'forbidden', 'must live under');
    assert.equal(await catalog.tableExists({ namespace: ['where'], name: 'borrowed' }), false);
    assert.ok(existsSync(t.metadataLocation!), 'files outside the catalog are untouched');
  } finally {
    await foreign.close();
  }
});

test('raw HTTP: unimplemented routes answer 501 and oversized bodies 413, in the spec error shape', async () => {
  const views = await fetch(`${server.uri}/v1/floe/namespaces/safe/views`);
  assert.equal(views.status, 501);
  assert.deepEqual(Object.keys(((await views.json()) as { error: object }).error).sort(), ['code', 'message', 'type']);
  const big = await fetch(`${server.uri}/v1/floe/namespaces`, { method: 'POST', body: 'x'.repeat(17 * 1024 * 1024) });
  assert.equal(big.status, 413);
  assert.equal(((await big.json()) as { error: { code: number } }).error.code, 413);
});

test('a catalog that is down is reported as unreachable, naming its URI', async () => {
  const down = await startTestCatalog();
  const client = await connectRestCatalog({ uri: down.uri, warehouse: 'floe' });
  await down.close();
  await expectError(client.listNamespaces(), 'unreachable', new URL(down.uri).origin);
  await expectError(connectRestCatalog({ uri: down.uri }), 'unreachable', new URL(down.uri).origin);
});

test('redirects are followed (308 keeps the POST and its body), and a token never follows to another origin', async () => {
  const catalogServer = await startTestCatalog();
  const proxy = await startFaultProxy(new URL(catalogServer.uri).origin, { upstreamHost: true });
  // A front door on another origin sending everything on to the catalog (through the recording proxy).
  const front = http.createServer((req, res) => {
    req.resume();
    res.writeHead(req.method === 'GET' ? 301 : 308, { location: `${proxy.url}${req.url}` }).end();
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  try {
    const port = (front.address() as AddressInfo).port;
    const client = await connectRestCatalog({ uri: `http://127.0.0.1:${port}${new URL(catalogServer.uri).pathname}`, warehouse: catalogServer.name, token: 'tok-never-cross-origin' });
    await client.createNamespace(['moved']);
    assert.deepEqual((await client.listNamespaces()).items, [['moved']]);
    assert.ok(proxy.requests.some((r) => r.method === 'POST' && r.path.endsWith('/namespaces')), 'the POST arrived after the 308');
    for (const r of proxy.requests) assert.equal(r.headers.authorization, undefined, `${r.method} ${r.path} carried the token across origins`);
  } finally {
    front.close();
    await proxy.close();
    await catalogServer.close();
  }
});
