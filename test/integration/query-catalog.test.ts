// floe query against the local REST catalog: namespace.table names, exact values, time travel by snapshot id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { parseWriteArgs, runWrite } from '../../server/src/cli/commands/write';
import { parseQueryArgs, runQuery } from '../../server/src/cli/commands/query';

let catalog: TestCatalog;
before(async () => {
  catalog = await startTestCatalog();
  const client = await connectRestCatalog({ uri: catalog.uri, warehouse: catalog.name });
  await client.createNamespace(['sales']);
});
after(async () => { await catalog?.close(); });

const write = (mode: string, table: string, sql: string) =>
  runWrite(parseWriteArgs(['--catalog', catalog.uri, '--warehouse', catalog.name, '--mode', mode, table, sql]));
async function query(sql: string, extra: string[] = [], format = 'json'): Promise<string> {
  return runQuery(parseQueryArgs(['--catalog', catalog.uri, '--warehouse', catalog.name, ...extra, '--format', format, sql]));
}

const ROW = `SELECT 9223372036854775807::BIGINT AS big, 12345678901234567890.12::DECIMAL(38,2) AS amount,
  'f81d4fae-7dec-11d0-a765-00a0c91e6bf6'::UUID AS id, DATE '2024-02-29' AS day,
  TIMESTAMP '2024-02-29 12:34:56.123456' AS at, TIMESTAMPTZ '2024-02-29 12:34:56.654321+00' AS at_tz,
  true AS flag, NULL::VARCHAR AS note, 1.5::DOUBLE AS ratio, 7::INTEGER AS n`;

test('catalog tables are addressable as namespace.table, with exact values', async () => {
  await write('create', 'sales.orders', ROW);
  const out = JSON.parse(await query('SELECT * FROM sales.orders'));
  assert.deepEqual(out.columns.map((c: { type: string }) => c.type), ['BIGINT', 'DECIMAL(38,2)', 'UUID', 'DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'BOOLEAN', 'VARCHAR', 'DOUBLE', 'INTEGER']);
  assert.deepEqual(out.rows, [[
    '9223372036854775807', '12345678901234567890.12', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', '2024-02-29',
    '2024-02-29T12:34:56.123456', '2024-02-29T12:34:56.654321+00:00', true, null, 1.5, 7,
  ]]);
});

test('--snapshot reads an older snapshot after an overwrite; csv and table formats', async () => {
  const first = await write('create', 'sales.items', `SELECT range AS id FROM range(3)`);
  await write('overwrite', 'sales.items', `SELECT range + 100 AS id FROM range(2)`);
  assert.equal(await query('SELECT id FROM sales.items ORDER BY id', [], 'csv'), 'id\r\n100\r\n101\r\n');
  const old = await query('SELECT count(*) AS n FROM sales.items', ['--snapshot', `sales.items=${first.snapshotId}`], 'table');
  assert.equal(old, 'n\n-\n3\n(1 row)\n');
});

test('a merge (equality deletes in the same snapshot) reads as upserted rows', async () => {
  await write('create', 'sales.customers', `SELECT * FROM (VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')) v(id, name)`);
  await runWrite(parseWriteArgs(['--catalog', catalog.uri, '--warehouse', catalog.name, '--mode', 'merge', '--unique-key', 'id', 'sales.customers',
    `SELECT * FROM (VALUES (2, 'bobby'), (4, 'dee')) v(id, name)`]));
  assert.equal(await query('SELECT id, name FROM sales.customers ORDER BY id', [], 'csv'), 'id,name\r\n1,ann\r\n2,bobby\r\n3,cy\r\n4,dee\r\n');
});

test('an unknown table is a catalog error naming it', async () => {
  await assert.rejects(query('SELECT * FROM sales.nope'), (e: unknown) => e instanceof Error && /sales\.nope/.test(e.message));
});
