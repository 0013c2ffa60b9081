// injectCtes: ephemeral models put into a query where dbt-core's inject_ctes_into_sql (sqlparse) puts them. Expected
// texts follow dbt's: ", ".join of CTEs that each start with a space; before the first token after the first
// top-level WITH (or WITH RECURSIVE), then ", "; else "with" + CTEs + " " before the query's first token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { injectCtes } from '../../server/src/sql/injectCtes';

const A = ' __dbt__cte__a as (\nselect 1\n)';
const B = ' __dbt__cte__b as (\nselect 2\n)';

function check(sql: string, expected: string, ctes = [A, B]): void {
  assert.equal(injectCtes(sql, ctes), expected);
}

test('a query without WITH gets one before its first token, leading whitespace kept', () => {
  check('select * from __dbt__cte__a', `with${A}, ${B} select * from __dbt__cte__a`);
  check('\n\nselect 1', `\n\nwith${A} select 1`, [A]);
});

test("a leading comment is the query's first token: WITH goes before it", () => {
  check('-- note\nselect 1', `with${A} -- note\nselect 1`, [A]);
});

test("the CTEs go before the first token after the query's own WITH, whitespace after WITH kept", () => {
  check('with x as (select 1) select * from x', `with ${A}, x as (select 1) select * from x`, [A]);
  check('-- c\n\nWITH\n\nx as (select 1) select * from x', `-- c\n\nWITH\n\n${A}, x as (select 1) select * from x`, [A]);
});

test('WITH RECURSIVE: after RECURSIVE', () => {
  check('with recursive t(n) as (select 1) select * from t', `with recursive ${A}, t(n) as (select 1) select * from t`, [A]);
});

test('a WITH inside parentheses, strings, quoted names or comments is not the query\'s', () => {
  check("select * from (with y as (select 1) select * from y) z where s = 'with' -- with\n", `with${A} select * from (with y as (select 1) select * from y) z where s = 'with' -- with\n`, [A]);
  check('select "with" from t /* with */', `with${A} select "with" from t /* with */`, [A]);
});

test('no CTEs: the query as it was', () => {
  check('select 1', 'select 1', []);
});
