import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wrapWithLimit, cteUnderCursor, selectionQuery, mapToSource, PreviewSql } from '../../server/src/sql/limit';

const WRAP = (inner: string, n = 100) => `SELECT * FROM (\n${inner}\n) AS "floe_preview" LIMIT ${n}`;

/** Expected is the exact SQL, or `error: <substring of the message>`. */
function render(p: PreviewSql): string {
  return p.ok ? p.sql : `error: ${p.message}`;
}
function check(sql: string, expected: string, n = 100) {
  const got = render(wrapWithLimit(sql, n));
  if (expected.startsWith('error: ')) assert.ok(got.startsWith('error: ') && got.includes(expected.slice(7)), `${sql}\n→ ${got}`);
  else assert.equal(got, expected, sql);
}

test('a limit is appended on its own line, after trailing ";", whitespace and comments are dropped', () => {
  check('select * from t', 'select * from t\nLIMIT 100');
  check('select * from t;  \n\n', 'select * from t\nLIMIT 100');
  check('select * from t -- trailing comment', 'select * from t\nLIMIT 100');
  check('select * from t -- c; still a comment\n;', 'select * from t\nLIMIT 100');
  check('select * from t /* a */ ; -- b', 'select * from t\nLIMIT 100');
  check("select '--' as x from t", "select '--' as x from t\nLIMIT 100");
  check('select 1 union all select 2', 'select 1 union all select 2\nLIMIT 100');
});

test('ORDER BY keeps its meaning: the limit goes after it, in the same query', () => {
  check('select * from t order by x desc', 'select * from t order by x desc\nLIMIT 100');
  check('select * from t\norder by x -- newest first\n', 'select * from t\norder by x\nLIMIT 100');
});

test('an existing limit is never doubled: smaller kept, larger lowered, ALL replaced', () => {
  check('select * from t limit 10', 'select * from t limit 10');
  check('select * from t LIMIT 10;', 'select * from t LIMIT 10');
  check('select * from t order by x limit 5000 -- top', 'select * from t order by x limit 100');
  check('select * from t limit 1000 offset 5', 'select * from t limit 100 offset 5');
  check('select * from t offset 5 rows limit 1000', 'select * from t offset 5 rows limit 100');
  check('select * from t limit all', 'select * from t limit 100');
  check('select * from t offset 5', 'select * from t offset 5\nLIMIT 100');
  check('select * from t limit 99999999999999999999999', 'select * from t limit 100');
});

test('limits inside subqueries and CTEs are left alone', () => {
  check('with a as (select * from t limit 5) select * from a', 'with a as (select * from t limit 5) select * from a\nLIMIT 100');
  check('(select 1 limit 5)', '(select 1 limit 5)\nLIMIT 100');
});

test('limits we cannot rewrite safely are wrapped in a subquery', () => {
  check('select * from t limit 10%', WRAP('select * from t limit 10%'));
  check('select * from t limit (select 5)', WRAP('select * from t limit (select 5)'));
  // a column named offset is not a clause: wrapping is the safe reading
  check('select offset from t', WRAP('select offset from t'));
});

test('statements that take no LIMIT are wrapped; non-queries and several statements are refused', () => {
  check('describe t', WRAP('describe t'));
  check('select 1; select 2', 'error: Only one statement');
  check('insert into t select 1', 'error: Only a query');
  check('with a as (select 1) insert into t select * from a', 'error: Only a query');
  check('', 'error: no query');
  check('-- only a comment\n', 'error: no query');
  check('select 1', 'error: whole number', -1);
});

/** `|` marks the cursor; expected is the exact SQL or `error: <substring>`. */
function checkCte(marked: string, expected: string) {
  const at = marked.indexOf('|');
  const got = render(cteUnderCursor(marked.slice(0, at) + marked.slice(at + 1), at));
  if (expected.startsWith('error: ')) assert.ok(got.includes(expected.slice(7)), got);
  else assert.equal(got, expected, marked);
}

test('the CTE under the cursor becomes the WITH clause up to it and a SELECT from it', () => {
  const model = '-- model\nwith a as (select 1 x),\n"B" as (select x from a|),\nc as (select 3)\nselect * from c';
  checkCte(model, 'with a as (select 1 x),\n"B" as (select x from a)\nSELECT * FROM "B"');
  checkCte('with recursive |r as (select 1 n union all select n + 1 from r where n < 3) select * from r',
    'with recursive r as (select 1 n union all select n + 1 from r where n < 3)\nSELECT * FROM "r"');
  checkCte('with a as (select 1) select * from a|', 'error: not inside a CTE');
});

test('a selection is previewed with the CTEs defined before it', () => {
  const sql = 'with a as (select 1 x), b as (select x from a)\nselect * from b where x > 0';
  const start = sql.indexOf('select * from b');
  const p = selectionQuery(sql, { start, end: sql.length });
  assert.equal(render(p), 'with a as (select 1 x), b as (select x from a)\nselect * from b where x > 0');
  // offsets in the preview map back to the model text
  const out = render(p).indexOf('where');
  assert.equal(mapToSource(p, out), sql.indexOf('where'));
  const inner = sql.indexOf('select x from a');
  assert.equal(render(selectionQuery(sql, { start: inner, end: inner + 'select x from a'.length })), 'with a as (select 1 x)\nselect x from a');
  assert.ok(render(selectionQuery(sql, { start: sql.indexOf('x > 0'), end: sql.length })).startsWith('error: Select a whole query'));
});

test('mapToSource follows a lowered limit', () => {
  const sql = 'select * from t limit 5000 offset 2';
  const p = wrapWithLimit(sql, 10);
  assert.equal(render(p), 'select * from t limit 10 offset 2');
  assert.equal(mapToSource(p, render(p).indexOf('offset')), sql.indexOf('offset'));
  assert.equal(mapToSource(p, 3), 3);
});
