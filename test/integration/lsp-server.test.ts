// The real language server over LSP on the seed-shaped fixture project.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DocumentFormattingRequest, ShowMessageRequest, CompletionRequest, HoverRequest, DefinitionRequest, RenameRequest, ReferencesRequest, DocumentSymbolRequest, CodeLensRequest, type CompletionItem, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { CompiledSqlRequest } from '../../server/src/protocol';

const root = path.resolve(__dirname, '../fixtures/projects/lakehouse');
const mart = path.join(root, 'models/marts/mart_customer_orders.sql');
const martText = readFileSync(mart, 'utf8');
let client: LspClient;

before(async () => {
  client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
});
after(async () => {
  await client?.stop();
});

test('status reaches ready with the model count', async () => {
  const ready = await client.waitForStatus((s) => s.state === 'ready');
  assert.equal(ready.models, 8);
  assert.equal(ready.errors, 0);
  assert.ok(client.statuses.some((s) => s.state === 'indexing'));
});

test('a misspelled ref is an error at the name, with did-you-mean', async () => {
  const uri = await client.open(mart);
  await client.change(uri, martText.replace("ref('stg_orders')", "ref('stg_ordrs')"));
  const diags = await client.diagnostics(uri);
  assert.equal(diags.length, 1);
  assert.equal(diags[0].message, "Model 'stg_ordrs' not found. Did you mean 'stg_orders'?");
  const start = positionOf(martText, "stg_orders')");
  assert.deepEqual(diags[0].range, { start, end: { line: start.line, character: start.character + 'stg_ordrs'.length } });
  await client.change(uri, martText);
  assert.deepEqual(await client.diagnostics(uri), []);
});

test("completion inside ref(' lists models", async () => {
  const uri = await client.open(mart);
  const text = martText.replace("ref('stg_orders')", "ref('stg_')");
  await client.change(uri, text);
  const items = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, "stg_')", 4) })) as CompletionItem[];
  const labels = items.map((i) => i.label);
  for (const m of ['stg_customers', 'stg_orders', 'stg_products', 'country_codes']) assert.ok(labels.includes(m), m);
  await client.change(uri, martText);
});

test('hover on a ref describes the model', async () => {
  const uri = await client.open(mart);
  const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(martText, "stg_customers')") });
  const md = (h?.contents as { value: string }).value;
  assert.match(md, /model stg_customers/);
  assert.match(md, /materialized: `view`/);
  assert.match(md, /Customers, latest version of each\./);
});

test('go to definition of a ref opens the model file; of a source, its YAML', async () => {
  const uri = await client.open(mart);
  const defs = await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: positionOf(martText, "stg_orders')") });
  assert.ok(Array.isArray(defs));
  assert.equal((defs as Array<{ uri: string }>)[0].uri, client.uri(path.join(root, 'models/staging/stg_orders.sql')));
  const stg = path.join(root, 'models/staging/stg_customers.sql');
  const stgText = readFileSync(stg, 'utf8');
  const stgUri = await client.open(stg);
  const src = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: stgUri }, position: positionOf(stgText, "'customers'") })) as Array<{ uri: string; range: { start: { line: number } } }>;
  assert.equal(src[0].uri, client.uri(path.join(root, 'models/sources.yml')));
  assert.equal(src[0].range.start.line, positionOf(readFileSync(path.join(root, 'models/sources.yml'), 'utf8'), 'name: customers').line);
});

test('references of a model list every ref', async () => {
  const stg = path.join(root, 'models/staging/stg_orders.sql');
  const uri = await client.open(stg);
  const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 }, context: { includeDeclaration: false } });
  const files = (refs ?? []).map((r) => path.basename(r.uri)).sort();
  assert.deepEqual(files, ['mart_customer_orders.sql', 'mart_revenue.sql']);
});

test('rename a model updates every ref, the YAML and the file name', async () => {
  const uri = await client.open(mart);
  const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(martText, "stg_customers')"), newName: 'stg_clients' })) as WorkspaceEdit;
  const changes = edit.documentChanges ?? [];
  const textEdits = changes.filter((c) => 'edits' in c) as Array<{ textDocument: { uri: string }; edits: Array<{ newText: string }> }>;
  assert.deepEqual(textEdits.map((c) => path.basename(c.textDocument.uri)).sort(), ['mart_customer_orders.sql', 'schema.yml']);
  assert.ok(textEdits.every((c) => c.edits.every((e) => e.newText === 'stg_clients')));
  const rename = changes.find((c) => 'kind' in c && c.kind === 'rename') as { oldUri: string; newUri: string };
  assert.equal(path.basename(rename.newUri), 'stg_clients.sql');
});

test('symbols, code lenses and compiled SQL', async () => {
  const uri = await client.open(mart);
  const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as Array<{ name: string }>;
  assert.deepEqual(symbols.map((s) => s.name), ['config', 'customers', 'orders', 'final']);
  const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
  const cte = (name: string) => ['floe.previewCte', [uri, String(martText.search(new RegExp(`\\b${name} as \\(`)))]];
  assert.deepEqual(lenses?.map((l) => [l.command?.command, l.command?.arguments]), [['floe.preview', [uri]], ['floe.materialize', [uri]], cte('customers'), cte('orders'), cte('final')]);
  const compiled = await client.connection.sendRequest(CompiledSqlRequest.type, { uri });
  assert.ok('sql' in compiled);
  // dbt's compiled SQL, as `floe compile` writes it: the staging models in the target schema with the custom schema silver
  assert.match(compiled.sql, /select \* from "memory"\."main_silver"\."stg_customers"/);
});

test('render errors arrive from the background at the user text', async () => {
  const stg = path.join(root, 'models/staging/stg_products.sql');
  const uri = await client.open(stg);
  const text = "select 1\n{{ exceptions.raise_compiler_error('products are not ready') }}\n";
  await client.change(uri, text);
  let diags = await client.diagnostics(uri);
  for (let i = 0; i < 50 && diags.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    diags = await client.diagnostics(uri);
  }
  assert.equal(diags.length, 1);
  assert.equal(diags[0].message, 'products are not ready');
  assert.equal(diags[0].range.start.line, 1);
  await client.change(uri, readFileSync(stg, 'utf8'));
});

test('Format Document lays out a model and keeps its Jinja; a model with broken Jinja is left as written, with a message', async () => {
  const uri = await client.open(mart);
  const edits = await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
  assert.equal(edits?.length, 1);
  const out = edits![0].newText;
  for (const block of martText.match(/\{[{%#][\s\S]*?[}%#]\}/g) ?? []) assert.ok(out.includes(block), `kept ${block}`);
  assert.match(out, /^from$/m, 'laid out: a clause per line');
  const messages: string[] = [];
  client.connection.onRequest(ShowMessageRequest.type, (m) => { messages.push(m.message); return null; });
  await client.change(uri, `${martText}\n{% if x %}\n`);
  assert.equal(await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } }), null);
  const deadline = Date.now() + 5000;
  while (!messages.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(messages, ['Floe: mart_customer_orders.sql was not formatted: the model has Jinja errors; fix them first.']);
  await client.change(uri, martText);
});
