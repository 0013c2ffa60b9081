// Secrets and exposure: client secrets and tokens never reach the local catalog's access log, the CLI's output or
// errors, or the language server's output and replies; the local catalog binds to 127.0.0.1, answers 401 without
// a token when credentials are configured, and refuses bodies over its limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startTestCatalog } from '../helpers/local-catalog';
import { LspClient } from '../helpers/lspClient';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { ExplorerChildrenRequest, ExplorerConnectionsRequest, ExplorerSetCredentialRequest } from '../../server/src/protocol/explorer';

const root = path.resolve(__dirname, '../..');
const main = path.join(root, 'server/src/cli/main.ts');
const clientId = 'floe-svc';
const secret = 'Zq8-S3CRET-never-shown-81c2';
const wrongSecret = 'Wr0ng-S3CRET-also-hidden-5d0e';

function floe(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { cwd: root });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  return once(child, 'close').then(([code]) => ({ code: code as number | null, out, err }));
}

/** Every issued token, taken from the token endpoint's answers, to look for later. */
async function token(uri: string, body: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; token?: string }> {
  const res = await fetch(`${uri}/v1/oauth/tokens`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });
  const json = (await res.json()) as { access_token?: string };
  return { status: res.status, token: json.access_token };
}

function assertNoSecrets(text: string, secrets: string[], where: string): void {
  for (const s of secrets) assert.ok(!text.includes(s), `${where} shows a secret (${s.slice(0, 4)}…):\n${text.slice(0, 2000)}`);
}

test('the access log of `floe catalog serve --verbose` never shows secrets or tokens; it binds 127.0.0.1 and says 401 without a token', async () => {
  const warehouse = await mkdtemp(path.join(os.tmpdir(), 'floe-secrets-'));
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'catalog', 'serve', '--warehouse', warehouse, '--port', '0', '--client-id', clientId, '--client-secret', secret, '--verbose'], { cwd: root });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  try {
    const [uri] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    assert.match(uri, /^http:\/\/127\.0\.0\.1:\d+\/api\/catalog$/, 'loopback unless told otherwise');
    const port = Number(new URL(uri).port);
    const secrets = [secret, wrongSecret, Buffer.from(`${clientId}:${secret}`).toString('base64')];
    // Tokens by form, by Basic auth, by token exchange; a wrong secret; then authorized and forged calls.
    const byForm = await token(uri, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
    const byBasic = await token(uri, { grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` });
    const exchanged = await token(uri, { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: byForm.token!, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' });
    assert.deepEqual([byForm.status, byBasic.status, exchanged.status], [200, 200, 200]);
    assert.equal((await token(uri, { grant_type: 'client_credentials', client_id: clientId, client_secret: wrongSecret })).status, 401);
    secrets.push(byForm.token!, byBasic.token!, exchanged.token!);
    const catalog = await connectRestCatalog({ uri, warehouse: 'floe', credential: { clientId, clientSecret: secret } });
    await catalog.createNamespace(['sec']);
    const forged = await fetch(`${uri}/v1/floe/namespaces?token=${byForm.token}`, { headers: { authorization: `Bearer ${byForm.token}x` } });
    assert.equal(forged.status, 401);
    // Without a token every catalog route is 401, and says so in the Iceberg error shape.
    for (const [method, route] of [['GET', '/v1/floe/namespaces'], ['GET', '/v1/floe/namespaces/sec'], ['GET', '/v1/floe/namespaces/sec/tables/t'], ['POST', '/v1/floe/namespaces/sec/tables/t'], ['DELETE', '/v1/floe/namespaces/sec']] as const) {
      const res = await fetch(`${uri}${route}`, { method, body: method === 'POST' ? '{}' : undefined });
      assert.equal(res.status, 401, `${method} ${route}`);
      assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'NotAuthorizedException');
    }
    // Not reachable on the machine's other addresses.
    const external = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) await assert.rejects(fetch(`http://${external.address}:${port}/api/catalog/v1/config`), `not listening on ${external.address}`);
    child.kill('SIGTERM');
    await once(child, 'exit');
    assert.match(stderr, /POST \/api\/catalog\/v1\/oauth\/tokens -> 200/, 'the access log ran');
    assert.match(stderr, /-> 401/);
    assertNoSecrets(stderr, secrets, 'the access log');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(warehouse, { recursive: true, force: true });
  }
});

test('the CLI never prints a client secret, even when the catalog refuses it', async () => {
  const server = await startTestCatalog({ clientId, clientSecret: secret });
  try {
    const cat = ['--catalog', server.uri, '--warehouse', server.name];
    const wrong = await floe(['write', ...cat, '--credential', `${clientId}:${wrongSecret}`, '--mode', 'create', 'sec.t', 'SELECT 1 AS a']);
    assert.equal(wrong.code, 1);
    assert.ok(wrong.err.includes(server.uri), wrong.err);
    assertNoSecrets(wrong.out + wrong.err, [wrongSecret, secret], 'floe write');
    const query = await floe(['query', ...cat, '--credential', `${clientId}:${wrongSecret}`, 'SELECT * FROM sec.t']);
    assert.notEqual(query.code, 0);
    assertNoSecrets(query.out + query.err, [wrongSecret, secret], 'floe query');
    const cleanup = await floe(['table', 'cleanup', ...cat, '--credential', `${clientId}:${wrongSecret}`, 'sec.t']);
    assert.equal(cleanup.code, 1);
    assert.match(cleanup.err, /^floe table cleanup: .*refused the client credentials.*not authorized/);
    assertNoSecrets(cleanup.out + cleanup.err, [wrongSecret, secret], 'floe table cleanup');
  } finally {
    await server.close();
  }
});

test('the language server never shows a secret set through setCredential: not in stderr, log messages or replies', async () => {
  const server = await startTestCatalog({ clientId, clientSecret: secret });
  const folder = await mkdtemp(path.join(os.tmpdir(), 'floe-secrets-lsp-'));
  await writeFile(path.join(folder, 'dbt_project.yml'), 'name: sec\nprofile: sec\n');
  const client = await LspClient.start(folder, { FLOE_NO_BINDER: '1', FLOE_CATALOG_CREDENTIAL: '' });
  const seen: string[] = [];
  for (const method of ['window/logMessage', 'window/showMessage', '$/progress', 'floe/status']) client.connection.onNotification(method, (p: unknown) => { seen.push(JSON.stringify(p)); });
  try {
    const catalogs = [{ name: 'secure', uri: server.uri, warehouse: server.name, clientId }];
    const conns = await client.connection.sendRequest(ExplorerConnectionsRequest.type, { catalogs });
    seen.push(JSON.stringify(conns));
    const ref = conns.nodes.find((n) => n.label === 'secure')!.ref;
    await client.connection.sendRequest(ExplorerSetCredentialRequest.type, { connection: ref.connection, clientId, clientSecret: wrongSecret });
    const denied = await client.connection.sendRequest(ExplorerChildrenRequest.type, { ref });
    seen.push(JSON.stringify(denied));
    assert.equal(denied.nodes[0]?.state ?? denied.connectionState?.state, 'unauthorized', JSON.stringify(denied));
    await client.connection.sendRequest(ExplorerSetCredentialRequest.type, { connection: ref.connection, clientId, clientSecret: secret });
    const ok = await client.connection.sendRequest(ExplorerChildrenRequest.type, { ref });
    seen.push(JSON.stringify(ok));
    assert.ok(ok.nodes.every((n) => n.state === undefined), JSON.stringify(ok));
    assert.ok(client.alive);
    assertNoSecrets(client.stderr.join('') + seen.join('\n'), [secret, wrongSecret], 'the language server');
  } finally {
    await client.stop();
    await server.close();
    await rm(folder, { recursive: true, force: true });
  }
});

test('the catalog refuses bodies over its limit (declared or streamed) and keeps serving', async () => {
  const server = await startTestCatalog({ maxBodyBytes: 64 * 1024 });
  try {
    const url = new URL(`${server.uri}/v1/floe/namespaces`);
    const big = JSON.stringify({ namespace: ['x'], properties: { pad: 'y'.repeat(100 * 1024) } });
    const declared = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    assert.equal(declared.status, 413);
    // Streamed without a length: the server stops reading at the limit.
    const streamed = await new Promise<number | string>((resolve) => {
      const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? 'error'));
      const chunk = Buffer.alloc(16 * 1024, 'y');
      let sent = 0;
      const pump = () => { while (sent < 1024 * 1024) { sent += chunk.length; if (!req.write(chunk)) return req.once('drain', pump); } req.end(); };
      pump();
    });
    assert.ok(streamed === 413 || streamed === 'ECONNRESET' || streamed === 'EPIPE', `refused: ${streamed}`);
    const after = await fetch(`${server.uri}/v1/config?warehouse=floe`);
    assert.equal(after.status, 200, 'still serving');
  } finally {
    await server.close();
  }
});
