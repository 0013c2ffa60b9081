// Endpoint discovery: against a catalog whose /v1/config lists no `endpoints` (a REST server from before they were
// specified, made here by a proxy that drops the field from the local catalog's config), the client assumes the
// spec's default set, calls nothing outside it, and renews expiring vended keys by reloading the table instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectRestCatalog, type RestCatalog } from '../../server/src/catalog/rest-client';
import { CatalogError } from '../../server/src/catalog/catalog';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import type { Schema } from '../../server/src/iceberg/spec';

const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] };
let server: TestCatalog;
let proxy: http.Server;
let client: RestCatalog;
const seen: string[] = [];

before(async () => {
  server = await startTestCatalog({
    tableConfig: { 's3.endpoint': 'http://127.0.0.1:9', 's3.access-key-id': 'AKIDEXAMPLE', 's3.secret-access-key': 'example-secret' },
    credentialTtlSeconds: 60,
  });
  const upstream = new URL(server.uri);
  proxy = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (upRes) => {
      if (!req.url?.includes('/v1/config')) {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => {
        const config = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        delete config.endpoints;
        delete config['idempotency-key-lifetime'];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(config));
      });
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  client = await connectRestCatalog({ uri: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/catalog`, warehouse: server.name });
  await client.createNamespace(['db']);
  await client.createTable(['db'], { name: 't', schema });
});
after(async () => {
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await server?.close();
});

test('without `endpoints` the spec default set is assumed and nothing else is called', async () => {
  const id = { namespace: ['db'], name: 't' };
  assert.ok(client.supports('POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics'));
  assert.ok(client.supports('POST /v1/{prefix}/transactions/commit'));
  assert.equal(client.supports('GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials'), false);
  seen.length = 0;
  await assert.rejects(client.loadCredentials(id), (e: unknown) => e instanceof CatalogError && e.kind === 'not-implemented' && /does not offer GET/.test(e.message));
  assert.equal(await client.tableExists(id), true);
  assert.deepEqual(seen.filter((s) => s.startsWith('HEAD') || s.includes('/credentials')), [], 'no HEAD and no /credentials');
  // No idempotency-key-lifetime: commits go without a key.
  seen.length = 0;
  await client.commitTable(id, [], [{ action: 'set-properties', updates: { k: 'v' } }]);
  assert.equal(seen.filter((s) => s.startsWith('POST')).length, 1);
});

test('expiring vended keys are renewed by reloading the table where /credentials is not listed', async () => {
  const id = { namespace: ['db'], name: 't' };
  const loaded = await client.loadTable(id);
  const first = Number(loaded.config['s3.session-token-expires-at-ms']);
  assert.ok(first > Date.now(), 'the local catalog vends an expiry');
  assert.ok(loaded.credentialRefresher);
  await new Promise((r) => setTimeout(r, 5));
  seen.length = 0;
  const fresh = await loaded.credentialRefresher!.refresh();
  assert.ok(Number(fresh['s3.session-token-expires-at-ms']) > first, 'a later expiry');
  assert.equal(fresh['s3.access-key-id'], 'AKIDEXAMPLE');
  assert.deepEqual(seen.map((s) => s.replace(/\?.*$/, '')), ['GET /api/catalog/v1/floe/namespaces/db/tables/t']);
});
