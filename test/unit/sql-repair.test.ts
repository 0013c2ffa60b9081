import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repairFor, applyEdit, mapBack, Edit } from '../../server/src/sql/repair';
import type { SqlError } from '../../server/src/sql/errors';

/** The error underlines `word` in `sql`; expected is the repaired SQL, or undefined when no repair is safe. */
function check(sql: string, word: string, message: string, expected: string | undefined) {
  const e: SqlError = { kind: 'binder', message, offset: sql.indexOf(word), length: word.length };
  const edit = repairFor(e, sql);
  assert.equal(edit && applyEdit(sql, edit), expected, sql);
}

test('unknown and ambiguous columns become NULL, ungrouped ones any_value(); select items keep their names', () => {
  check('select nme from t', 'nme', 'Referenced column "nme" not found in FROM clause!', 'select NULL AS "nme" from t');
  check('select a, nme as n from t', 'nme', 'Referenced column "nme" not found in FROM clause!', 'select a, NULL as n from t');
  check('select * from t where nme > 1', 'nme', 'Referenced column "nme" not found in FROM clause!', 'select * from t where NULL > 1');
  check('select a from t group by a, nme', 'nme', 'Referenced column "nme" not found in FROM clause!', 'select a from t group by a, NULL');
  check('select f(1, nme) from t', 'nme', 'Referenced column "nme" not found in FROM clause!', 'select f(1, NULL) from t');
  check('select id from a, b', 'id', 'Ambiguous reference to column name "id" (use: "a.id" or "b.id")', 'select NULL AS "id" from a, b');
  check('select 1, x.IDD from t x', 'x.IDD', 'Table "x" does not have a column named "IDD"', 'select 1, NULL AS "IDD" from t x');
  check('select id, sum(v) from t', 'id', 'column "id" must appear in the GROUP BY clause or must be part of an aggregate function.', 'select any_value(id) AS "id", sum(v) from t');
  check('select sum(v) from t order by id', 'id', 'column "id" must appear in the GROUP BY clause', 'select sum(v) from t order by any_value(id)');
});

test('no repair when it would only trade the error for another one', () => {
  check('select x.* from t', 'x', 'Referenced table "x" not found!', undefined);
  check('select f(1) from t', 'f', 'Referenced column "f" not found', undefined);
  check('select name + 1 from t', '+', "No function matches the given name and argument types '+(VARCHAR, INTEGER_LITERAL)'", undefined);
});

test('offsets after edits map back to the original text', () => {
  const edits: Edit[] = [
    { at: 7, oldLength: 3, newText: 'NULL' },
    { at: 20, oldLength: 2, newText: 'any_value(id)' },
  ];
  assert.equal(mapBack(3, edits), 3);
  assert.equal(mapBack(9, edits), 7);
  assert.equal(mapBack(13, edits), 12);
  assert.equal(mapBack(20 + 'any_value(id)'.length + 5, edits), 20 + 2 + 5 - 1);
});
