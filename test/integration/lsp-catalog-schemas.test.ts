// Source schemas from the Iceberg catalog (the local Polaris-compatible server): read at startup into
// .floe/cache/schemas.json, then used for completion and binder diagnostics; the cache serves offline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, HoverRequest, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';

let catalog: TestCatalog;
let dir: string;

before(async () => {
  catalog = await startTestCatalog({ name: 'demo_catalog' });
  const client = await connectRestCatalog({ uri: catalog.uri, warehouse: 'demo_catalog' });
  await client.createNamespace(['demo']);
  await client.createNamespace(['demo', 'bronze']);
  await client.createTable(['demo', 'bronze'], {
    name: 'bronze_products',
    schema: { type: 'struct', 'schema-id': 0, fields: [
      { id: 1, name: 'product_id', required: true, type: 'long' },
      { id: 2, name: 'product_name', required: false, type: 'string', doc: 'Display name.' },
      { id: 3, name: 'list_price', required: false, type: 'decimal(18, 2)' },
    ] },
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'floe-lsp-catalog-'));
  cpSync(path.resolve(__dirname, '../fixtures/projects/lakehouse'), dir, { recursive: true });
});

after(async () => {
  await catalog?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('source columns come from the catalog, are cached on disk, and drive completion and hover', async () => {
  const client = await LspClient.start(dir, { FLOE_NO_CATALOG: '', FLOE_NO_BINDER: '1', POLARIS_URI: catalog.uri });
  try {
    const file = path.join(dir, 'models/staging/stg_products.sql');
    const text = "select  from {{ source('bronze', 'products') }}\n";
    const uri = await client.open(file, text);
    const at = positionOf(text, 'select ', 7);
    let labels: string[] = [];
    let incomplete = true;
    for (let i = 0; i < 100 && !labels.includes('list_price'); i++) {
      // a list (complete) or a CompletionList, incomplete while the source's schema is still being read
      const answer = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: at })) as CompletionItem[] | CompletionList;
      const items = Array.isArray(answer) ? answer : answer.items;
      incomplete = !Array.isArray(answer) && answer.isIncomplete;
      labels = items.map((x) => x.label);
      if (!labels.includes('list_price')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(labels.filter((l) => l.startsWith('product') || l === 'list_price').sort(), ['list_price', 'product_id', 'product_name']);
    assert.equal(incomplete, false, 'once the schema is read, the list is complete (not asked for again forever)');
    const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, 'source(', 2) });
    assert.match((h?.contents as { value: string }).value, /\| list_price \| DECIMAL\(18, ?2\) \|/);
    const cache = JSON.parse(readFileSync(path.join(dir, '.floe/cache/schemas.json'), 'utf8'));
    assert.deepEqual(Object.keys(cache.tables), ['demo.bronze.bronze_products']);
  } finally {
    await client.stop();
  }
  // Offline: the catalog is not asked, the cache still answers.
  const offline = await LspClient.start(dir, { FLOE_NO_BINDER: '1' });
  try {
    const file = path.join(dir, 'models/staging/stg_products.sql');
    const text = "select  from {{ source('bronze', 'products') }}\n";
    const uri = await offline.open(file, text);
    const items = (await offline.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, 'select ', 7) })) as CompletionItem[];
    assert.ok(items.some((x) => x.label === 'product_name'));
  } finally {
    await offline.stop();
  }
});
