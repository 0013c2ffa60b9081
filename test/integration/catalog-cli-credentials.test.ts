// Issue 13, item 8: the real CLI takes the catalog credential from FLOE_CATALOG_CREDENTIAL (floe write, query and
// table cleanup), `floe catalog serve` takes its secret from that variable or a file instead of argv, and a password
// inside a catalog URI is never printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestCatalog, spawnCatalogServe, type TestCatalog } from '../helpers/local-catalog';
import { runFloe } from '../helpers/floe-cli';
import { raw } from '../helpers/raw-http';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';

const ID = 'cli-svc';
const SECRET = 'Env-S3cret-5e1f-not-on-argv';
let server: TestCatalog;
const cat = () => ['--catalog', server.uri, '--warehouse', server.name];

before(async () => {
  server = await startTestCatalog({ clientId: ID, clientSecret: SECRET });
});
after(async () => {
  await server?.close();
});

test('floe write, query and table cleanup use FLOE_CATALOG_CREDENTIAL when --credential is absent', async () => {
  const env = { FLOE_CATALOG_CREDENTIAL: `${ID}:${SECRET}` };
  const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name, credential: { clientId: ID, clientSecret: SECRET } });
  await catalog.createNamespace(['envcred']);
  const write = await runFloe(['write', ...cat(), '--mode', 'create', 'envcred.t', 'SELECT 7 AS n'], env);
  assert.equal(write.code, 0, write.err);
  const query = await runFloe(['query', ...cat(), '--format', 'csv', 'SELECT n FROM envcred.t'], env);
  assert.equal(query.code, 0, query.err);
  assert.match(query.out, /^n\r?\n7\r?\n$/);
  const cleanup = await runFloe(['table', 'cleanup', ...cat(), '--dry-run', 'envcred.t'], env);
  assert.equal(cleanup.code, 0, cleanup.err);
  assert.match(cleanup.out, /envcred\.t: 0 orphan file/);
  // Without it the same command is refused (401), so the variable really was what let it in.
  const without = await runFloe(['query', ...cat(), 'SELECT n FROM envcred.t'], { FLOE_CATALOG_CREDENTIAL: '' });
  assert.equal(without.code, 1);
  assert.match(without.err, /unauthori[sz]ed|401|credential/i);
  const malformed = await runFloe(['query', ...cat(), 'SELECT 1 FROM envcred.t'], { FLOE_CATALOG_CREDENTIAL: 'no-colon' });
  assert.equal(malformed.code, 2);
  assert.match(malformed.err, /FLOE_CATALOG_CREDENTIAL must be CLIENT_ID:CLIENT_SECRET/);
  for (const r of [write, query, cleanup, without, malformed]) assert.ok(!(r.out + r.err).includes(SECRET));
});

test('floe catalog serve takes its secret from FLOE_CATALOG_CREDENTIAL or --client-secret-file, not argv', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'floe-serve-secret-'));
  const secretFile = path.join(dir, 'secret');
  await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });
  const runs: [string, string[], Record<string, string>][] = [
    ['environment', ['--warehouse', dir, '--port', '0'], { FLOE_CATALOG_CREDENTIAL: `${ID}:${SECRET}` }],
    ['secret file', ['--warehouse', dir, '--port', '0', '--client-id', ID, '--client-secret-file', secretFile], {}],
  ];
  try {
    for (const [how, args, env] of runs) {
      const proc = await spawnCatalogServe(args, env);
      try {
        assert.equal((await raw(proc.uri, { path: '/v1/floe/namespaces' })).status, 401, `${how}: credentials are required`);
        const catalog = await connectRestCatalog({ uri: proc.uri, warehouse: 'floe', credential: { clientId: ID, clientSecret: SECRET } });
        await catalog.listNamespaces();
        const cmdline = await readFile(`/proc/${proc.child.pid}/cmdline`, 'utf8');
        assert.ok(!cmdline.includes(SECRET), `${how}: the secret is not on the command line`);
      } finally {
        assert.equal(await proc.stop(), 0);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a password inside a catalog URI is masked in every error the CLI prints', async () => {
  const port = new URL(server.uri).port;
  const unreachable = await runFloe(['query', '--catalog', 'http://alice:hunter2-uri-pw@127.0.0.1:1/api/catalog', '--warehouse', 'floe', 'SELECT * FROM a.b']);
  assert.equal(unreachable.code, 1);
  assert.ok(!unreachable.err.includes('hunter2-uri-pw'), unreachable.err);
  // Answers from the catalog (401 here, then 404 for an unknown warehouse) quote the URI: masked there too.
  const env = { FLOE_CATALOG_CREDENTIAL: `${ID}:${SECRET}` };
  for (const args of [['query', '--format', 'csv', 'SELECT * FROM a.b'], ['table', 'cleanup', 'a.b']]) {
    const [cmd, ...rest] = args;
    const r = await runFloe([cmd, ...(cmd === 'table' ? [rest.shift()!] : []), '--catalog', `http://alice:hunter2-uri-pw@127.0.0.1:${port}/api/catalog`, '--warehouse', 'nope', ...rest], env);
    assert.equal(r.code, 1, r.err);
    assert.ok(!r.err.includes('hunter2-uri-pw'), r.err);
    assert.match(r.err, new RegExp(`alice:\\*\\*\\*@127\\.0\\.0\\.1:${port}`), r.err);
  }
});
