// The language server exits cleanly while its binding workers are busy in DuckDB: a worker thread ended while DuckDB
// works for it once aborted the whole process (`terminate called after throwing an instance of 'Napi::Error'`, signal
// SIGABRT) at the client's shutdown and exit, when stdin closed, or when the parent died. Stopped here at several
// moments of a cold bind: the workers starting, and binds under way (each slow in DuckDB itself: slowBindProject).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ExitNotification, ShutdownRequest } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import { slowBindProject } from '../helpers/slowBindProject';

const root = slowBindProject(300);

/** When to stop the server, after its ready status: as binding starts, and once some binds are answered. */
const moments: Array<[string, (client: LspClient) => Promise<unknown>]> = [
  ['as binding starts', (client) => client.waitForStatus((s) => s.state === 'ready')],
  ['after the first 100 binds', (client) => client.waitForStatus((s) => /^Binding models in DuckDB 100\//.test(s.message ?? ''), 60_000)],
];

/** How the server is told to go: the client's shutdown and exit, or its stdin closing (the client gone). */
const endings: Array<[string, (client: LspClient) => Promise<void>, number]> = [
  ['shutdown and exit', async (client) => {
    await client.connection.sendRequest(ShutdownRequest.type);
    await client.connection.sendNotification(ExitNotification.type);
  }, 0],
  // without a shutdown first, LSP's exit code is 1
  ['stdin closing', async (client) => void client.child.stdin!.end(), 1],
];

/** Starts the server cold (nothing kept from an earlier run: every model is bound in DuckDB), on two workers whatever the cores. */
function start(processId?: number): Promise<LspClient> {
  const env = { FLOE_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'floe-exit-binding-home-')), FLOE_BIND_WORKERS: '2' };
  return LspClient.start(root, env, undefined, { built: true, processId });
}

/** Ends the server with `end` once `reached`, and checks how it exited. */
async function endsCleanly(client: LspClient, reached: (client: LspClient) => Promise<unknown>, end: (client: LspClient) => Promise<void> | void, expected: number): Promise<void> {
  try {
    // the first diagnostics pull starts the background binding at once
    await client.workspaceDiagnostics();
    await reached(client);
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => client.child.once('exit', (code, signal) => resolve([code, signal])));
    // a server that aborts never answers the shutdown
    await Promise.race([end(client), exited]);
    const [code, signal] = await exited;
    const stderr = client.stderr.join('');
    assert.equal(signal, null, `killed by ${signal}; stderr: ${stderr}`);
    assert.equal(code, expected, `stderr: ${stderr}`);
    assert.doesNotMatch(stderr, /terminate called|Napi/);
    assert.equal(stderr, '');
  } finally {
    await client.stop();
  }
}

for (const [moment, reached] of moments) {
  for (const [ending, end, expected] of endings) {
    test(`the language server exits with ${expected} on ${ending} ${moment}, with nothing on stderr`, async () => {
      await endsCleanly(await start(), reached, end, expected);
    });
  }
}

test('the language server exits with 1 when its client process is gone while binds are under way, with nothing on stderr', async () => {
  // the server checks every 3 s whether the client process it was given lives: seconds into the binding
  const parent = spawn('sleep', ['600']);
  await endsCleanly(await start(parent.pid), moments[0][1], () => void parent.kill(), 1);
});
