// Our REST client against purpose-built misbehaving servers: hangs, resets, 5xx and junk, on reads and on commits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectRestCatalog, type RestCatalog } from '../../server/src/catalog/rest-client';
import { CatalogError, type CatalogErrorKind } from '../../server/src/catalog/catalog';

type Behaviour = 'hang' | 'reset' | '503' | '502-html' | 'junk' | 'bad-metadata' | '500-spec';
let behaviour: Behaviour = 'hang';
let server: http.Server;
let uri: string;
let catalog: RestCatalog;

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url?.startsWith('/api/catalog/v1/config')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ defaults: {}, overrides: { prefix: 'bad' } }));
      return;
    }
    req.resume();
    switch (behaviour) {
      case 'hang': return; // never answers
      case 'reset': req.socket.destroy(); return;
      case '503': res.writeHead(503).end(); return;
      case '502-html': res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>'); return;
      case 'junk': res.writeHead(200, { 'content-type': 'application/json' }).end('{"metadata": '); return;
      case 'bad-metadata': res.writeHead(200, { 'content-type': 'application/json' }).end('{"metadata-location": "/x/00001.metadata.json", "metadata": {"format-version": 2}}'); return;
      case '500-spec': res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'database is down', type: 'ServiceFailureException', code: 500 } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/catalog`;
  catalog = await connectRestCatalog({ uri, timeoutMs: 1000 });
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const id = { namespace: ['ns'], name: 't' };

/** behaviour, whether the call is a commit, expected kind. */
const cases: [Behaviour, boolean, CatalogErrorKind][] = [
  ['hang', false, 'unreachable'],
  ['hang', true, 'commit-state-unknown'],
  ['reset', false, 'unreachable'],
  ['reset', true, 'commit-state-unknown'],
  ['503', false, 'server-error'],
  ['503', true, 'commit-state-unknown'],
  ['502-html', true, 'commit-state-unknown'],
  ['500-spec', true, 'commit-state-unknown'],
  ['junk', false, 'server-error'],
  ['junk', true, 'commit-state-unknown'],
  ['bad-metadata', false, 'server-error'],
  ['bad-metadata', true, 'commit-state-unknown'],
];

test('hangs, resets, 5xx and junk become typed errors; on a commit they mean the outcome is unknown', async () => {
  for (const [b, commit, kind] of cases) {
    behaviour = b;
    const call = commit ? catalog.commitTable(id, [], [{ action: 'set-properties', updates: { a: 'b' } }]) : catalog.loadTable(id);
    await assert.rejects(call, (e: unknown) => {
      assert.ok(e instanceof CatalogError, `${b}: ${String(e)}`);
      assert.equal(e.kind, kind, `${b} (${commit ? 'commit' : 'read'}): ${e.message}`);
      assert.ok(e.message.includes('ns.t'), e.message);
      return true;
    });
  }
});
