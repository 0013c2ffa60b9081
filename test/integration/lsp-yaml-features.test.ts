// Editor features in schema YAML over the real language server, on a copy of the demo: completion of model names
// and generic test names in models/schema.yml, hover on a model's name, go to definition to its SQL file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CompletionRequest, HoverRequest, DefinitionRequest, InsertTextFormat, type CompletionItem, type Location } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { copyDemo } from '../helpers/demo-copy';

let dir: string;
let client: LspClient;
let schemaText: string;

before(async () => {
  dir = copyDemo({ 'macros/is_positive.sql': '{% test is_positive(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} <= 0\n{% endtest %}\n' });
  schemaText = fs.readFileSync(path.join(dir, 'models/schema.yml'), 'utf8');
  client = await LspClient.start(dir, { FLOE_NO_BINDER: '1' });
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const schemaFile = () => path.join(dir, 'models/schema.yml');

/** Opens schema.yml with `text` and asks for completion at the end of `needle` in it. */
async function completeAt(text: string, needle: string): Promise<CompletionItem[]> {
  const uri = await client.open(schemaFile(), text);
  return (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, needle, needle.length) })) as CompletionItem[];
}

test('completion of model names under models:, a model missing from the YAML first', async () => {
  // A new model, open in the editor, without a YAML entry yet.
  const newModel = path.join(dir, 'models/marts/mart_new.sql');
  fs.writeFileSync(newModel, "select 1 as id from {{ ref('stg_orders') }}\n");
  await client.open(newModel);
  const text = schemaText.replace('models:\n', 'models:\n  - name: \n');
  const items = await completeAt(text, 'models:\n  - name: ');
  const labels = items.map((i) => i.label);
  for (const m of ['stg_customers', 'stg_orders', 'mart_revenue', 'mart_new']) assert.ok(labels.includes(m), `${m} in ${JSON.stringify(labels)}`);
  const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
  assert.equal(sorted[0].label, 'mart_new');
  const stg = items.find((i) => i.label === 'stg_orders')!;
  assert.match(stg.detail ?? '', /view/);
  const mart = items.find((i) => i.label === 'mart_revenue')!;
  assert.match(mart.detail ?? '', /external/);
  await client.change(await client.open(schemaFile()), schemaText);
});

test('completion of generic test names under data_tests:, accepted_values as a snippet', async () => {
  const needle = "      - name: email\n        description: Lower-cased email address.\n        data_tests:\n          - not_null\n          - ";
  const text = schemaText.replace("      - name: email\n        description: Lower-cased email address.\n        data_tests:\n          - not_null\n", `${needle}\n`);
  const items = await completeAt(text, needle);
  const labels = items.map((i) => i.label);
  for (const t of ['not_null', 'unique', 'accepted_values', 'relationships', 'is_positive']) assert.ok(labels.includes(t), `${t} in ${JSON.stringify(labels)}`);
  const av = items.find((i) => i.label === 'accepted_values')!;
  assert.equal(av.insertTextFormat, InsertTextFormat.Snippet);
  assert.equal((av.textEdit as { newText: string }).newText, 'accepted_values:\n    arguments:\n      values: [$1]');
  await client.change(await client.open(schemaFile()), schemaText);
});

test("hover on a model's name shows its materialization, Iceberg table and data tests", async () => {
  const uri = await client.open(schemaFile(), schemaText);
  const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(schemaText, 'name: mart_revenue', 8) });
  const md = (h?.contents as { value: string }).value;
  assert.match(md, /model mart_revenue/);
  assert.match(md, /materialized: `external`/);
  assert.match(md, /Materializes Iceberg table `[\w.]*mart_revenue`/);
  assert.match(md, /0 data tests/);
  const stg = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(schemaText, 'name: stg_orders', 8) });
  assert.match((stg?.contents as { value: string }).value, /model stg_orders[\s\S]*5 data tests/);
});

test("go to definition on a model's name opens its SQL file; on ref('x') in to:, model x", async () => {
  const uri = await client.open(schemaFile(), schemaText);
  const defs = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: positionOf(schemaText, 'name: stg_products', 9) })) as Location[];
  assert.equal(defs[0].uri, client.uri(path.join(dir, 'models/staging/stg_products.sql')));
  const ref = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: positionOf(schemaText, "ref('stg_customers')", 6) })) as Location[];
  assert.equal(ref[0].uri, client.uri(path.join(dir, 'models/staging/stg_customers.sql')));
});

test("an exposure's ref to an unknown model and a second entry for a model are errors at their YAML lines, as dbt stops at parse", async () => {
  const file = path.join(dir, 'models/zz_extra.yml');
  const text = [
    'version: 2', 'models:', '  - name: stg_orders', '    description: again',
    'exposures:', '  - name: dash', '    type: dashboard', '    owner: {name: x}', "    depends_on: [ref('mart_revenue'), ref('mart_revnue')]", '',
  ].join('\n');
  fs.writeFileSync(file, text);
  try {
    await client.filesChanged([{ file, type: 'created' }]);
    const got = (await client.diagnostics(await client.open(file, text))).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code}: ${d.message}`);
    const line = schemaText.slice(0, schemaText.indexOf('name: stg_orders')).split('\n').length;
    assert.deepEqual(got, [
      `3:11 1 yaml-duplicate-model: Model 'stg_orders' is already described in models/schema.yml line ${line}: dbt stops with "dbt found two schema.yml entries for the same resource named stg_orders". Describe a model once.`,
      "9:44 1 unknown-ref: Model 'mart_revnue' not found. Did you mean 'mart_revenue'?",
    ]);
  } finally {
    fs.rmSync(file);
    await client.filesChanged([{ file, type: 'deleted' }]);
  }
});
