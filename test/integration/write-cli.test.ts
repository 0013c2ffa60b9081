import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';

const root = path.resolve(__dirname, '../..');
let server: TestCatalog;

before(async () => {
  server = await startTestCatalog();
  const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  await catalog.createNamespace(['bronze']);
  await catalog.createNamespace(['gold']);
});
after(async () => { await server?.close(); });

function floe(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/src/cli/main.ts'), ...args], { cwd: root });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

test('floe write creates bronze and gold tables, prints one JSON line; floe query reads the table back, also as a source', async () => {
  const cat = ['--catalog', server.uri, '--warehouse', server.name];
  const created = await floe('write', ...cat, '--mode', 'create', '--partition-by', 'day(ts)', 'bronze.events',
    "SELECT i::BIGINT AS id, TIMESTAMP '2024-01-01' + to_hours(i * 7) AS ts, 12.34::DECIMAL(10,2) * i AS amount FROM range(10) r(i)");
  assert.equal(created.code, 0, created.err);
  const lines = created.out.trim().split('\n');
  assert.equal(lines.length, 1);
  const summary = JSON.parse(lines[0]);
  assert.equal(summary.table, 'bronze.events');
  assert.equal(summary.rows, '10');
  assert.match(summary.snapshotId, /^\d+$/);

  const gold = await floe('write', ...cat, '--mode', 'create', 'gold.daily',
    'SELECT CAST(ts AS DATE) AS day, sum(amount) AS total FROM bronze.events GROUP BY ALL');
  assert.equal(gold.code, 0, gold.err);

  const q = await floe('query', ...cat, '--format', 'json', 'SELECT day, total FROM gold.daily ORDER BY day');
  assert.equal(q.code, 0, q.err);
  assert.deepEqual(JSON.parse(q.out).rows, [['2024-01-01', '74.04'], ['2024-01-02', '185.10'], ['2024-01-03', '296.16']]);
});

test('floe write reports usage errors and a table that exists without a stack trace', async () => {
  const cat = ['--catalog', server.uri, '--warehouse', server.name];
  const usage = await floe('write', ...cat, '--mode', 'upsert', 'gold.x', 'SELECT 1');
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--mode must be one of/);
  await floe('write', ...cat, '--mode', 'create', 'gold.twice', 'SELECT 1 AS a');
  const again = await floe('write', ...cat, '--mode', 'create', 'gold.twice', 'SELECT 1 AS a');
  assert.equal(again.code, 1);
  assert.match(again.err, /gold\.twice already exists/);
  assert.doesNotMatch(again.err, /\bat \S+:\d+/);
});
