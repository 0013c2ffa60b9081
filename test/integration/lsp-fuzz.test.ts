// Bounded fuzz: randomly mutated model text (truncations, unbalanced delimiters, binary junk, a 1 MB line)
// never crashes the server, and every request is answered within one second.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CompletionRequest, HoverRequest, DocumentSymbolRequest, DefinitionRequest, CodeLensRequest } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import { mutate, rng, SQL_BITS, withinLimit } from '../helpers/fuzz';
import { CompiledSqlRequest } from '../../server/src/protocol';

const root = path.resolve(__dirname, '../fixtures/projects/lakehouse');
const models = ['models/marts/mart_customer_orders.sql', 'models/marts/mart_revenue.sql', 'models/staging/stg_customers.sql'].map((m) => path.join(root, m));
let client: LspClient;

before(async () => {
  client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
});
after(async () => {
  await client?.stop();
});

async function exercise(uri: string, text: string, random: () => number): Promise<void> {
  await client.change(uri, text);
  const offset = Math.floor(random() * (text.length + 1));
  const before = text.slice(0, offset).split('\n');
  const position = { line: before.length - 1, character: before[before.length - 1].length };
  const doc = { textDocument: { uri } };
  await withinLimit('diagnostics', client.diagnostics(uri));
  await withinLimit('completion', client.connection.sendRequest(CompletionRequest.type, { ...doc, position }));
  await withinLimit('hover', client.connection.sendRequest(HoverRequest.type, { ...doc, position }));
  await withinLimit('definition', client.connection.sendRequest(DefinitionRequest.type, { ...doc, position }));
  await withinLimit('symbols', client.connection.sendRequest(DocumentSymbolRequest.type, doc));
  await withinLimit('lenses', client.connection.sendRequest(CodeLensRequest.type, doc));
  await withinLimit('compiledSql', client.connection.sendRequest(CompiledSqlRequest.type, { uri }));
}

test('mutated model text never crashes or stalls the server', async () => {
  const random = rng(20261125);
  for (const file of models) {
    const original = readFileSync(file, 'utf8');
    const uri = await client.open(file);
    let text = original;
    for (let i = 0; i < 25; i++) {
      text = random() < 0.3 ? mutate(original, SQL_BITS, random) : mutate(text, SQL_BITS, random);
      await exercise(uri, text, random);
    }
    await client.change(uri, original);
  }
  assert.ok(client.alive, `server died: ${client.stderr.join('')}`);
});

test('a 1 MB line is answered within a second', async () => {
  const uri = await client.open(models[0]);
  const long = `select ${'x, '.repeat(350_000)}1 from {{ ref('stg_orders') }} {{ `;
  await exercise(uri, long, rng(7));
  await exercise(uri, `{{ ${'('.repeat(200_000)}`, rng(8));
  await client.change(uri, readFileSync(models[0], 'utf8'));
  assert.deepEqual(await client.diagnostics(uri), []);
  assert.ok(client.alive);
});
