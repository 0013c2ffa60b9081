// A hover or references request on a ref, a macro call or in schema YAML reads no column lineage, so it does not wait
// for the lineage background binds owe: the first one would open DuckDB in the server's main thread (seconds on real
// projects: dental's first hover on a ref took 11 s while its models bound). Binds in a worker; the server logs when
// DuckDB opens in its own thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DocumentSymbolRequest, HoverRequest, ReferencesRequest } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import { slowBindProject } from '../helpers/slowBindProject';

test('a hover and references on a ref answer without opening DuckDB in the main thread', async () => {
  const root = slowBindProject(400);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-hover-lineage-'));
  const model = path.join(root, 'models', 'reader.sql');
  const text = "select n from {{ ref('m0') }}\n";
  fs.writeFileSync(model, text);
  const client = await LspClient.start(root, { FLOE_BIND_WORKERS: '1', FLOE_CACHE_DIR: dir });
  const log: string[] = [];
  client.connection.onNotification('window/logMessage', (m: { message: string }) => { log.push(m.message); });
  try {
    const uri = await client.open(model, text);
    // some background binds done, their lineage owed
    await client.waitForStatus((s) => Number(/Binding models in DuckDB (\d+)\//.exec(s.message ?? '')?.[1] ?? 0) >= 20, 60_000);
    const position = { line: 0, character: text.indexOf('m0') + 1 };
    const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
    assert.match(JSON.stringify(h), /model m0/);
    const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration: false } });
    assert.equal(refs?.length, 1);
    // a round trip after them: any log line they caused has come
    await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
    assert.ok(!client.statuses.some((s) => /All \d+ models bound/.test(s.message ?? '')), 'the models were still binding (the test needs them to be)');
    assert.deepEqual(log.filter((l) => l.includes('DuckDB opens in the server thread')), []);
    // a hover in SQL text may show column lineage: it waits for it, made in the server thread
    await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 8 } });
    assert.equal(log.filter((l) => l.includes('DuckDB opens in the server thread')).length, 1);
  } finally {
    await client.stop();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(root, { recursive: true, force: true });
});
