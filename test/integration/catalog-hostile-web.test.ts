// Issue 13, item 3: a web page in the user's browser cannot drive the local catalog (text/plain and form POSTs,
// a foreign Origin, DNS rebinding under a foreign Host), and storage keys leave the catalog only when a caller asks
// for vended credentials (and, with auth on, holds a token).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { raw, SCHEMA_JSON } from '../helpers/raw-http';

const KEYS = { 's3.endpoint': 'http://127.0.0.1:9', 's3.region': 'us-east-1', 's3.access-key-id': 'AKIAFLOETESTKEY00001', 's3.secret-access-key': 'floe-test-secret-never-leaked' };
let server: TestCatalog;
let P: string;
let port: string;

before(async () => {
  server = await startTestCatalog({ tableConfig: KEYS });
  P = `/v1/${server.name}`;
  port = new URL(server.uri).port;
  assert.equal((await raw(server.uri, { path: `${P}/namespaces`, body: { namespace: ['db'] } })).status, 200);
  assert.equal((await raw(server.uri, { path: `${P}/namespaces/db/tables`, body: { name: 't', schema: SCHEMA_JSON } })).status, 200);
});
after(async () => {
  await server?.close();
});

const namespaces = async () => (await raw(server.uri, { path: `${P}/namespaces` })).json.namespaces as string[][];

test('bodies must be application/json: the simple POSTs a page can send cross-origin are refused (415)', async () => {
  const body = JSON.stringify({ namespace: ['from_page'] });
  for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
    const r = await raw(server.uri, { path: `${P}/namespaces`, headers: { 'content-type': type }, body });
    assert.equal(r.status, 415, `${type}: ${r.text}`);
    assert.match(r.json.error.message, /must be application\/json/);
  }
  const commit = await raw(server.uri, { path: `${P}/namespaces/db/tables/t`, headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ updates: [{ action: 'set-properties', updates: { owned: 'yes' } }] }) });
  assert.equal(commit.status, 415);
  assert.deepEqual(await namespaces(), [['db']]);
  const charset = await raw(server.uri, { path: `${P}/namespaces`, headers: { 'content-type': 'application/json; charset=utf-8' }, body });
  assert.equal(charset.status, 200, 'application/json with a charset is JSON');
  assert.equal((await raw(server.uri, { method: 'DELETE', path: `${P}/namespaces/from_page` })).status, 204);
});

test('a foreign Origin is refused on every route (403); the catalog\'s own origin is fine', async () => {
  for (const origin of ['https://evil.example', 'http://evil.example:' + port, 'null', 'http://127.0.0.1.evil.example', `http://127.0.0.1:${Number(port) + 1}`]) {
    const post = await raw(server.uri, { path: `${P}/namespaces`, headers: { origin }, body: { namespace: ['from_page'] } });
    assert.equal(post.status, 403, `${origin}: ${post.text}`);
    assert.match(post.json.error.message, /web pages/);
    const get = await raw(server.uri, { path: `${P}/namespaces/db/tables/t`, headers: { origin } });
    assert.equal(get.status, 403, `${origin} GET`);
  }
  assert.deepEqual(await namespaces(), [['db']]);
  for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
    assert.equal((await raw(server.uri, { path: `${P}/namespaces`, headers: { origin } })).status, 200, origin);
  }
});

test('the Host header must name this server: DNS rebinding gets 403', async () => {
  for (const host of [`evil.example:${port}`, `rebind.127.0.0.1.nip.io:${port}`, `127.0.0.1:${Number(port) + 1}`, '127.0.0.1', 'localhost']) {
    const r = await raw(server.uri, { path: `${P}/namespaces`, headers: { host } });
    assert.equal(r.status, 403, `${host}: ${r.text}`);
    assert.match(r.json.error.message, /is not this catalog/);
  }
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
    assert.equal((await raw(server.uri, { path: `${P}/namespaces`, headers: { host } })).status, 200, host);
  }
});

test('storage keys are returned only when vended credentials are asked for', async () => {
  const plain = await raw(server.uri, { path: `${P}/namespaces/db/tables/t` });
  assert.equal(plain.status, 200);
  assert.deepEqual(plain.json.config, { 's3.endpoint': KEYS['s3.endpoint'], 's3.region': 'us-east-1' }, 'endpoint and region only');
  assert.equal(plain.json['storage-credentials'], undefined);
  assert.doesNotMatch(plain.text, /floe-test-secret|AKIAFLOE/);
  const created = await raw(server.uri, { path: `${P}/namespaces/db/tables`, body: { name: 'u', schema: SCHEMA_JSON } });
  assert.doesNotMatch(created.text, /floe-test-secret|AKIAFLOE/, 'nor on create');

  const vended = await raw(server.uri, { path: `${P}/namespaces/db/tables/t`, headers: { 'x-iceberg-access-delegation': 'vended-credentials' } });
  assert.equal(vended.json.config['s3.secret-access-key'], KEYS['s3.secret-access-key']);
  assert.equal(vended.json['storage-credentials'][0].config['s3.access-key-id'], KEYS['s3.access-key-id']);
  const remote = await raw(server.uri, { path: `${P}/namespaces/db/tables/t`, headers: { 'x-iceberg-access-delegation': 'remote-signing' } });
  assert.doesNotMatch(remote.text, /floe-test-secret/, 'remote-signing is not vended-credentials');
});

test('with auth on, credentials need a token as well as the delegation header', async () => {
  const secured = await startTestCatalog({ tableConfig: KEYS, clientId: 'me', clientSecret: 'pw-long-enough' });
  try {
    const p = `/v1/${secured.name}`;
    const noToken = await raw(secured.uri, { path: `${p}/namespaces/db/tables/t`, headers: { 'x-iceberg-access-delegation': 'vended-credentials' } });
    assert.equal(noToken.status, 401);
    assert.doesNotMatch(noToken.text, /floe-test-secret/);
    const token = await raw(secured.uri, { path: '/v1/oauth/tokens', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=me&client_secret=pw-long-enough' });
    assert.equal(token.status, 200, token.text);
    const auth = { authorization: `Bearer ${token.json.access_token}` };
    assert.equal((await raw(secured.uri, { path: `${p}/namespaces`, headers: auth, body: { namespace: ['db'] } })).status, 200);
    assert.equal((await raw(secured.uri, { path: `${p}/namespaces/db/tables`, headers: auth, body: { name: 't', schema: SCHEMA_JSON } })).status, 200);
    const plain = await raw(secured.uri, { path: `${p}/namespaces/db/tables/t`, headers: auth });
    assert.doesNotMatch(plain.text, /floe-test-secret/);
    const vended = await raw(secured.uri, { path: `${p}/namespaces/db/tables/t`, headers: { ...auth, 'x-iceberg-access-delegation': 'vended-credentials' } });
    assert.equal(vended.json['storage-credentials'][0].config['s3.secret-access-key'], KEYS['s3.secret-access-key']);
    // A token request that is not a form is refused too.
    const jsonToken = await raw(secured.uri, { path: '/v1/oauth/tokens', body: { grant_type: 'client_credentials' } });
    assert.equal(jsonToken.status, 415);
  } finally {
    await secured.close();
  }
});
