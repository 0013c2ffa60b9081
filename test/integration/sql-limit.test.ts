import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, DuckDBConnection } from '@duckdb/node-api';
import { wrapWithLimit, cteUnderCursor, selectionQuery, PreviewSql } from '../../server/src/sql/limit';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await conn.run('create table t as select range as id, (range * 7919) % 1000 as v from range(50000)');
});
after(() => {
  conn.closeSync();
  instance.closeSync();
});

async function rows(sql: string): Promise<string> {
  const r = await conn.runAndReadAll(sql);
  return JSON.stringify(r.getRows(), (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}

function sqlOf(p: PreviewSql): string {
  assert.ok(p.ok, p.ok ? '' : p.message);
  return p.sql;
}

/** The preview returns the first `n` rows of what the query itself returns (same order), and runs as-is. */
async function check(query: string, n: number, expectedRows: number) {
  const preview = sqlOf(wrapWithLimit(query, n));
  const got = JSON.parse(await rows(preview));
  const direct = JSON.parse(await rows(query.replace(/;\s*(--[^\n]*)?\s*$/, '')));
  assert.equal(got.length, expectedRows, preview);
  assert.deepEqual(got, direct.slice(0, n), preview);
}

test('previews return the query\'s own first rows, in its order, under every shape users report breaking', async () => {
  await check('select * from t order by v desc, id', 100, 100);
  await check('select * from t order by v desc, id -- biggest first', 100, 100);
  await check('select * from t order by v, id;  -- done\n', 100, 100);
  await check('select * from t order by id limit 10', 100, 10);
  await check('select * from t order by id desc limit 5000', 100, 100);
  await check('select * from t order by id limit 5000 offset 10', 100, 100);
  await check('select * from t order by id limit (select 7)', 100, 7);
  await check('with a as (select * from t order by v limit 3) select * from a order by id', 100, 3);
  await check('select v, count(*) n from t group by v order by n desc, v', 20, 20);
  await check('(select id from t order by id limit 3) union all (select id from t order by id desc limit 3) order by id', 4, 4);
});

test('DuckDB keeps an ordered subquery\'s order under an outer LIMIT (the wrap fallback relies on it)', async () => {
  const inner = 'select * from t order by v desc, id limit 40000 + 0';
  const wrapped = sqlOf(wrapWithLimit(`${inner} -- x`, 30000));
  assert.ok(wrapped.startsWith('SELECT * FROM ('), wrapped);
  assert.equal(await rows(wrapped), JSON.stringify(JSON.parse(await rows(inner)).slice(0, 30000)));
});

test('the CTE under the cursor and a selection run as previews', async () => {
  const model = 'with big as (select * from t where v > 900),\nsmall as (select id from big where id < 100)\nselect count(*) from small';
  const cte = sqlOf(cteUnderCursor(model, model.indexOf('where id')));
  assert.equal(await rows(sqlOf(wrapWithLimit(cte, 1000))), await rows('select id from t where v > 900 and id < 100'));
  const sel = model.indexOf('select id from big');
  const q = sqlOf(selectionQuery(model, { start: sel, end: sel + 'select id from big where id < 100'.length }));
  assert.equal(await rows(q), await rows('select id from t where v > 900 and id < 100'));
});

test('every query shape DuckDB accepts still runs once limited', async () => {
  const shapes = [
    'from t select id where v < 10',
    'from t',
    'values (1), (2), (3)',
    'table t',
    'describe t',
    'summarize t',
    'pivot (select v % 3 as k, id from t) on k using count(*)',
    'select 1 as a union select 2',
    'with recursive r(n) as (select 1 union all select n + 1 from r where n < 500) select n from r',
    'select * from t qualify row_number() over (order by id) < 500',
    'select * from t using sample 200 rows',
    'select distinct on (v) v, id from t order by v, id',
    'select v, count(*) from t group by v having count(*) > 1 window w as (order by v) order by v',
    'select * from t order by id offset 49990',
    'select * from t limit 300 offset 10 -- paging',
  ];
  for (const q of shapes) {
    const preview = sqlOf(wrapWithLimit(q, 100));
    const got = JSON.parse(await rows(preview));
    assert.ok(got.length <= 100, `${q}: ${got.length} rows`);
    assert.ok(got.length > 0, `${q}: no rows`);
  }
});
