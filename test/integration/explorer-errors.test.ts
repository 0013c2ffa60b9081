// Connection node states from purpose-built misbehaving catalogs: 403 on config, a server that never answers,
// and a 500 on listing; each is a node with a reason, never a thrown request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectionsOf } from '../../server/src/explorer/connections';
import { ConnectionRegistry } from '../../server/src/explorer/registry';
import { childrenOf } from '../../server/src/explorer/tree';

/** A catalog stand-in: answers every request with `handler`. */
async function misbehaving(handler: http.RequestListener): Promise<{ uri: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}/api/catalog`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const restError = (res: http.ServerResponse, code: number, type: string, message: string) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type, code } }));
};

async function connectionChildren(uri: string, timeoutMs = 5000) {
  const reg = new ConnectionRegistry({ timeoutMs });
  reg.setConnections(connectionsOf([], [{ name: 'c', uri, warehouse: 'w' }]));
  return childrenOf(reg, { connection: 'setting:c', kind: 'connection' });
}

test('403 from the catalog is a forbidden connection with the server message', async () => {
  const server = await misbehaving((_req, res) => restError(res, 403, 'ForbiddenException', 'Principal lacks CATALOG_READ on w'));
  try {
    const r = await connectionChildren(server.uri);
    assert.deepEqual([r.nodes[0].label, r.nodes[0].state, r.connectionState?.state], ['Forbidden (403)', 'forbidden', 'forbidden']);
    assert.match(r.nodes[0].description!, /Principal lacks CATALOG_READ on w/);
  } finally {
    await server.close();
  }
});

test('a catalog that never answers is unreachable after the timeout, naming the URI', async () => {
  const server = await misbehaving(() => { /* never answers */ });
  try {
    const r = await connectionChildren(server.uri, 300);
    assert.equal(r.nodes[0].state, 'unreachable');
    assert.ok(r.nodes[0].description!.includes(new URL(server.uri).host), r.nodes[0].description);
  } finally {
    await server.close();
  }
});

test('a 500 while listing is an error node; the connection itself was reached', async () => {
  const server = await misbehaving((req, res) => {
    if (req.url?.includes('/v1/config')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"defaults":{},"overrides":{}}');
    restError(res, 500, 'InternalServerError', 'database is locked');
  });
  try {
    const r = await connectionChildren(server.uri);
    assert.deepEqual([r.nodes[0].label, r.nodes[0].state], ['Error', 'error']);
    assert.match(r.nodes[0].description!, /database is locked/);
    assert.equal(r.connectionState?.state, 'error');
  } finally {
    await server.close();
  }
});
