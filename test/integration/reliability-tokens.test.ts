// OAuth tokens across a long session: with a one-second token life, a run of writes outlives several tokens and
// never notices; after the catalog restarts with a different secret (credentials revoked), the engine and the CLI
// fail with an unauthorized error that names the catalog URI and shows neither secret.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { CatalogError } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';

const clientId = 'floe-writer';
const secret = 'first-S3CRET-4f9a';
const newSecret = 'rotated-S3CRET-77c1';
let warehouse: string;
let session: DuckSession;
let server: TestCatalog | undefined;
const access: string[] = [];

before(async () => {
  warehouse = await mkdtemp(path.join(os.tmpdir(), 'floe-tokens-'));
  session = await DuckSession.open();
});
after(async () => {
  session?.close();
  await server?.close();
  await rm(warehouse, { recursive: true, force: true });
});

const root = path.resolve(__dirname, '../..');
function floe(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/src/cli/main.ts'), ...args], { cwd: root, env: { ...process.env, FLOE_DEBUG: '' } });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  return once(child, 'close').then(([code]) => ({ code: code as number | null, out, err }));
}

test('tokens that expire every second are refreshed transparently through a run of writes', async () => {
  server = await startTestCatalog({ warehouse, clientId, clientSecret: secret, tokenTtlSeconds: 1, log: (l) => access.push(l) });
  const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name, credential: { clientId, clientSecret: secret } });
  await catalog.createNamespace(['gold']);
  const id = { namespace: ['gold'], name: 'long_session' };
  await writeTable({ session, catalog, table: id, mode: 'create', sql: 'SELECT 0 AS tag' });
  const grants = () => access.filter((l) => /oauth\/tokens -> 200/.test(l)).length;
  const first = grants();
  let writes = 1;
  // Keep writing until the session has needed three more tokens (each lives one second); bounded at 15 s.
  const deadline = Date.now() + 15_000;
  while (grants() < first + 3 && Date.now() < deadline) {
    await writeTable({ session, catalog, table: id, mode: 'append', sql: `SELECT ${writes} AS tag` });
    writes++;
  }
  assert.ok(grants() >= first + 3, `the session outlived three tokens (${grants() - first} refreshes in ${writes} writes)`);
  await registerIcebergTable(session, 'long_session', await catalog.loadTable(id));
  assert.deepEqual((await session.query('SELECT count(*)::INTEGER, count(DISTINCT tag)::INTEGER FROM long_session')).rows, [[writes, writes]]);
  const denied = access.filter((l) => / -> 401/.test(l) && !l.includes('oauth/tokens'));
  // A request racing its token's last milliseconds may see one 401; the client then refreshes and retries once.
  assert.ok(denied.length <= grants() - first, `401s are at most one per token: ${denied.join('; ')}`);
  console.log(`tokens: ${writes} writes over ${grants() - first} token refreshes, ${denied.length} 401s absorbed`);
});

test('revoked credentials (the catalog restarted with another secret) give a clear unauthorized error naming the catalog', async () => {
  const port = Number(new URL(server!.uri).port);
  const catalog = await connectRestCatalog({ uri: server!.uri, warehouse: server!.name, credential: { clientId, clientSecret: secret } });
  await server!.close();
  server = await startTestCatalog({ warehouse, port, clientId, clientSecret: newSecret, log: (l) => access.push(l) });
  const id = { namespace: ['gold'], name: 'long_session' };
  await assert.rejects(writeTable({ session, catalog, table: id, mode: 'append', sql: 'SELECT -1 AS tag' }), (e: unknown) => {
    assert.ok(e instanceof CatalogError, String(e));
    assert.equal(e.kind, 'unauthorized');
    assert.ok(e.message.includes(server!.uri), e.message);
    assert.ok(!e.message.includes(secret) && !e.message.includes(newSecret), e.message);
    return true;
  });
  const cli = await floe(['write', '--catalog', server.uri, '--warehouse', server.name, '--credential', `${clientId}:${secret}`, '--mode', 'append', 'gold.long_session', 'SELECT -1 AS tag']);
  assert.equal(cli.code, 1);
  assert.match(cli.err, /^floe write: .*(not authorized|unauthorized|401)/i);
  assert.ok(cli.err.includes(server.uri), cli.err);
  assert.ok(!cli.err.includes(secret) && !cli.err.includes(newSecret), cli.err);
  assert.doesNotMatch(cli.err, /\n\s+at /);
  // The table did not change.
  const admin = await connectRestCatalog({ uri: server.uri, warehouse: server.name, credential: { clientId, clientSecret: newSecret } });
  await registerIcebergTable(session, 'after_revoke', await admin.loadTable(id));
  assert.deepEqual((await session.query('SELECT count(*)::INTEGER FROM after_revoke WHERE tag = -1')).rows, [[0]]);
});
