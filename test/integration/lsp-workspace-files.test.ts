// Files the user has not opened: renames, deletes and restores on disk leave the index exactly as a fresh start would
// (with the moved model's tab still open, as when files move in a terminal or through git, and after a restart that
// re-opens that tab); and their problems reach the Problems panel (workspace diagnostics), agreeing with the status bar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, WorkspaceDiagnosticRequest, type CompletionItem } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';

const fixture = path.resolve(__dirname, '../fixtures/projects/lakehouse');
let root: string;
let client: LspClient | undefined;

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-moves-'));
  fs.cpSync(fixture, root, { recursive: true });
});
after(async () => {
  await client?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** The models `ref('` offers in the mart, as the user sees them. */
async function refCompletions(c: LspClient): Promise<string[]> {
  const mart = path.join(root, 'models/marts/mart_customer_orders.sql');
  const text = "select * from {{ ref('') }}\n";
  const uri = await c.open(mart, text);
  const items = (await c.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, "')") })) as CompletionItem[];
  await c.change(uri, fs.readFileSync(mart, 'utf8'));
  return items.map((i) => i.label).filter((l) => l.startsWith('stg_')).sort();
}

test('rename on disk with the tab open, then restore: no ghost model; a restart that re-opens a deleted tab adds none', async () => {
  client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  const ready = await client.waitForStatus((s) => s.state === 'ready');
  const models = ready.models;
  const orders = path.join(root, 'models/staging/stg_orders.sql');
  const moved = path.join(root, 'models/staging/stg_orders_v2.sql');
  const text = fs.readFileSync(orders, 'utf8');
  const ordersUri = await client.open(orders);
  assert.deepEqual(await refCompletions(client), ['stg_customers', 'stg_order_items', 'stg_orders', 'stg_products']);

  fs.renameSync(orders, moved);
  await client.filesChanged([{ file: orders, type: 'deleted' }, { file: moved, type: 'created' }]);
  // The user types in the tab of the deleted file: it is still no model.
  await client.change(ordersUri, `${text}-- edited\n`);
  assert.deepEqual(await refCompletions(client), ['stg_customers', 'stg_order_items', 'stg_orders_v2', 'stg_products']);

  fs.renameSync(moved, orders);
  await client.filesChanged([{ file: moved, type: 'deleted' }, { file: orders, type: 'created' }]);
  assert.deepEqual(await refCompletions(client), ['stg_customers', 'stg_order_items', 'stg_orders', 'stg_products']);
  const back = await client.waitForStatus((s) => s.state === 'ready' && s.models === models);
  assert.equal(back.models, models);
  await client.stop();

  // A restart re-opens every tab, including one whose file is gone.
  fs.rmSync(orders);
  client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  await client.waitForStatus((s) => s.state === 'ready');
  await client.open(orders, text);
  assert.deepEqual(await refCompletions(client), ['stg_customers', 'stg_order_items', 'stg_products']);
});

test('problems of unopened files are in the workspace diagnostics, as many as the status bar counts; unchanged answers unchanged', async () => {
  const broken = path.join(root, 'models/staging/broken.yml');
  fs.writeFileSync(broken, 'version: 2\nmodels:\n  - name: stg_customers\n    columns: [\n');
  const c = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  try {
    const ready = await c.waitForStatus((s) => s.state === 'ready');
    assert.ok(ready.errors >= 1, JSON.stringify(ready));
    const first = await c.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const full = first.items.filter((i) => i.kind === 'full');
    const errors = full.flatMap((i) => (i.kind === 'full' ? i.items : [])).filter((d) => d.severity === 1);
    assert.equal(errors.length, ready.errors, 'the Problems panel and the status bar agree');
    const report = full.find((i) => i.uri === c.uri(broken));
    assert.ok(report && report.kind === 'full' && report.items[0].range.start.line >= 3, JSON.stringify(first));
    // Nothing changed: every file answers unchanged.
    const again = await c.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: full.map((i) => ({ uri: i.uri, value: i.resultId! })) });
    assert.deepEqual(again.items.map((i) => i.kind), full.map(() => 'unchanged'));
    // Fixed on disk: the file is reported once more, with no problems.
    fs.rmSync(broken);
    await c.filesChanged([{ file: broken, type: 'deleted' }]);
    const fixed = await c.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    assert.deepEqual(fixed.items.filter((i) => i.uri === c.uri(broken)).map((i) => i.kind === 'full' && i.items.length), [0]);
  } finally {
    await c.stop();
  }
});
