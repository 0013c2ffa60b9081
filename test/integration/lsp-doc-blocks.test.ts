// Issue 14 item 9: docs blocks in renames and references, over the real language server on a copy of the demo.
// `{% docs name %}` in models/*.md; `{{ doc('name') }}` in schema YAML descriptions (and in Markdown).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DefinitionRequest, HoverRequest, PrepareRenameRequest, ReferencesRequest, RenameRequest, type Location, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { copyDemo } from '../helpers/demo-copy';

const DOCS = `# Order docs

{% docs order_status %}
One of placed, shipped, completed or cancelled.
{% enddocs %}

{% docs order_id %}
The order's key. See also {{ doc("order_status") }}.
{% enddocs %}
`;

let dir: string;
let client: LspClient;
let schemaText: string;

before(async () => {
  dir = copyDemo({ 'models/docs/orders.md': DOCS });
  const schema = path.join(dir, 'models/schema.yml');
  // Two uses in descriptions, one with the package-qualified form; a model named like the block is not a use.
  schemaText = fs.readFileSync(schema, 'utf8')
    .replace('      - name: status\n', "      - name: status\n        description: \"{{ doc('order_status') }}\"\n")
    .replace('      - name: order_id\n', "      - name: order_id\n        description: '{{ doc(\"floe_demo\", \"order_status\") }} and {{ doc(\"order_id\") }}'\n");
  assert.notEqual(schemaText, fs.readFileSync(schema, 'utf8'));
  fs.writeFileSync(schema, schemaText);
  client = await LspClient.start(dir, { FLOE_NO_BINDER: '1' });
  await client.waitForStatus((s) => s.state === 'ready');
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const docsFile = () => path.join(dir, 'models/docs/orders.md');
const schemaFile = () => path.join(dir, 'models/schema.yml');
const where = (locations: Location[]) => locations.map((l) => `${path.basename(l.uri)}:${l.range.start.line}:${l.range.start.character}`).sort();
const at = (file: string, text: string, needle: string, skip = 0) => {
  const p = positionOf(text, needle, skip);
  return `${path.basename(file)}:${p.line}:${p.character}`;
};

test('Find All References on a docs block lists its definition and every doc() use, in YAML and Markdown', async () => {
  const uri = await client.open(docsFile(), DOCS);
  const refs = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: positionOf(DOCS, 'order_status %}', 3), context: { includeDeclaration: true } })) as Location[];
  const uses = [
    at(schemaFile(), schemaText, "order_status') }}"),
    at(schemaFile(), schemaText, 'order_status") }} and'),
    at(docsFile(), DOCS, 'order_status") }}.'),
  ];
  assert.deepEqual(where(refs), [at(docsFile(), DOCS, 'order_status %}'), ...uses].sort());
  // From a use in YAML, without the declaration.
  const yamlUri = await client.open(schemaFile(), schemaText);
  const fromUse = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: yamlUri }, position: positionOf(schemaText, "order_status') }}", 2), context: { includeDeclaration: false } })) as Location[];
  assert.deepEqual(where(fromUse), uses.sort());
  // Go to definition from a use lands on the block's name.
  const def = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: yamlUri }, position: positionOf(schemaText, 'order_id") }}', 1) })) as Location[];
  assert.deepEqual(where(def), [at(docsFile(), DOCS, 'order_id %}')]);
});

// gitlab-dbt-analytics holds 259 doc() uses in its schema YAML: hovering one said nothing.
test("hover on doc('…') in schema YAML or Markdown shows the block's text; an unknown name says so", async () => {
  const yamlUri = await client.open(schemaFile(), schemaText);
  const hoverAt = async (uri: string, text: string, needle: string) => JSON.stringify(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, needle, 2) }));
  assert.match(await hoverAt(yamlUri, schemaText, "order_status') }}"), /doc order_status.*One of placed, shipped, completed or cancelled\./);
  assert.match(await hoverAt(yamlUri, schemaText, 'order_id") }}'), /doc order_id.*The order's key/);
  const docsUri = await client.open(docsFile(), DOCS);
  assert.match(await hoverAt(docsUri, DOCS, 'order_status") }}.'), /One of placed/);
  const broken = schemaText.replace("doc('order_status')", "doc('order_statuz')");
  await client.change(yamlUri, broken);
  assert.match(await hoverAt(yamlUri, broken, "order_statuz') }}"), /no `\{% docs order_statuz %\}` block/);
  await client.change(yamlUri, schemaText);
});

test('rename a docs block updates its name and every doc() use; the model of a similar name is untouched', async () => {
  const yamlUri = await client.open(schemaFile(), schemaText);
  const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: yamlUri }, position: positionOf(schemaText, "order_status') }}", 1) });
  assert.deepEqual(prepared && 'placeholder' in prepared ? prepared.placeholder : prepared, 'order_status');
  const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: yamlUri }, position: positionOf(schemaText, "order_status') }}", 1), newName: 'order_state' })) as WorkspaceEdit;
  const changes = (edit.documentChanges ?? []) as Array<{ textDocument: { uri: string }; edits: Array<{ range: Location['range']; newText: string }> }>;
  assert.ok(changes.every((c) => 'edits' in c), 'no file is renamed');
  const byFile = Object.fromEntries(changes.map((c) => [path.basename(c.textDocument.uri), c.edits.length]));
  assert.deepEqual(byFile, { 'orders.md': 2, 'schema.yml': 2 });
  // Applied, the texts name the new block everywhere and the old one nowhere.
  const apply = (text: string, edits: Array<{ range: Location['range']; newText: string }>) => {
    const lines = text.split('\n');
    for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
      const l = lines[e.range.start.line];
      lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    return lines.join('\n');
  };
  const newDocs = apply(DOCS, changes.find((c) => c.textDocument.uri.endsWith('orders.md'))!.edits);
  const newSchema = apply(schemaText, changes.find((c) => c.textDocument.uri.endsWith('schema.yml'))!.edits);
  assert.match(newDocs, /{% docs order_state %}/);
  assert.match(newDocs, /doc\("order_state"\)/);
  assert.doesNotMatch(newDocs + newSchema, /order_status/);
  assert.match(newSchema, /doc\('order_state'\)/);
  assert.match(newSchema, /doc\("floe_demo", "order_state"\)/);

  // A name already taken, or not a name, is refused with a message.
  await assert.rejects(client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: yamlUri }, position: positionOf(schemaText, "order_status') }}", 1), newName: 'order_id' }), /A docs block named 'order_id' already exists/);
  await assert.rejects(client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: yamlUri }, position: positionOf(schemaText, "order_status') }}", 1), newName: 'order status' }), /not a valid docs block name/);
});

test('renaming a model leaves docs blocks alone: a block is renamed only through its own name or uses', async () => {
  const stg = path.join(dir, 'models/staging/stg_orders.sql');
  const text = fs.readFileSync(stg, 'utf8');
  const uri = await client.open(stg, text);
  const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 }, newName: 'stg_orders_v2' })) as WorkspaceEdit;
  const files = (edit.documentChanges ?? []).filter((c) => 'edits' in c).map((c) => path.basename((c as { textDocument: { uri: string } }).textDocument.uri));
  assert.ok(!files.includes('orders.md'), files.join(', '));
});
