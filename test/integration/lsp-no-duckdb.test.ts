// An editor whose DuckDB cannot load (a VSIX for another platform, a broken install) still serves the static
// diagnostics, and says plainly, in the status and once as a warning, that models are not bound: never silence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient } from '../helpers/lspClient';

const repo = path.resolve(__dirname, '../..');
const root = path.join(repo, 'test/fixtures/projects/lakehouse');

test('without DuckDB, the status and a warning say models are not bound; static diagnostics still come', async () => {
  // the built server copied where DuckDB's package cannot be found
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-noduck-lsp-'));
  cpSync(path.join(repo, 'dist'), path.join(dir, 'dist'), { recursive: true });
  const client = await LspClient.start(root, { HOME: dir, FLOE_CACHE_DIR: path.join(dir, 'cache') }, undefined, { serverJs: path.join(dir, 'dist/server.js') });
  try {
    const status = await client.waitForStatus((s) => /not bound/.test(s.message ?? ''), 30000);
    assert.equal(status.state, 'ready');
    assert.match(status.message!, /DuckDB's native library did not load/);
    for (let i = 0; i < 50 && !client.shownMessages.length; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(client.shownMessages.filter((m) => /not bound/.test(m)).length, 1);
    for (const text of [...client.statuses.map((s) => s.message ?? ''), ...client.shownMessages]) assert.doesNotMatch(text, /Cannot find module|Error:|at .*\.js/);
    // a broken ref is a static diagnostic: still reported
    const mart = path.join(root, 'models/marts/mart_customer_orders.sql');
    const uri = await client.open(mart);
    await client.change(uri, readFileSync(mart, 'utf8').replace(/ref\('([a-z_]+)'\)/, "ref('$1_nope')"));
    const diags = await client.diagnostics(uri);
    assert.ok(diags.some((d) => /not found/i.test(JSON.stringify(d.message))), JSON.stringify(diags));
  } finally {
    await client.stop();
  }
});
