// Big tables (issue 16) through floe query against the local catalog: count/min/max answered from manifests and
// LIMITs planned short give exactly what reading every row gives, on a table with two partition specs, nulls, an
// all-null batch and then equality deletes (where both shortcuts must stand aside).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { parseWriteArgs, runWrite } from '../../server/src/cli/commands/write';
import { parseQueryArgs, runQuery } from '../../server/src/cli/commands/query';
import { tableRelation } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { queryShape } from '../../server/src/engine/read/query-shape';
import { DuckSession } from '../../server/src/engine/session';

let catalog: TestCatalog;
before(async () => {
  catalog = await startTestCatalog();
  const client = await connectRestCatalog({ uri: catalog.uri, warehouse: catalog.name });
  await client.createNamespace(['big']);
});
after(async () => { await catalog?.close(); });

const write = (mode: string, sql: string, extra: string[] = []) =>
  runWrite(parseWriteArgs(['--catalog', catalog.uri, '--warehouse', catalog.name, '--mode', mode, ...extra, 'big.t', sql]));
async function query(sql: string): Promise<{ rows: unknown[][]; columns: unknown[]; notes: string[] }> {
  const notes: string[] = [];
  const out = JSON.parse(await runQuery(parseQueryArgs(['--catalog', catalog.uri, '--warehouse', catalog.name, '--format', 'json', sql]), () => undefined, (n) => notes.push(n)));
  return { ...out, notes };
}
/** The same query read row by row: WHERE true gives it a shape no shortcut takes. */
async function sameRead(sql: string, shortcut: 'metadata' | 'none' | 'either'): Promise<void> {
  const fast = await query(sql);
  const slow = await query(sql.replace(/ FROM big\.t/, ' FROM big.t WHERE true'));
  assert.deepEqual(fast.columns, slow.columns, sql);
  assert.deepEqual(fast.rows, slow.rows, sql);
  assert.equal(slow.notes.length, 0);
  if (shortcut === 'metadata') assert.match(fast.notes.join('\n'), /answered from table metadata: 9 data file\(s\) in 3 manifest/, sql);
  else if (shortcut === 'none') assert.deepEqual(fast.notes, [], sql);
}

const BATCH = (from: number, v: string) => `SELECT i::BIGINT AS id, ${v} AS v, (DATE '2024-01-01' + (i % 40)::INTEGER) AS d,
  TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 1000003) AS ts, ((i % 7) / 4)::DECIMAL(9, 2) AS price, 'n' || (i % 13) AS name
  FROM range(${from}, ${from + 100}) r(i)`;

test('count/min/max and LIMIT shortcuts agree with a full read, then stand aside once deletes exist', async () => {
  await write('create', BATCH(0, `CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 1.5 + 0.25)::DOUBLE END`), ['--partition-by', 'bucket(4, id)']);
  await write('append', BATCH(100, `NULL::DOUBLE`), ['--partition-by', 'month(d)']);
  await write('append', BATCH(-100, `(-(i * 2.5) - 0.5)::DOUBLE`));

  const aggregate = 'SELECT count(*), min(id) AS lo, max(id), min(d), max(d), min(ts), max(ts), min(v), max(v), count(1) AS n FROM big.t';
  await sameRead(aggregate, 'metadata');
  await sameRead('SELECT min(price), max(price) FROM big.t', 'either'); // decimal bounds are exact where the writer records them
  const fast = await query(aggregate);
  assert.deepEqual(fast.rows[0]!.slice(0, 3), ['300', '-100', '199']);
  await sameRead('SELECT max(v) FROM big.t', 'metadata');
  await sameRead('SELECT count(*) FROM big.t', 'metadata');
  // strings may carry truncated bounds, count(column) and expressions are not plain: read
  await sameRead('SELECT min(name), max(name) FROM big.t', 'none');
  await sameRead('SELECT count(v), max(id) + 1 FROM big.t', 'none');

  const all = (await query('SELECT * FROM big.t')).rows.map((r) => JSON.stringify(r));
  const limited = await query('SELECT * FROM big.t LIMIT 5 OFFSET 2');
  assert.equal(limited.rows.length, 5);
  for (const r of limited.rows) assert.ok(all.includes(JSON.stringify(r)), `${JSON.stringify(r)} is a row of the table`);
  // WHERE terms files are pruned by, and the same read with terms no pruning understands
  for (const where of ["id >= 150", "id < -50 OR id IN (3, 180)", "d = DATE '2024-01-05' AND v IS NULL", "name = 'n3' AND id > 10", "ts >= '2024-01-01 00:02:00'", "v > 100"]) {
    const pruned = await query(`SELECT * FROM big.t WHERE ${where} ORDER BY id`);
    const read = await query(`SELECT * FROM big.t WHERE coalesce((${where}), false) ORDER BY id`);
    const count = await query(`SELECT count(*), max(id) FROM big.t WHERE ${where}`);
    assert.deepEqual(count.rows, [[String(read.rows.length), read.rows.at(-1)![0]]], where);
    assert.ok(pruned.rows.length > 0, where);
    assert.deepEqual(pruned.rows, read.rows, where);
  }
  const client = await connectRestCatalog({ uri: catalog.uri, warehouse: catalog.name });
  const pruned = await tableRelation(await client.loadTable({ namespace: ['big'], name: 't' }), { filter: { op: '>=', column: 'id', value: 150 } });
  assert.ok(pruned.dataFiles < 9, `${pruned.dataFiles} of 9 files hold ids from 150`);
  const short = await tableRelation(await client.loadTable({ namespace: ['big'], name: 't' }), { rowLimit: 7 });
  assert.deepEqual(short.partial, { listedRows: 300n });
  assert.ok(short.dataFiles < 9, `${short.dataFiles} of 9 files planned`);

  // a merge writes equality deletes: metadata no longer knows the count, and a LIMIT must not stop early
  await write('merge', `SELECT id, 1.0::DOUBLE AS v, d, ts, price, name FROM (${BATCH(0, 'NULL')}) WHERE id < 30`, ['--unique-key', 'id']);
  await sameRead(aggregate, 'none');
  const after = (await query('SELECT * FROM big.t')).rows.map((r) => JSON.stringify(r));
  assert.equal(after.length, 300);
  const whole = await tableRelation(await client.loadTable({ namespace: ['big'], name: 't' }), { rowLimit: 7 });
  assert.equal(whole.partial, undefined, 'with deletes the whole table is planned');
  const cut = await query('SELECT id, v FROM big.t LIMIT 250');
  assert.equal(cut.rows.length, 250);
  const ids = cut.rows.map((r) => r[0]);
  assert.equal(new Set(ids).size, 250, 'no row is read twice (a deleted version is not counted)');
});

test('query shapes, read by DuckDB\'s parser: which queries may read less, and how', async () => {
  const session = await DuckSession.open();
  try {
    const shape = async (sql: string) => JSON.stringify(await queryShape(session, sql));
    assert.equal(await shape('select * from s.t limit 10 offset 5'), '{"kind":"rows","table":{"catalog":"","schema":"s","table":"t"},"rows":15}');
    assert.equal(await shape('select count(*) c, min(a), max(B) from t limit 3'), '{"kind":"aggregate","table":{"catalog":"","schema":"","table":"t"},"items":[{"fn":"count"},{"fn":"min","column":"a"},{"fn":"max","column":"B"}]}');
    assert.equal(await shape("select a + 1 from t where a >= 5 and f(b) and c in ('x', 'y') order by a"),
      '{"kind":"rows","table":{"catalog":"","schema":"","table":"t"},"filter":{"op":"and","args":[{"op":">=","column":"a","value":5},{"op":"in","column":"c","values":["x","y"]}]}}');
    assert.equal(await shape("select * from t where 3 < a or d = date '2024-01-01'"),
      '{"kind":"rows","table":{"catalog":"","schema":"","table":"t"},"filter":{"op":"or","args":[{"op":">","column":"a","value":3},{"op":"=","column":"d","value":"2024-01-01"}]}}');
    for (const sql of [
      'select * from t order by a limit 10', 'select distinct a from t limit 10', 'select * from t, u limit 10', 'select a + 1 from t limit 10',
      'with x as (select * from t) select * from x limit 10', 'select count(*) from t group by a', 'select count(distinct a) from t', 'select max(a) from t offset 1',
      'select * from t where f(a) or b = 1', 'select * from t where a = 1 and b in (select b from t where a = 2)', 'select (select max(a) from t) from t where a = 1',
      'select * from (select * from t) limit 5', 'select * from t where a = 1.5', 'select * from t limit 10; select 1', 'not sql at all', 'select sum(a) from t',
    ]) assert.equal(await shape(sql), undefined, sql);
  } finally {
    session.close();
  }
});
