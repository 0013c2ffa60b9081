// OAuth2 client credentials, vended credentials and log redaction between our REST client and the local catalog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { CatalogError } from '../../server/src/catalog/catalog';
import { startTestCatalog } from '../helpers/local-catalog';
import { startFaultProxy } from '../helpers/fault-proxy';
import { raw } from '../helpers/raw-http';

const clientId = 'floe-admin';
const clientSecret = 'sup3r-s3cret-value';
const schema = { type: 'struct' as const, 'schema-id': 0, fields: [{ id: 1, name: 'id', required: true, type: 'long' as const }] };

test('client credentials get a token; a bad secret or no token is 401 unauthorized naming the URI', async () => {
  const server = await startTestCatalog({ clientId, clientSecret });
  try {
    const log: string[] = [];
    const good = await connectRestCatalog({ uri: server.uri, warehouse: 'floe', credential: { clientId, clientSecret }, realm: 'default-realm', log: (l) => log.push(l) });
    await good.createNamespace(['secure']);
    assert.deepEqual((await good.listNamespaces()).items, [['secure']]);
    assert.ok(log.length >= 3);
    assert.ok(log.every((l) => !l.includes(clientSecret)), 'the log never shows the secret');

    await assert.rejects(connectRestCatalog({ uri: server.uri, warehouse: 'floe', credential: { clientId, clientSecret: 'wrong' } }), (e: unknown) => {
      assert.ok(e instanceof CatalogError);
      assert.equal(e.kind, 'unauthorized');
      assert.ok(e.message.includes(server.uri), e.message);
      assert.ok(!e.message.includes('wrong'), 'the message does not echo the secret');
      return true;
    });
    await assert.rejects(connectRestCatalog({ uri: server.uri, warehouse: 'floe' }), (e: unknown) => e instanceof CatalogError && e.kind === 'unauthorized' && e.message.includes(server.uri));
    await assert.rejects(connectRestCatalog({ uri: server.uri, warehouse: 'floe', token: 'forged' }), (e: unknown) => e instanceof CatalogError && e.kind === 'unauthorized');

    // Token exchange (how Iceberg's Java client refreshes): a valid token buys a new one, a forged one does not.
    const exchange = (subject: string) => fetch(`${server.uri}/v1/oauth/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: subject, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' }),
    });
    const issued = (await (await fetch(`${server.uri}/v1/oauth/tokens`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }) })).json()) as { access_token: string };
    const exchanged = await exchange(issued.access_token);
    assert.equal(exchanged.status, 200);
    assert.notEqual(((await exchanged.json()) as { access_token: string }).access_token, issued.access_token);
    assert.equal((await exchange('forged')).status, 401);

    const raw = await fetch(`${server.uri}/v1/floe/namespaces`);
    assert.equal(raw.status, 401);
    assert.equal(((await raw.json()) as { error: { type: string } }).error.type, 'NotAuthorizedException');
  } finally {
    await server.close();
  }
});

test('a token the server no longer knows is refreshed once on 401', async () => {
  const warehouse = await mkdtemp(path.join(os.tmpdir(), 'floe-oauth-'));
  const first = await startTestCatalog({ clientId, clientSecret, warehouse });
  const port = Number(new URL(first.uri).port);
  const log: string[] = [];
  const client = await connectRestCatalog({ uri: first.uri, warehouse: 'floe', credential: { clientId, clientSecret }, log: (l) => log.push(l) });
  await client.createNamespace(['kept']);
  await first.close();
  // Same warehouse and port, new process state: every token issued before is unknown.
  const second = await startTestCatalog({ clientId, clientSecret, port, warehouse: first.warehouse });
  try {
    log.length = 0;
    assert.deepEqual((await client.listNamespaces()).items, [['kept']]);
    assert.deepEqual(log.map((l) => /-> (\d+)/.exec(l)?.[1]), ['401', '200', '200'], 'one 401, a new token, then the retry');
    assert.match(log[1], /oauth\/tokens/);
  } finally {
    await second.close();
    await rm(warehouse, { recursive: true, force: true });
  }
});

test('tokens come from the config\'s oauth2-server-uri, are renewed before they expire, and once more after a 419', async () => {
  // four-second tokens, renewed at half their life: two seconds of margin for a loaded machine's delays
  const server = await startTestCatalog({ clientId, clientSecret, tokenTtlSeconds: 4 });
  const proxy = await startFaultProxy(new URL(server.uri).origin, { upstreamHost: true, errorBody: 'iceberg' });
  try {
    const config = await raw(server.uri, { path: '/v1/config', headers: { authorization: `Bearer ${(await raw(server.uri, { path: '/v1/oauth/tokens', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}` })).json.access_token}` } });
    assert.equal(config.json.overrides['oauth2-server-uri'], 'oauth/tokens');
    const uri = `${proxy.url}${new URL(server.uri).pathname}`;
    const client = await connectRestCatalog({ uri, warehouse: 'floe', credential: { clientId, clientSecret } });
    const tokenPaths = () => proxy.requests.filter((r) => r.path.includes('oauth/tokens')).map((r) => r.path);
    // The first token (needed to read the config) comes from the default path; the rest from the advertised one.
    assert.deepEqual(tokenPaths(), ['/api/catalog/v1/oauth/tokens']);
    await client.createNamespace(['ttl']);
    // A four-second token is renewed before it runs out: no request is ever refused.
    for (let i = 0; i < 6; i++) {
      await client.listNamespaces();
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(tokenPaths().length >= 2, `tokens fetched: ${tokenPaths().join(', ')}`);
    assert.ok(tokenPaths().slice(1).every((p) => p === '/api/catalog/oauth/tokens'), tokenPaths().join(', '));
    assert.deepEqual(proxy.requests.filter((r) => r.status === 401 || r.status === 419).map((r) => r.path), []);

    // 419 (authentication timeout): one new token and one retry.
    const from = proxy.requests.length;
    let sent = false;
    proxy.plan = (r) => (!sent && r.path.endsWith('/namespaces') && r.method === 'GET' ? ((sent = true), { kind: 'status', status: 419 }) : undefined);
    assert.deepEqual((await client.listNamespaces()).items, [['ttl']]);
    const after419 = proxy.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`);
    const at = after419.indexOf('GET /api/catalog/v1/floe/namespaces');
    assert.deepEqual(after419.slice(at), ['GET /api/catalog/v1/floe/namespaces', 'POST /api/catalog/oauth/tokens', 'GET /api/catalog/v1/floe/namespaces']);
  } finally {
    await proxy.close();
    await server.close();
  }
});

test('vended credentials come back in config and storage-credentials when asked for', async () => {
  const tableConfig = { 's3.endpoint': 'http://127.0.0.1:9', 's3.access-key-id': 'AKIDEXAMPLE', 's3.secret-access-key': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 's3.path-style-access': 'true' };
  const server = await startTestCatalog({ tableConfig });
  try {
    const client = await connectRestCatalog({ uri: server.uri, warehouse: 'floe' });
    await client.createNamespace(['v']);
    await client.createTable(['v'], { name: 't', schema });
    const loaded = await client.loadTable({ namespace: ['v'], name: 't' });
    assert.equal(loaded.config['s3.secret-access-key'], tableConfig['s3.secret-access-key']);
    assert.equal(loaded.storageCredentials?.[0].prefix, loaded.metadata.location);
    const fresh = await client.loadCredentials({ namespace: ['v'], name: 't' });
    // Per-provider expiry (Iceberg 1.7+), never the removed generic `expiration-time`.
    const { 's3.session-token-expires-at-ms': expires, ...keys } = fresh[0].config;
    assert.deepEqual([{ ...fresh[0], config: keys }], [{ prefix: loaded.metadata.location, config: tableConfig }]);
    assert.ok(Number(expires) > Date.now() + 3_000_000 && Number(expires) <= Date.now() + 3_600_000, `expires at ${expires}`);
    assert.equal(loaded.config['expiration-time'], undefined);
    const plain = await connectRestCatalog({ uri: server.uri, warehouse: 'floe', vendedCredentials: false });
    assert.equal((await plain.loadTable({ namespace: ['v'], name: 't' })).storageCredentials, undefined);
  } finally {
    await server.close();
  }
});

test('a catalog without configured credentials accepts any client, and URIs ending in /v1 work too', async () => {
  const server = await startTestCatalog();
  try {
    const client = await connectRestCatalog({ uri: `${server.uri}/v1/`, warehouse: 'floe', credential: { clientId: 'anyone', clientSecret: 'anything' } });
    await client.createNamespace(['open']);
    assert.deepEqual((await client.listNamespaces()).items, [['open']]);
  } finally {
    await server.close();
  }
});

test('the Polaris-Realm header reaches the catalog on every request, the token request included', async () => {
  const server = await startTestCatalog({ clientId, clientSecret });
  const proxy = await startFaultProxy(new URL(server.uri).origin, { upstreamHost: true });
  try {
    const uri = `${proxy.url}${new URL(server.uri).pathname}`;
    const client = await connectRestCatalog({ uri, warehouse: 'floe', credential: { clientId, clientSecret }, realm: 'acme-prod' });
    await client.createNamespace(['realm_check']);
    await client.listNamespaces();
    assert.ok(proxy.requests.length >= 4, `requests seen: ${proxy.requests.map((r) => r.path).join(', ')}`);
    for (const r of proxy.requests) assert.equal(r.headers['polaris-realm'], 'acme-prod', `${r.method} ${r.path}`);
    const token = proxy.requests.find((r) => r.path.endsWith('/v1/oauth/tokens'));
    assert.ok(token, 'a token request went through the proxy');
    assert.ok(proxy.requests.filter((r) => r.path.includes('/namespaces')).every((r) => /^Bearer .+/.test(String(r.headers.authorization))));
  } finally {
    await proxy.close();
    await server.close();
  }
});
