// Column lineage over the real language server: floe/columnLineage (a node's columns; a column's paths with field ids),
// hover on a column naming its sources, Find All References listing a column's downstream uses, and an edit that
// changes a column's lineage once the model is bound again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HoverRequest, ReferencesRequest } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { writeColumnLineageProject, COLUMN_LINEAGE_FILES } from '../helpers/column-lineage-project';
import { generateProject } from '../helpers/generateProject';
import { ColumnLineageRequest, type ColumnLineageParams, type ColumnLineageResponse } from '../../server/src/protocol/columnLineage';

let dir: string;
let client: LspClient;

before(async () => {
  dir = writeColumnLineageProject();
  client = await LspClient.start(dir);
  await client.waitForStatus((s) => s.state === 'ready' && /All \d+ models bound/.test(s.message ?? ''), 30000);
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (rel: string) => path.join(dir, rel);

async function columns(params: Omit<ColumnLineageParams, 'uri'>) {
  const r: ColumnLineageResponse = await client.connection.sendRequest(ColumnLineageRequest.type, { uri: client.uri(dir), ...params });
  assert.ok(!('error' in r), JSON.stringify(r));
  return r;
}

test("a model's columns, each with how it comes from upstream", async () => {
  const r = await columns({ node: 'model:stg_orders' });
  assert.deepEqual(r.columns.map((c) => [c.name, c.type, c.kind, c.upstream]), [
    ['order_id', 'BIGINT', 'pass-through', 1],
    ['buyer_id', 'BIGINT', 'rename', 1],
    ['amount', 'DOUBLE', 'transformation', 1],
    ['ordered_at', 'TIMESTAMP', 'pass-through', 1],
    ['status', 'VARCHAR', 'pass-through', 1],
  ]);
  const source = await columns({ node: 'source:shop.orders' });
  assert.deepEqual(source.columns.map((c) => `${c.name}#${c.fieldId}`), ['order_id#1', 'customer_id#2', 'amount_cents#3', 'ordered_at#4', 'status#5']);
});

test("a column's upstream and downstream paths, with the columns of every node on them", async () => {
  const r = await columns({ node: 'model:mart_sales', column: 'revenue' });
  assert.deepEqual(r.edges!.map((e) => `${e.from.node}.${e.from.column}${e.from.fieldId ? `#${e.from.fieldId}` : ''} -> ${e.to.node}.${e.to.column} ${e.kind}`), [
    'model:stg_orders.amount -> model:mart_sales.revenue transformation',
    'source:shop.orders.amount_cents#3 -> model:stg_orders.amount transformation',
    'model:mart_sales.revenue -> model:mart_top.revenue pass-through',
  ]);
  assert.deepEqual(Object.keys(r.nodeColumns!).sort(), ['model:mart_sales', 'model:mart_top', 'model:stg_orders', 'source:shop.orders']);
  const missing: ColumnLineageResponse = await client.connection.sendRequest(ColumnLineageRequest.type, { uri: client.uri(dir), node: 'model:mart_sales', column: 'revenu' });
  assert.deepEqual(missing, { error: 'mart_sales has no column revenu (it has customer_name, city, revenue, orders)' });
});

test('hover on a column shows where it comes from, down to the Iceberg field', async () => {
  const text = COLUMN_LINEAGE_FILES['models/mart_sales.sql'];
  const uri = await client.open(file('models/mart_sales.sql'));
  const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, 'as revenue', 4) });
  const md = (h?.contents as { value: string }).value;
  assert.match(md, /Column lineage of `mart_sales\.revenue`/);
  assert.match(md, /`stg_orders\.amount` ← `shop\.orders\.amount_cents` \(field 3\) · computed/);
  assert.match(md, /Sources: `shop\.orders\.amount_cents` \(field 3\)/);
  // on an upstream column read in the model: that column's lineage
  const up = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, 'o.buyer_id', 3) });
  assert.match((up?.contents as { value: string }).value, /`stg_orders\.buyer_id` ← `shop\.orders\.customer_id` \(field 2\) · renamed/);
});

test("Find All References on a model's column lists its uses downstream, through the columns computed from it", async () => {
  const text = COLUMN_LINEAGE_FILES['models/stg_orders.sql'];
  const uri = await client.open(file('models/stg_orders.sql'));
  const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: positionOf(text, 'as amount', 4), context: { includeDeclaration: false } });
  const found = (refs ?? []).map((r) => {
    const lines = fs.readFileSync(new URL(r.uri), 'utf8').split('\n');
    return `${path.basename(r.uri)}:${lines[r.range.start.line].slice(r.range.start.character, r.range.end.character)}`;
  }).sort();
  assert.deepEqual(found, ['mart_sales.sql:o.amount', 'mart_top.sql:*', 'mart_top.sql:revenue']);
});

test("an edit changes the column's lineage once the model is bound again", async () => {
  const before = COLUMN_LINEAGE_FILES['models/stg_orders.sql'];
  const uri = await client.open(file('models/stg_orders.sql'));
  await client.change(uri, before.replace('amount_cents / 100.0 as amount', 'amount_cents as amount'));
  const deadline = Date.now() + 15000;
  let kind: string | undefined;
  while (Date.now() < deadline) {
    kind = (await columns({ node: 'model:stg_orders' })).columns.find((c) => c.name === 'amount')?.kind;
    if (kind === 'rename') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(kind, 'rename');
  await client.change(uri, before);
});

test('asked the moment every model is bound, the column lineage waits for the lineage the background binds left for later', async () => {
  // 400 models: making their lineage after the binds takes long enough that a request sent at once comes first
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-lineage-wait-'));
  generateProject(root, 400);
  const big = await LspClient.start(root);
  try {
    const bound = big.waitForStatus((s) => /All \d+ models bound/.test(s.message ?? ''), 120000);
    await bound;
    const ask = () => big.connection.sendRequest(ColumnLineageRequest.type, { uri: big.uri(root), node: 'model:m399', column: 'amount' });
    const first: ColumnLineageResponse = await ask();
    assert.ok(!('error' in first) && first.edges!.length > 0, JSON.stringify(first).slice(0, 300));
    // what it answers once everything has long settled
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(first, await ask());
  } finally {
    await big.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
