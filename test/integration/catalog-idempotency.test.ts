// Idempotency-Key (Iceberg REST spec) between our client and the local catalog: a mutation whose answer is lost
// (a proxy forwards it, the catalog applies it, the client gets a 502) is retried with the same key and applied once.
// Without advertised support the client sends no key and keeps reporting the outcome as unknown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectRestCatalog, type RestCatalog } from '../../server/src/catalog/rest-client';
import { CatalogError } from '../../server/src/catalog/catalog';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../helpers/fault-proxy';
import { raw, SCHEMA_JSON } from '../helpers/raw-http';
import type { Schema, TableUpdate } from '../../server/src/iceberg/spec';

const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] };
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: TestCatalog;
let proxy: FaultProxy;
let client: RestCatalog;

before(async () => {
  server = await startTestCatalog();
  proxy = await startFaultProxy(server.uri.replace(/\/api\/catalog$/, ''), { errorBody: 'iceberg', upstreamHost: true });
  client = await connectRestCatalog({ uri: `${proxy.url}/api/catalog`, warehouse: server.name });
  await client.createNamespace(['db']);
});
after(async () => {
  await proxy?.close();
  await server?.close();
});

/** Loses the target's answer to the first request matching `match`, once. */
function loseFirst(match: (r: ProxiedRequest) => boolean): void {
  let done = false;
  proxy.plan = (r) => {
    if (done || !match(r)) return undefined;
    done = true;
    return { kind: 'lost-response' };
  };
}

const keysOf = (requests: ProxiedRequest[]) => requests.map((r) => r.headers['idempotency-key']);

test('the local catalog advertises its endpoints, the credentials route and its idempotency-key lifetime', async () => {
  const config = await raw(server.uri, { path: `/v1/config?warehouse=${server.name}` });
  assert.equal(config.status, 200);
  assert.equal(config.json['idempotency-key-lifetime'], 'PT1800S');
  assert.ok(config.json.endpoints.includes('GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials'));
  assert.ok(client.supports('POST /v1/{prefix}/transactions/commit'));
});

test('a commit whose answer is lost is retried with the same key and applied once', async () => {
  const id = { namespace: ['db'], name: 'commits' };
  await client.createTable(['db'], { name: id.name, schema });
  const before = await client.loadTable(id);
  const added: Schema = { ...schema, 'schema-id': 1, fields: [...schema.fields, { id: 2, name: 'v', required: false, type: 'string' }] };
  const updates: TableUpdate[] = [{ action: 'add-schema', schema: added, 'last-column-id': 2 }, { action: 'set-current-schema', 'schema-id': -1 }];
  const seen = proxy.requests.length;
  loseFirst((r) => r.method === 'POST' && r.path.endsWith('/tables/commits'));
  // Applied twice, the requirement would fail the second time (409): only a replay answers 200.
  const out = await client.commitTable(id, [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }], updates);
  const posts = proxy.requests.slice(seen).filter((r) => r.method === 'POST');
  assert.equal(proxy.injected.get('lost-response'), 1);
  assert.equal(posts.length, 2, 'the commit was sent twice');
  assert.equal(posts[0].status, 200, 'the first try was applied by the catalog');
  const [first, second] = keysOf(posts);
  assert.match(String(first), UUID_V7);
  assert.equal(second, first, 'the retry carries the same key');
  const after = await client.loadTable(id);
  assert.equal(out.metadataLocation, after.metadataLocation);
  assert.equal(after.metadata['current-schema-id'], 1);
  assert.equal(after.metadata['metadata-log'].length, before.metadata['metadata-log'].length + 1, 'one new metadata version');
});

test('a create and a drop whose answers are lost succeed once, with no AlreadyExists or NotFound', async () => {
  const id = { namespace: ['db'], name: 'created' };
  loseFirst((r) => r.method === 'POST' && r.path.endsWith('/namespaces/db/tables'));
  const created = await client.createTable(['db'], { name: id.name, schema });
  assert.equal(created.metadataLocation, (await client.loadTable(id)).metadataLocation);
  loseFirst((r) => r.method === 'DELETE' && r.path.includes('/tables/created'));
  await client.dropTable(id);
  assert.equal(await client.tableExists(id), false);
  proxy.plan = () => undefined;
});

test('a replayed key answers the first outcome without applying again; a key reused for another request or malformed is refused', async () => {
  const id = { namespace: ['db'], name: 'replayed' };
  await client.createTable(['db'], { name: id.name, schema });
  const path = `/v1/${server.name}/namespaces/db/tables/replayed`;
  const key = '01939a3b-7c4e-7a11-9f00-0123456789ab';
  const body = { requirements: [], updates: [{ action: 'set-properties', updates: { owner: 'a' } }] };
  const first = await raw(server.uri, { path, headers: { 'Idempotency-Key': key }, body });
  const again = await raw(server.uri, { path, headers: { 'Idempotency-Key': key }, body });
  assert.equal(first.status, 200);
  assert.equal(again.status, 200);
  assert.equal(again.json['metadata-location'], first.json['metadata-location']);
  assert.equal((await client.loadTable(id)).metadataLocation, first.json['metadata-location'], 'no second version');

  const other = await raw(server.uri, { path, headers: { 'Idempotency-Key': key }, body: { ...body, updates: [{ action: 'set-properties', updates: { owner: 'b' } }] } });
  assert.equal(other.status, 422);
  assert.match(other.json.error.message, /different request/);
  const bad = await raw(server.uri, { path, headers: { 'Idempotency-Key': 'not-a-uuid' }, body });
  assert.equal(bad.status, 400);

  // A deterministic 4xx is final too: the same key answers the same conflict, even once it would succeed.
  const conflictKey = '01939a3b-7c4e-7a11-9f00-0123456789ac';
  const stale = { requirements: [{ type: 'assert-table-uuid', uuid: '00000000-0000-0000-0000-000000000000' }], updates: [] };
  assert.equal((await raw(server.uri, { path, headers: { 'Idempotency-Key': conflictKey }, body: stale })).status, 409);
  assert.equal((await raw(server.uri, { path, headers: { 'Idempotency-Key': conflictKey }, body: stale })).status, 409);

  // Without a key nothing is remembered: the same create twice is a conflict.
  const create = { name: 'twice', schema: SCHEMA_JSON };
  assert.equal((await raw(server.uri, { path: `/v1/${server.name}/namespaces/db/tables`, body: create })).status, 200);
  assert.equal((await raw(server.uri, { path: `/v1/${server.name}/namespaces/db/tables`, body: create })).status, 409);
});

test('against a catalog without Idempotency-Key support no key is sent and a lost commit answer stays unknown', async () => {
  const plain = await startTestCatalog({ idempotencyKeyLifetimeSeconds: 0 });
  const plainProxy = await startFaultProxy(plain.uri.replace(/\/api\/catalog$/, ''), { errorBody: 'iceberg', upstreamHost: true });
  try {
    const config = await raw(plain.uri, { path: '/v1/config' });
    assert.equal(config.json['idempotency-key-lifetime'], undefined);
    const c = await connectRestCatalog({ uri: `${plainProxy.url}/api/catalog`, warehouse: plain.name });
    await c.createNamespace(['db']);
    const id = { namespace: ['db'], name: 't' };
    await c.createTable(['db'], { name: 't', schema });
    let lost = false;
    plainProxy.plan = (r) => (r.method === 'POST' && r.path.endsWith('/tables/t') && !lost ? ((lost = true), { kind: 'lost-response' }) : undefined);
    await assert.rejects(c.commitTable(id, [], [{ action: 'set-properties', updates: { k: 'v' } }]), (e: unknown) => e instanceof CatalogError && e.kind === 'commit-state-unknown');
    const posts = plainProxy.requests.filter((r) => r.method === 'POST');
    assert.ok(posts.every((r) => r.headers['idempotency-key'] === undefined), 'no key is sent');
    assert.equal(posts.filter((r) => r.path.endsWith('/tables/t')).length, 1, 'an unkeyed commit is never resent');
    // With keys off on the server, a key a client sends anyway is ignored rather than half-honoured.
    const path = `/v1/${plain.name}/namespaces/db/tables/t`;
    const body = { requirements: [], updates: [{ action: 'set-properties', updates: { n: '1' } }] };
    const key = '01939a3b-7c4e-7a11-9f00-0123456789ad';
    const a = await raw(plain.uri, { path, headers: { 'Idempotency-Key': key }, body });
    const b = await raw(plain.uri, { path, headers: { 'Idempotency-Key': key }, body });
    assert.notEqual(a.json['metadata-location'], b.json['metadata-location']);
  } finally {
    await plainProxy.close();
    await plain.close();
  }
});

test('a commit whose answer is lost and whose retries then fail (the catalog restarted and forgot the key) is of unknown outcome, never a failure', async () => {
  const id = { namespace: ['db'], name: 'forgotten' };
  await client.createTable(['db'], { name: id.name, schema });
  const added: Schema = { ...schema, 'schema-id': 1, fields: [...schema.fields, { id: 2, name: 'v', required: false, type: 'string' }] };
  const updates: TableUpdate[] = [{ action: 'add-schema', schema: added, 'last-column-id': 2 }, { action: 'set-current-schema', 'schema-id': -1 }];
  // The first try is applied and its answer lost; every retry is refused as a conflict, as a catalog without the key would.
  let tries = 0;
  proxy.plan = (r) => {
    if (!(r.method === 'POST' && r.path.endsWith('/tables/forgotten'))) return undefined;
    return tries++ === 0 ? { kind: 'lost-response' } : { kind: 'status', status: 409 };
  };
  try {
    await assert.rejects(client.commitTable(id, [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }], updates), (e: unknown) => {
      assert.ok(e instanceof CatalogError && e.kind === 'commit-state-unknown', String(e));
      assert.match((e as Error).message, /may or may not have succeeded.*retry got HTTP 409/);
      return true;
    });
  } finally {
    proxy.plan = () => undefined;
  }
  assert.ok(tries >= 2, 'the commit was retried');
  assert.equal((await client.loadTable(id)).metadata['current-schema-id'], 1, 'the first try was applied');
});
