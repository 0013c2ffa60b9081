// A `ref('` list names every model of the project: the server sends the names and resolves a model's detail (kind and
// materialization) and documentation (its YAML description) when the client asks for that item
// (completionItem/resolve), so a large project's first list does not resolve thousands of configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CompletionRequest, CompletionResolveRequest, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';

const root = path.resolve(__dirname, '../fixtures/projects/lakehouse');
const mart = path.join(root, 'models/marts/mart_customer_orders.sql');
const staging = path.join(root, 'models/staging/stg_orders.sql');

const itemsOf = (answer: CompletionItem[] | CompletionList | null) => (Array.isArray(answer) ? answer : answer?.items ?? []);

test('a ref list sends model names; resolving an item gives its kind, materialization and description', async () => {
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  try {
    const text = readFileSync(mart, 'utf8').replace("ref('stg_orders')", "ref('')");
    const uri = await client.open(mart, text);
    const complete = async () => itemsOf(await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, "')", 0) }));
    const items = await complete();
    const customers = items.find((i) => i.label === 'stg_customers');
    const mart2 = items.find((i) => i.label === 'mart_revenue');
    assert.ok(customers && mart2, `the models are listed: ${items.map((i) => i.label).join(', ')}`);
    assert.ok(items.every((i) => i.detail === undefined && i.documentation === undefined), 'no item carries its detail up front');

    const resolve = (item: CompletionItem) => client.connection.sendRequest(CompletionResolveRequest.type, item);
    const resolved = await resolve(customers);
    assert.equal(resolved.detail, 'model · view');
    assert.deepEqual(resolved.documentation, { kind: 'markdown', value: 'Customers, latest version of each.' });
    assert.equal(resolved.label, 'stg_customers', 'the rest of the item is as sent');
    assert.deepEqual(resolved.textEdit, customers.textEdit);
    assert.equal((await resolve(mart2)).detail, 'model · external', "a model's own config() decides its materialization");

    // an item the list did not mark, and a model that is gone since the list: answered as sent
    const plain: CompletionItem = { label: 'x', kind: 1 };
    assert.deepEqual(await resolve(plain), plain);
    const gone = { ...customers, label: 'no_such_model' };
    assert.deepEqual(await resolve(gone), gone);

    // the model's materialization as edited since: resolved against the project as it is now
    const stagingUri = await client.open(staging);
    await client.change(stagingUri, readFileSync(staging, 'utf8').replace("materialized='view'", "materialized='table'"));
    await complete();
    assert.equal((await resolve(items.find((i) => i.label === 'stg_orders')!)).detail, 'model · table');
  } finally {
    await client.stop();
  }
});
