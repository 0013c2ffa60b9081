// Sort, filter and export over a preview's full result: the SQL the server runs (columns by position, names quoted,
// the filter text bound), and the footer's sentence about the row limit, the total and the query time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultViewSql } from '../../server/src/run/resultView';
import { isServerSide, resultSummary } from '../../media/src/summary';
import type { PreviewResult } from '../../server/src/protocol/results';

const BASE = 'select 1 as id, 2 as id, \'x\' as "we""ird"';

test('no view: every column by position, renamed back, with a count', () => {
  const q = resultViewSql(BASE, ['id', 'id', 'we"ird']);
  assert.equal(q.sql, `SELECT "c1" AS "id", "c2" AS "id", "c3" AS "we""ird" FROM (\n${BASE}\n) AS floe_result("c1", "c2", "c3")`);
  assert.equal(q.countSql, `SELECT count(*) FROM (\n${BASE}\n) AS floe_result("c1", "c2", "c3")`);
  assert.deepEqual(q.params, []);
});

test('sort and filter: ORDER BY the column position with NULLs last; the filter text is a bound parameter', () => {
  const one = resultViewSql(BASE, ['id', 'id', 'we"ird'], { sort: { column: 1, descending: true }, filter: { text: "o'; drop table x; --", column: 2 } });
  assert.match(one.sql, / WHERE contains\(lower\(CAST\("c3" AS VARCHAR\)\), lower\(\$1\)\) ORDER BY "c2" DESC NULLS LAST$/);
  assert.match(one.countSql, / WHERE contains\(lower\(CAST\("c3" AS VARCHAR\)\), lower\(\$1\)\)$/);
  assert.deepEqual(one.params, ["o'; drop table x; --"]);
  assert.ok(!one.sql.includes('drop table'), 'the text never becomes SQL');
  const any = resultViewSql(BASE, ['a', 'b'], { filter: { text: 'x' }, sort: { column: 0, descending: false } });
  assert.match(any.sql, /WHERE contains\(lower\(CAST\("c1" AS VARCHAR\)\), lower\(\$1\)\) OR contains\(lower\(CAST\("c2" AS VARCHAR\)\), lower\(\$1\)\) ORDER BY "c1" ASC NULLS LAST$/);
  assert.equal(resultViewSql(BASE, ['a'], { filter: { text: '' } }).params.length, 0, 'an empty filter filters nothing');
});

test('a column outside the result is refused with a sentence', () => {
  assert.throws(() => resultViewSql(BASE, ['a', 'b'], { sort: { column: 2, descending: false } }), /The result has no column 3 \(it has 2\)\./);
  assert.throws(() => resultViewSql(BASE, ['a', 'b'], { filter: { text: 'x', column: -1 } }), /no column 0/);
});

function result(over: Partial<PreviewResult>): PreviewResult {
  return { columns: [], arrow: '', rowCount: 500, truncated: false, elapsedMs: 1234, sql: 'q', title: 't', ...over };
}

test('the footer says when a row limit applies, the total and the query time', () => {
  const check = (r: PreviewResult, shown: number, text: string, limited: boolean) => assert.deepEqual(resultSummary(r, shown), { text, limited });
  check(result({ rowCount: 42, totalRows: 42, limit: 500 }), 42, '42 rows · 1,234 ms', false);
  check(result({ rowCount: 42 }), 7, '7 of 42 rows · 1,234 ms', false);
  check(result({ truncated: true, totalRows: 100_000, limit: 500 }), 500,
    'Showing first 500 of 100,000 rows · row limit 500: sort, filter and export use the full result · 1,234 ms', true);
  check(result({ truncated: true, totalRows: 3_210, limit: 500, view: { filter: { text: 'ab' } } }), 500,
    'Showing first 500 of 3,210 matching rows · row limit 500: sort, filter and export use the full result · 1,234 ms', true);
  check(result({ truncated: true, limit: 500 }), 500,
    'Showing first 500 rows (total not counted) · row limit 500: sort, filter and export use the full result · 1,234 ms', true);
  check(result({ rowCount: 12, totalRows: 12, limit: 500, view: { filter: { text: 'ab' } } }), 12,
    '12 matching rows · sorted and filtered over the full result · 1,234 ms', false);
  assert.deepEqual([isServerSide(result({})), isServerSide(result({ truncated: true })), isServerSide(result({ view: {} }))], [false, true, true]);
});
