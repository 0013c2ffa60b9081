// The language server over a project with YAML ints past 2**53 (test/fixtures/projects/bigints): no error reaches the
// user (JSON.stringify threw on such a var's hover and completion), and the hover and completion show every digit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, HoverRequest, type CompletionItem } from 'vscode-languageserver-protocol';
import { REPO_ROOT } from '../helpers/demo-copy';
import { LspClient, positionOf } from '../helpers/lspClient';

let dir: string;
let client: LspClient;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-lsp-bigints-'));
  fs.cpSync(path.join(REPO_ROOT, 'test/fixtures/projects/bigints'), dir, { recursive: true });
  client = await LspClient.start(dir);
});
after(async () => {
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a var past 2**53: hover and completion show its digits; the model and its schema YAML have no diagnostics", async () => {
  const file = path.join(dir, 'models/printed.sql');
  const text = fs.readFileSync(file, 'utf8');
  const uri = await client.open(file);
  assert.deepEqual((await client.diagnostics(uri)).map((d) => d.message), []);
  const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, "var('big')", 6) });
  assert.match((h?.contents as { value: string }).value, /\*\*var big\*\* = `9007199254740993`/);
  const items = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, "var('big')", 5) })) as CompletionItem[];
  assert.equal(items.find((i) => i.label === 'big')?.detail, '9007199254740993');
  const yamlUri = await client.open(path.join(dir, 'models/schema.yml'));
  assert.deepEqual((await client.diagnostics(yamlUri)).map((d) => d.message), []);
});
