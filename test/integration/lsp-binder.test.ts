// Schema-aware diagnostics: the server binds models in DuckDB in the background and reports binder
// errors at the user's text, through the Jinja source map.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompletionRequest, HoverRequest, type CompletionItem } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';

const root = path.resolve(__dirname, '../fixtures/projects/lakehouse');
const mart = path.join(root, 'models/marts/mart_customer_orders.sql');
const martText = readFileSync(mart, 'utf8');
let client: LspClient;

before(async () => {
  client = await LspClient.start(root);
  await client.waitForStatus((s) => s.state === 'ready' && /All \d+ models bound/.test(s.message ?? ''), 30000);
});
after(async () => {
  await client?.stop();
});

/** Polls pull diagnostics until `pred` holds (binding runs in the background after each edit). */
async function diagnosticsUntil(uri: string, pred: (d: Awaited<ReturnType<LspClient['diagnostics']>>) => boolean) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const d = await client.diagnostics(uri);
    if (pred(d) || Date.now() > deadline) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('an unknown column in a model is reported at the user text, after binding', async () => {
  const uri = await client.open(mart);
  const broken = martText.replace('customers.customer_name,', 'customers.customer_nam,');
  await client.change(uri, broken);
  const diags = await diagnosticsUntil(uri, (d) => d.length > 0);
  assert.equal(diags.length, 1);
  assert.equal(diags[0].code, 'sql-binder');
  assert.match(String(diags[0].message), /customer_nam/);
  const start = positionOf(broken, 'customers.customer_nam,');
  assert.equal(diags[0].range.start.line, start.line);
  await client.change(uri, martText);
  assert.deepEqual(await diagnosticsUntil(uri, (d) => d.length === 0), []);
});

test('bound upstream schemas power column completion and hover', async () => {
  const uri = await client.open(mart);
  const text = martText.replace('customers.customer_name,', 'customers.,');
  await client.change(uri, text);
  const items = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, 'customers.,', 'customers.'.length) })) as CompletionItem[];
  assert.deepEqual(items.map((i) => i.label).sort(), ['country', 'customer_id', 'customer_name', 'email']);
  await client.change(uri, martText);
  const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(martText, "ref('stg_customers')", 6) });
  assert.match((h?.contents as { value: string }).value, /\| customer_name \| VARCHAR \|/);
});

test('a broken ref hides no column errors elsewhere in the model, and brings none of its own', async () => {
  const uri = await client.open(mart);
  // The ref is misspelled; customer_nam is wrong on a healthy relation, order_idd reads the broken one (unknown columns).
  const broken = martText.replace("ref('stg_orders')", "ref('stg_orderz')").replace('customers.customer_name,', 'customers.customer_nam,').replace('count(orders.order_id)', 'count(orders.order_idd)');
  await client.change(uri, broken);
  const diags = await diagnosticsUntil(uri, (d) => d.some((x) => x.code === 'sql-binder'));
  const summary = diags.map((d) => [d.code, d.range.start.line, String(d.message).split('\n')[0]]);
  assert.deepEqual(summary.map(([code]) => code).sort(), ['sql-binder', 'unknown-ref'], JSON.stringify(summary));
  const ref = diags.find((d) => d.code === 'unknown-ref')!;
  assert.match(String(ref.message), /Model 'stg_orderz' not found.*Did you mean 'stg_orders'/s);
  const column = diags.find((d) => d.code === 'sql-binder')!;
  assert.equal(column.range.start.line, positionOf(broken, 'customers.customer_nam,').line);
  assert.match(String(column.message), /'customers' has no column 'customer_nam'.*Did you mean 'customer_name'/s);
  assert.doesNotMatch(diags.map((d) => d.message).join('\n'), /order_idd/, 'nothing is said about columns of the unknown relation');

  // A healthy CTE of its own is checked too.
  const inCte = martText.replace("ref('stg_orders')", "ref('stg_orderz')").replace("select * from {{ ref('stg_customers') }}", "select customer_idd from {{ ref('stg_customers') }}");
  await client.change(uri, inCte);
  const cteDiags = await diagnosticsUntil(uri, (d) => d.some((x) => x.code === 'sql-binder'));
  assert.ok(cteDiags.some((d) => d.code === 'sql-binder' && /customer_idd/.test(String(d.message)) && d.range.start.line === positionOf(inCte, 'customer_idd').line), JSON.stringify(cteDiags));
  await client.change(uri, martText);
  assert.deepEqual(await diagnosticsUntil(uri, (d) => d.length === 0), []);
});

test('a changed schema re-binds closed downstream models too: their errors come and go without opening them', async () => {
  const orders = path.join(root, 'models/staging/stg_orders.sql');
  const ordersText = readFileSync(orders, 'utf8');
  const revenue = pathToFileURL(path.join(root, 'models/marts/mart_revenue.sql')).toString();
  assert.deepEqual(await client.diagnostics(revenue), []);
  const uri = await client.open(orders);
  // mart_revenue (never opened) reads o.order_date
  await client.change(uri, ordersText.replace('    order_date,\n', ''));
  const broken = await diagnosticsUntil(revenue, (d) => d.length > 0);
  assert.deepEqual(broken.map((d) => d.code), ['sql-binder']);
  assert.match(String(broken[0].message), /order_date/);
  await client.change(uri, ordersText);
  assert.deepEqual(await diagnosticsUntil(revenue, (d) => d.length === 0), []);
});
